package redisbroker_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TestPayloadStaysByteExact stores a payload a JSON encoder would rewrite
// (spaces, a newline, '<', '>' and '&', a unicode escape) and reads it
// back unchanged from Dequeue, Task and the duplicate reply of Enqueue,
// with the headers and timeout intact.
func TestPayloadStaysByteExact(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	payload := json.RawMessage("{ \"html\": \"<b>&amp;</b>\",\n  \"u\": \"\\u00e9\", \"n\" : 1.50 }")
	task := newTask(f, "q", "exact")
	task.Payload = payload
	task.Timeout = 90 * time.Second
	task.Headers = map[string]string{"traceparent": "00-abc-def-01", "note": "line\nbreak <&>"}

	_, err := f.broker.Enqueue(t.Context(), task)
	require.NoError(t, err)
	dup, err := f.broker.Enqueue(t.Context(), task)
	require.NoError(t, err)
	require.True(t, dup.Duplicate)
	require.Equal(t, string(payload), string(dup.Task.Payload))

	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	got := leases[0].Task
	require.Equal(t, string(payload), string(got.Payload))
	require.Equal(t, task.Headers, got.Headers)
	require.Equal(t, task.Timeout, got.Timeout)
	require.True(t, task.CreatedAt.Equal(got.CreatedAt))

	info, err := f.broker.Task(t.Context(), "exact")
	require.NoError(t, err)
	require.Equal(t, string(payload), string(info.Payload))
}

// TestEnqueueRefusesCreatedAtItCannotReadBack enqueues tasks whose
// created-at has a year outside 0-9999, which RFC 3339 cannot parse: they
// must be refused, not stored as tasks no claim can decode.
func TestEnqueueRefusesCreatedAtItCannotReadBack(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	for i, at := range []time.Time{
		time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC),
		time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC),
	} {
		task := newTask(f, "q", fmt.Sprintf("t%d", i))
		task.CreatedAt = at
		_, err := f.broker.Enqueue(t.Context(), task)
		var verr *domain.ValidationError
		require.ErrorAs(t, err, &verr, "created-at %v", at)
		require.Equal(t, "created_at", verr.Field)
	}
	stats, err := f.broker.Stats(t.Context(), "q")
	require.NoError(t, err)
	require.Zero(t, stats.Pending)
}

// TestLineEncodingTakesNoFieldFromTypeOrHeaders tries to smuggle a field
// into the line-encoded data: a type holding a newline is refused, and
// headers holding newlines and odd bytes come back as they were, with the
// payload untouched.
func TestLineEncodingTakesNoFieldFromTypeOrHeaders(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	forged := newTask(f, "q", "forged")
	forged.Type = "job\n0\n2030-01-01T00:00:00Z\n\n{\"evil\":1}"
	_, err := f.broker.Enqueue(t.Context(), forged)
	require.Error(t, err)

	task := newTask(f, "q", "odd")
	task.Headers = map[string]string{"k\ney": "v\n0\n\n{\"evil\":1}", "tab\t": "\x00\x01|meta\r\n"}
	_, err = f.broker.Enqueue(t.Context(), task)
	require.NoError(t, err)
	info, err := f.broker.Task(t.Context(), "odd")
	require.NoError(t, err)
	require.Equal(t, task.Headers, info.Headers)
	require.Equal(t, string(task.Payload), string(info.Payload))
	require.Equal(t, task.Type, info.Type)

	_, err = f.broker.Task(t.Context(), "forged")
	require.ErrorIs(t, err, domain.ErrTaskNotFound)
}
