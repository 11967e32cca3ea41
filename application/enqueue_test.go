package application_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports/porttest"
)

var epoch = time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)

type enqueueBundle struct {
	enq    *application.Enqueuer
	broker *memory.Broker
	clock  *porttest.FakeClock
}

func setupEnqueue(t *testing.T, cfg application.EnqueueConfig) enqueueBundle {
	t.Helper()
	clock := porttest.NewFakeClock(epoch)
	broker := memory.New(memory.Config{Clock: clock})
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("send_email", nopHandler()))
	ids := 0
	newID := func() string { ids++; return "gen-" + strings.Repeat("x", ids) }
	return enqueueBundle{enq: application.NewEnqueuer(cfg, broker, reg, clock, newID), broker: broker, clock: clock}
}

func emailRequest() application.EnqueueRequest {
	return application.EnqueueRequest{Type: "send_email", Payload: json.RawMessage(`{"to":"a@example.com"}`)}
}

func TestEnqueueFillsDefaults(t *testing.T) {
	t.Parallel()
	b := setupEnqueue(t, application.EnqueueConfig{})
	res, err := b.enq.Enqueue(t.Context(), emailRequest())
	require.NoError(t, err)
	require.False(t, res.Duplicate)
	task := res.Task
	require.Equal(t, "gen-x", task.ID)
	require.Equal(t, domain.DefaultQueue, task.Queue)
	require.Equal(t, domain.DefaultRetryPolicy.MaxAttempts, task.MaxAttempts)
	require.Equal(t, epoch, task.CreatedAt)
	require.Equal(t, epoch, task.RunAt)
	require.Zero(t, task.Attempt)

	info, err := b.broker.Task(t.Context(), task.ID)
	require.NoError(t, err)
	require.Equal(t, domain.StatePending, info.State)
}

func TestEnqueueKeepsGivenFields(t *testing.T) {
	t.Parallel()
	b := setupEnqueue(t, application.EnqueueConfig{DefaultQueue: "mail"})
	req := emailRequest()
	req.ID = "order:42"
	req.Queue = "critical"
	req.MaxAttempts = 7
	req.Delay = time.Minute
	req.Timeout = 5 * time.Second
	req.Headers = map[string]string{"tenant": "acme"}
	res, err := b.enq.Enqueue(t.Context(), req)
	require.NoError(t, err)
	task := res.Task
	require.Equal(t, "order:42", task.ID)
	require.Equal(t, "critical", task.Queue)
	require.Equal(t, 7, task.MaxAttempts)
	require.Equal(t, 5*time.Second, task.Timeout)
	require.Equal(t, epoch.Add(time.Minute), task.RunAt)
	require.Equal(t, map[string]string{"tenant": "acme"}, task.Headers)

	info, err := b.broker.Task(t.Context(), task.ID)
	require.NoError(t, err)
	require.Equal(t, domain.StateScheduled, info.State, "a delayed task waits")

	res, err = b.enq.Enqueue(t.Context(), emailRequest())
	require.NoError(t, err)
	require.Equal(t, "mail", res.Task.Queue, "the configured default queue")
}

func TestEnqueueIsIdempotent(t *testing.T) {
	t.Parallel()
	b := setupEnqueue(t, application.EnqueueConfig{})
	req := emailRequest()
	req.ID = "once"
	first, err := b.enq.Enqueue(t.Context(), req)
	require.NoError(t, err)

	b.clock.Advance(time.Second)
	req.Payload = compactless(req.Payload)
	again, err := b.enq.Enqueue(t.Context(), req)
	require.NoError(t, err)
	require.True(t, again.Duplicate)
	require.Equal(t, first.Task.ID, again.Task.ID)
	require.Equal(t, first.Task.CreatedAt, again.Task.CreatedAt, "the first task is returned")

	stats, err := b.broker.Stats(t.Context(), domain.DefaultQueue)
	require.NoError(t, err)
	require.EqualValues(t, 1, stats.Pending)
}

