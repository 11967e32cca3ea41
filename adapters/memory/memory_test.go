package memory_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

// bundle is what the memory-specific tests need; the conformance suite
// covers everything the ports promise.
type bundle struct {
	broker *memory.Broker
	clock  *porttest.FakeClock
}

func setup(t *testing.T, retention time.Duration) bundle {
	t.Helper()
	clock := porttest.NewFakeClock(epoch)
	return bundle{broker: memory.New(memory.Config{Clock: clock, CompletedRetention: retention}), clock: clock}
}

func (b bundle) task(queue, id string) domain.Task {
	now := b.clock.Now()
	return domain.Task{ID: id, Type: "job", Payload: json.RawMessage(`{}`), Queue: queue, MaxAttempts: 3, CreatedAt: now, RunAt: now}
}

func (b bundle) complete(t *testing.T, queue, id string) {
	t.Helper()
	_, err := b.broker.Enqueue(t.Context(), b.task(queue, id))
	require.NoError(t, err)
	leases, err := b.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{queue}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.NoError(t, b.broker.Ack(t.Context(), leases[0]))
}

func TestSucceededTasksAreForgottenAfterRetention(t *testing.T) {
	t.Parallel()
	b := setup(t, time.Hour)
	b.complete(t, "q", "early")
	b.clock.Advance(30 * time.Minute)
	b.complete(t, "q", "late")

	b.clock.Advance(30*time.Minute - time.Nanosecond)
	info, err := b.broker.Task(t.Context(), "early")
	require.NoError(t, err, "a success is remembered for the whole retention")
	require.Equal(t, domain.StateSucceeded, info.State)

	b.clock.Advance(time.Nanosecond)
	_, err = b.broker.Task(t.Context(), "early")
	require.ErrorIs(t, err, domain.ErrTaskNotFound, "a success is forgotten once the retention has passed")
	_, err = b.broker.Task(t.Context(), "late")
	require.NoError(t, err, "later successes are kept")

	res, err := b.broker.Enqueue(t.Context(), b.task("q", "early"))
	require.NoError(t, err)
	require.False(t, res.Duplicate, "a forgotten id may be enqueued again")
}

func TestIDsAreUniqueAcrossQueues(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	_, err := b.broker.Enqueue(t.Context(), b.task("a", "same"))
	require.NoError(t, err)
	res, err := b.broker.Enqueue(t.Context(), b.task("b", "same"))
	require.NoError(t, err)
	require.True(t, res.Duplicate, "an id used in another queue is a duplicate")
	require.Equal(t, "a", res.Task.Queue)
}

func TestRejectsUnusableParams(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	ctx := t.Context()
	cases := map[string]error{}
	_, cases["queues"] = b.broker.Dequeue(ctx, ports.DequeueParams{Max: 1, LeaseFor: time.Second})
	_, cases["max"] = b.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{"q"}, LeaseFor: time.Second})
	_, cases["lease_for"] = b.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{"q"}, Max: 1})
	_, cases["for"] = b.broker.Extend(ctx, ports.ExtendParams{})
	_, cases["limit"] = b.broker.List(ctx, ports.ListDeadLettersParams{})
	_, cases["offset"] = b.broker.List(ctx, ports.ListDeadLettersParams{Limit: 1, Offset: -1})
	_, cases["queue"] = b.broker.Enqueue(ctx, b.task("bad queue", "x"))
	_, cases["id"] = b.broker.Enqueue(ctx, b.task("q", ""))
	for field, err := range cases {
		var verr *domain.ValidationError
		require.ErrorAs(t, err, &verr, field)
		require.Equal(t, field, verr.Field)
	}
}

func TestCancelledContextStopsEveryCall(t *testing.T) {
	t.Parallel()
	b := setup(t, 0)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := b.broker.Enqueue(ctx, b.task("q", "a"))
	require.ErrorIs(t, err, context.Canceled)
	_, err = b.broker.Stats(ctx, "q")
	require.ErrorIs(t, err, context.Canceled)
	st, err := b.broker.Stats(t.Context(), "q")
	require.NoError(t, err)
	require.Zero(t, st.Pending, "a call with a cancelled context does nothing")
}
