package metrics_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

// TestMemoryBroker_KnownSequence drives the decorators over the real
// in-memory broker through success, retry, lease expiry, dead-lettering and
// retention, and checks every counter it should move.
func TestMemoryBroker_KnownSequence(t *testing.T) {
	t.Parallel()
	clock := porttest.NewFakeClock(t0)
	reg := prometheus.NewRegistry()
	m, err := newMetrics(reg, clock)
	require.NoError(t, err)
	broker := memory.New(memory.Config{Clock: clock})
	q, dl := m.Queue(broker), m.DeadLetters(broker)
	h := m.Handler("send_email", ports.HandlerFunc(func(_ context.Context, task domain.Task) error {
		if task.ID == "b" {
			return errors.New("smtp down")
		}
		return nil
	}))
	ctx := t.Context()

	for _, id := range []string{"a", "b", "c", "a"} {
		_, err := q.Enqueue(ctx, domain.Task{ID: id, Type: "send_email", Queue: "default", Payload: json.RawMessage(`{}`),
			MaxAttempts: 2, CreatedAt: clock.Now(), RunAt: clock.Now()})
		require.NoError(t, err)
	}
	clock.Advance(2 * time.Second)
	first := dequeue(t, q, 3)
	settle(t, q, dl, h, first[0]) // a succeeds
	settle(t, q, dl, h, first[1]) // b fails, retried; c's lease is left to expire
	clock.Advance(2 * time.Minute)
	_, err = q.Recover(ctx, []string{"default"})
	require.NoError(t, err)
	for _, l := range dequeue(t, q, 2) { // b fails on its last attempt; c succeeds
		settle(t, q, dl, h, l)
	}
	_, err = dl.Expire(ctx, ports.ExpireParams{Queue: "default", OlderThan: clock.Now().Add(time.Second)})
	require.NoError(t, err)

	email := prometheus.Labels{"queue": "default", "task_type": "send_email"}
	with := func(k, v string) prometheus.Labels {
		l := prometheus.Labels{k: v}
		for a, b := range email {
			l[a] = b
		}
		return l
	}
	require.Equal(t, 3.0, value(t, reg, "popbox_tasks_enqueued_total", email))
	require.Equal(t, 2.0, value(t, reg, "popbox_tasks_processed_total", with("outcome", "succeeded")))
	require.Equal(t, 2.0, value(t, reg, "popbox_tasks_processed_total", with("outcome", "failed")))
	require.Equal(t, 1.0, value(t, reg, "popbox_task_retries_total", email))
	require.Equal(t, 1.0, value(t, reg, "popbox_tasks_dead_lettered_total", email))
	require.Equal(t, 1.0, value(t, reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "default", "outcome": "requeued"}))
	require.Equal(t, 1.0, value(t, reg, "popbox_dead_letter_expired_total", prometheus.Labels{"queue": "default"}))
	require.Equal(t, 5.0, value(t, reg, "popbox_task_queue_wait_seconds", email))
	require.Equal(t, 4.0, value(t, reg, "popbox_task_duration_seconds", email))
	require.Zero(t, value(t, reg, "popbox_broker_errors_total", prometheus.Labels{"op": "ack"}))
}

func dequeue(t *testing.T, q ports.QueuePort, n int) []ports.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	leases, err := q.Dequeue(ctx, ports.DequeueParams{Queues: []string{"default"}, Max: n, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, n)
	return leases
}

// settle runs the handler and does what a worker would with the outcome.
func settle(t *testing.T, q ports.QueuePort, dl ports.DeadLetterPort, h ports.Handler, l ports.Lease) {
	t.Helper()
	ctx := t.Context()
	err := h.ProcessTask(ctx, l.Task)
	switch {
	case err == nil:
		require.NoError(t, q.Ack(ctx, l))
	case l.Task.AttemptsLeft():
		require.NoError(t, q.Retry(ctx, ports.RetryParams{Lease: l, RunAt: l.ExpiresAt.Add(-59 * time.Second), Error: err.Error()}))
	default:
		require.NoError(t, dl.Add(ctx, ports.DeadLetterParams{Lease: l, Reason: err.Error()}))
	}
}