// compactless re-spaces a JSON payload: the same work, other bytes.
func compactless(p json.RawMessage) json.RawMessage {
	var out bytes.Buffer
	_ = json.Indent(&out, p, "", "  ")
	return out.Bytes()
}

func TestEnqueueRefusesAKeyReusedForOtherWork(t *testing.T) {
	t.Parallel()
	b := setupEnqueue(t, application.EnqueueConfig{})
	req := emailRequest()
	req.ID = "once"
	_, err := b.enq.Enqueue(t.Context(), req)
	require.NoError(t, err)

	other := req
	other.Payload = json.RawMessage(`{"to":"other@example.com"}`)
	_, err = b.enq.Enqueue(t.Context(), other)
	require.ErrorIs(t, err, domain.ErrIdempotencyConflict, "a different payload under the same key is not the stored task")
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "id", ve.Field)

	stats, err := b.broker.Stats(t.Context(), domain.DefaultQueue)
	require.NoError(t, err)
	require.EqualValues(t, 1, stats.Pending, "nothing else was stored")
}

func TestEnqueueRejectsInvalidRequests(t *testing.T) {
	t.Parallel()
	cfg := application.EnqueueConfig{
		Limits:   domain.Limits{MaxPayloadBytes: 64, MaxHeaders: 1, MaxHeaderBytes: 32},
		MaxDelay: time.Hour,
	}
	cases := []struct {
		name   string
		field  string
		want   error
		mutate func(*application.EnqueueRequest)
	}{
		{"unknown type", "type", domain.ErrUnknownTaskType, func(r *application.EnqueueRequest) { r.Type = "nobody" }},
		{"invalid type", "type", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Type = "send email" }},
		{"missing type", "type", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Type = "" }},
		{"array payload", "payload", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Payload = json.RawMessage(`[]`) }},
		{"missing payload", "payload", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Payload = nil }},
		{"large payload", "payload", domain.ErrPayloadTooLarge, func(r *application.EnqueueRequest) {
			r.Payload = json.RawMessage(`{"x":"` + strings.Repeat("a", 64) + `"}`)
		}},
		{"bad queue", "queue", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Queue = "a:b" }},
		{"bad id", "id", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.ID = "has space" }},
		{"negative delay", "delay", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Delay = -time.Second }},
		{"delay too long", "delay", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Delay = time.Hour + 1 }},
		{"negative timeout", "timeout", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.Timeout = -1 }},
		{"negative attempts", "max_attempts", domain.ErrInvalid, func(r *application.EnqueueRequest) { r.MaxAttempts = -1 }},
		{"too many headers", "headers", domain.ErrInvalid, func(r *application.EnqueueRequest) {
			r.Headers = map[string]string{"a": "1", "b": "2"}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setupEnqueue(t, cfg)
			req := emailRequest()
			tc.mutate(&req)
			_, err := b.enq.Enqueue(t.Context(), req)
			requireField(t, err, tc.field)
			require.ErrorIs(t, err, tc.want)

			queues, err := b.broker.Queues(t.Context())
			require.NoError(t, err)
			require.Empty(t, queues, "nothing was stored")
		})
	}
}

func TestEnqueueGeneratesDistinctIDsByDefault(t *testing.T) {
	t.Parallel()
	clock := porttest.NewFakeClock(epoch)
	broker := memory.New(memory.Config{Clock: clock})
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("send_email", nopHandler()))
	enq := application.NewEnqueuer(application.EnqueueConfig{}, broker, reg, clock, nil)
	a, err := enq.Enqueue(t.Context(), emailRequest())
	require.NoError(t, err)
	c, err := enq.Enqueue(t.Context(), emailRequest())
	require.NoError(t, err)
	require.NotEqual(t, a.Task.ID, c.Task.ID)
	require.NoError(t, domain.ValidateID(a.Task.ID))
}
