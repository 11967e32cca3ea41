package application_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// faultyQueue wraps a QueuePort and fails chosen calls.
type faultyQueue struct {
	ports.QueuePort
	mu              sync.Mutex
	dequeueFailures int   // the next this many Dequeues fail
	ackFailures     int   // the next this many Acks fail with ackErr
	ackErr          error // what a failing Ack returns
	loseOnExtend    bool  // Extend renews nothing
}

func (q *faultyQueue) take(n *int) bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	if *n == 0 {
		return false
	}
	*n--
	return true
}

func (q *faultyQueue) Dequeue(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	if q.take(&q.dequeueFailures) {
		return nil, fmt.Errorf("dequeue: %w", domain.ErrBrokerUnavailable)
	}
	return q.QueuePort.Dequeue(ctx, p)
}

func (q *faultyQueue) Ack(ctx context.Context, l ports.Lease) error {
	if q.take(&q.ackFailures) {
		return q.ackErr
	}
	return q.QueuePort.Ack(ctx, l)
}

func (q *faultyQueue) Extend(ctx context.Context, p ports.ExtendParams) ([]ports.Lease, error) {
	if q.loseOnExtend {
		return nil, nil
	}
	return q.QueuePort.Extend(ctx, p)
}

// sleepCtx sleeps for d unless ctx ends first.
func sleepCtx(ctx context.Context, d time.Duration) error {
	select {
	case <-time.After(d):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func TestWorkerHeartbeatKeepsLongTaskLeased(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("long", func(ctx context.Context, task domain.Task) error {
		calls.inc(task.ID)
		return sleepCtx(ctx, 900*time.Millisecond) // three lease lengths
	})
	// A second executor would pick the task up again if its lease expired.
	b.startWorker(func(c *application.WorkerConfig) {
		c.Concurrency = 2
		c.LeaseFor = 300 * time.Millisecond
	}, nil)
	task := b.enqueue("long", nil)

	b.obs.wait(t, "succeeded", task.ID, 1)
	require.Equal(t, 1, calls.get(task.ID))
	require.Empty(t, b.obs.of("lease_lost", ""))
	info := b.waitState(task.ID, domain.StateSucceeded)
	require.Equal(t, 1, info.Attempt)
}

func TestWorkerCancelsHandlerWhoseLeaseIsLost(t *testing.T) {
	t.Parallel()
	b := setup(t)
	causes := make(chan error, 1)
	b.handle("long", func(ctx context.Context, _ domain.Task) error {
		<-ctx.Done()
		causes <- context.Cause(ctx)
		return ctx.Err()
	})
	q := &faultyQueue{QueuePort: b.broker, loseOnExtend: true}
	b.startWorker(func(c *application.WorkerConfig) { c.LeaseFor = 300 * time.Millisecond }, q)
	task := b.enqueue("long", func(task *domain.Task) { task.MaxAttempts = 1 })

	lost := b.obs.wait(t, "lease_lost", task.ID, 1)
	require.Equal(t, "extend", lost[0].op)
	require.ErrorIs(t, <-causes, domain.ErrLeaseLost)
	require.Empty(t, b.obs.of("retrying", task.ID))
	require.Empty(t, b.obs.of("succeeded", task.ID))
}

func TestWorkerReportsLeaseLostOnAck(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.handle("job", func(context.Context, domain.Task) error { return nil })
	q := &faultyQueue{QueuePort: b.broker, ackFailures: 1, ackErr: fmt.Errorf("ack: %w", domain.ErrLeaseLost)}
	b.startWorker(nil, q)
	task := b.enqueue("job", nil)

	lost := b.obs.wait(t, "lease_lost", task.ID, 1)
	require.Equal(t, "ack", lost[0].op)
	require.Empty(t, b.obs.of("succeeded", task.ID))
}

func TestWorkerBacksOffOnBrokerErrorsAndLosesNothing(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("job", func(_ context.Context, task domain.Task) error { calls.inc(task.ID); return nil })
	q := &faultyQueue{
		QueuePort: b.broker, dequeueFailures: 3,
		ackFailures: 1, ackErr: fmt.Errorf("ack: %w", domain.ErrBrokerUnavailable),
	}
	task := b.enqueue("job", nil)
	b.startWorker(nil, q)

	b.obs.wait(t, "succeeded", task.ID, 1)
	var dequeueErrs, ackErrs int
	for _, e := range b.obs.of("broker_error", "") {
		require.ErrorIs(t, e.err, domain.ErrBrokerUnavailable)
		switch e.op {
		case "dequeue":
			dequeueErrs++
		case "ack":
			ackErrs++
		}
	}
	require.Equal(t, 3, dequeueErrs)
	require.Equal(t, 1, ackErrs)
	require.Equal(t, 1, calls.get(task.ID), "the failed ack was retried, not the task")
	b.waitState(task.ID, domain.StateSucceeded)
}

func TestWorkerRecoversTasksOfCrashedWorkers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	attempts := make(chan int, 1)
	b.handle("job", func(_ context.Context, task domain.Task) error { attempts <- task.Attempt; return nil })
	task := b.enqueue("job", nil)
	// A worker that leases the task and dies without a word.
	leases, err := b.broker.Dequeue(b.ctx, ports.DequeueParams{Queues: []string{task.Queue}, Max: 1, LeaseFor: 20 * time.Millisecond})
	require.NoError(t, err)
	require.Len(t, leases, 1)

	b.startWorker(nil, nil)
	b.obs.wait(t, "succeeded", task.ID, 1)
	require.Equal(t, 2, <-attempts, "the crashed attempt counts")
	require.NotEmpty(t, b.obs.of("recovered", ""))
}

// A success on the last attempt must not become a dead letter because the
// broker was briefly unreachable: the ack is retried for as long as the
// lease holds, well past a handful of tries.
func TestWorkerKeepsRetryingTheAckOfALastAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("job", func(_ context.Context, task domain.Task) error { calls.inc(task.ID); return nil })
	q := &faultyQueue{QueuePort: b.broker, ackFailures: 12, ackErr: fmt.Errorf("ack: %w", domain.ErrBrokerUnavailable)}
	b.startWorker(nil, q)
	task := b.enqueue("job", func(task *domain.Task) { task.MaxAttempts = 1 })

	b.obs.wait(t, "succeeded", task.ID, 1)
	b.waitState(task.ID, domain.StateSucceeded)
	require.Equal(t, 1, calls.get(task.ID))
	require.Len(t, b.obs.of("broker_error", ""), 12)
	require.Empty(t, b.obs.of("dead", task.ID))
}

// A handler that ignores its context keeps its executor, but its lease is
// renewed only until one lease period past its timeout; then the broker
// gives the task back and it runs again.
func TestWorkerStopsRenewingAHandlerThatIgnoresItsTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	release := make(chan struct{})
	b.handle("stuck", func(_ context.Context, task domain.Task) error {
		if calls.inc(task.ID) == 1 {
			<-release // ignores ctx
		}
		return nil
	})
	b.startWorker(func(c *application.WorkerConfig) {
		c.Concurrency = 2
		c.LeaseFor = 200 * time.Millisecond
		c.DefaultTimeout = 100 * time.Millisecond
	}, nil)
	task := b.enqueue("stuck", nil)

	b.obs.wait(t, "succeeded", task.ID, 1)
	require.Equal(t, 2, calls.get(task.ID), "the second run came from the expired lease")
	info := b.waitState(task.ID, domain.StateSucceeded)
	require.Equal(t, 2, info.Attempt)
	close(release)
}
