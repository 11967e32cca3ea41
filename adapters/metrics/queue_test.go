package metrics_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func lease(t domain.Task) ports.Lease {
	t.Attempt++
	return ports.Lease{Task: t, Token: "tok-" + t.ID}
}

func TestQueue_CountsAKnownSequence(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	email := prometheus.Labels{"queue": "default", "task_type": "send_email"}

	for _, id := range []string{"a", "b", "c", "a"} { // the second "a" is a duplicate
		_, err := b.queue.Enqueue(ctx, task(id, "default"))
		require.NoError(t, err)
	}
	delayed := task("d", "default")
	delayed.RunAt = t0.Add(time.Second) // its wait starts when it falls due
	b.broker.leases = []ports.Lease{lease(task("a", "default")), lease(task("b", "default")), lease(task("c", "default")), lease(delayed)}
	b.clock.Advance(3 * time.Second)
	leases, err := b.queue.Dequeue(ctx, ports.DequeueParams{Queues: []string{"default"}, Max: 4, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.NoError(t, b.queue.Ack(ctx, leases[0]))
	require.NoError(t, b.queue.Retry(ctx, ports.RetryParams{Lease: leases[1], RunAt: t0.Add(time.Minute)}))
	require.NoError(t, b.queue.Release(ctx, leases[2]))

	require.Equal(t, 3.0, value(t, b.reg, "popbox_tasks_enqueued_total", email))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_task_retries_total", email))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_tasks_released_total", email))
	require.Equal(t, 4.0, value(t, b.reg, "popbox_task_queue_wait_seconds", email))
	require.InDelta(t, 3+3+3+2, histogramSum(t, b.reg, "popbox_task_queue_wait_seconds", email), 1e-9)
	require.Zero(t, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "ack"}))
}

func TestQueue_LostLeasesAreCountedApartFromBrokerErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	l := lease(task("a", "critical"))
	lost := fmt.Errorf("ack a: %w", domain.ErrLeaseLost)
	b.broker.fail("ack", lost)
	b.broker.fail("retry", lost)
	b.broker.fail("release", errors.New("connection reset"))

	require.ErrorIs(t, b.queue.Ack(ctx, l), domain.ErrLeaseLost)
	require.ErrorIs(t, b.queue.Retry(ctx, ports.RetryParams{Lease: l}), domain.ErrLeaseLost)
	require.Error(t, b.queue.Release(ctx, l))
	b.broker.kept = 1
	kept, err := b.queue.Extend(ctx, ports.ExtendParams{Leases: []ports.Lease{l, lease(task("b", "critical")), lease(task("c", "critical"))}, For: time.Minute})
	require.NoError(t, err)
	require.Len(t, kept, 1)

	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_lost_total", prometheus.Labels{"queue": "critical", "op": "ack"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_lost_total", prometheus.Labels{"queue": "critical", "op": "retry"}))
	require.Equal(t, 2.0, value(t, b.reg, "popbox_leases_lost_total", prometheus.Labels{"queue": "critical", "op": "extend"}))
	require.Zero(t, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "ack"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "release"}))
	require.Zero(t, value(t, b.reg, "popbox_task_retries_total", prometheus.Labels{"queue": "critical", "task_type": "send_email"}))
}

func TestQueue_CallerErrorsAndCancellationAreNotBrokerErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.broker.fail("enqueue", &domain.ValidationError{Field: "queue", Reason: "bad"})
	_, err := b.queue.Enqueue(t.Context(), task("a", "default"))
	require.ErrorIs(t, err, domain.ErrInvalid)

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = b.queue.Dequeue(ctx, ports.DequeueParams{Queues: []string{"default"}, Max: 1})
	require.ErrorIs(t, err, context.Canceled)

	b.broker.fail("dequeue", fmt.Errorf("dequeue: %w", domain.ErrBrokerUnavailable))
	_, err = b.queue.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"default"}, Max: 1})
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable)

	require.Zero(t, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "enqueue"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "dequeue"}))
	require.Zero(t, value(t, b.reg, "popbox_tasks_enqueued_total", prometheus.Labels{"queue": "default", "task_type": "send_email"}))
}

func TestQueue_RecoverCountsExpiredLeasesPerQueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.broker.recover["default"] = ports.RecoverResult{Promoted: 1, Requeued: 2}
	b.broker.recover["critical"] = ports.RecoverResult{Requeued: 1, DeadLettered: 1}

	res, err := b.queue.Recover(t.Context(), []string{"default", "critical"})
	require.NoError(t, err)
	require.Equal(t, ports.RecoverResult{Promoted: 1, Requeued: 3, DeadLettered: 1}, res)
	require.Equal(t, [][]string{{"default"}, {"critical"}}, b.broker.recovers)

	require.Equal(t, 2.0, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "default", "outcome": "requeued"}))
	require.Zero(t, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "default", "outcome": "dead_lettered"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "critical", "outcome": "requeued"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "critical", "outcome": "dead_lettered"}))
}

func TestQueue_RecoverGoesOnPastAFailingQueue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.broker.recover["critical"] = ports.RecoverResult{Requeued: 1}
	b.broker.fail("recover:default", domain.ErrBrokerUnavailable)

	res, err := b.queue.Recover(t.Context(), []string{"default", "critical"})
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable)
	require.Equal(t, 1, res.Requeued)
	require.Equal(t, 1.0, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "recover"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": "critical", "outcome": "requeued"}))
}

func TestDeadLetters_CountsAddsAndRetention(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := t.Context()
	require.NoError(t, b.dead.Add(ctx, ports.DeadLetterParams{Lease: lease(task("a", "default")), Reason: "boom"}))
	b.broker.expire = ports.ExpireResult{Expired: 3, Trimmed: 2}
	_, err := b.dead.Expire(ctx, ports.ExpireParams{Queue: "default", MaxSize: 10})
	require.NoError(t, err)
	b.broker.fail("dead_letter_get", fmt.Errorf("get x: %w", domain.ErrDeadLetterNotFound))
	_, err = b.dead.Get(ctx, "x")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound)
	b.broker.fail("dead_letter_add", domain.ErrLeaseLost)
	require.ErrorIs(t, b.dead.Add(ctx, ports.DeadLetterParams{Lease: lease(task("b", "default"))}), domain.ErrLeaseLost)

	require.Equal(t, 1.0, value(t, b.reg, "popbox_tasks_dead_lettered_total", prometheus.Labels{"queue": "default", "task_type": "send_email"}))
	require.Equal(t, 3.0, value(t, b.reg, "popbox_dead_letter_expired_total", prometheus.Labels{"queue": "default"}))
	require.Equal(t, 2.0, value(t, b.reg, "popbox_dead_letter_trimmed_total", prometheus.Labels{"queue": "default"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_leases_lost_total", prometheus.Labels{"queue": "default", "op": "dead_letter_add"}))
	require.Zero(t, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "dead_letter_get"}))
}

func histogramSum(t *testing.T, reg *prometheus.Registry, name string, labels prometheus.Labels) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		for _, mt := range mf.GetMetric() {
			if mf.GetName() == name && matches(mt.GetLabel(), labels) {
				return mt.GetHistogram().GetSampleSum()
			}
		}
	}
	require.Failf(t, "series not found", "%s%v", name, labels)
	return 0
}
