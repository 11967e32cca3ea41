package application_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestWorkerStopLetsInFlightTasksFinish(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started := make(chan struct{})
	b.handle("job", func(ctx context.Context, _ domain.Task) error {
		close(started)
		return sleepCtx(ctx, 100*time.Millisecond)
	})
	w := b.startWorker(nil, nil)
	task := b.enqueue("job", nil)
	<-started

	require.NoError(t, w.Stop(context.Background()))
	require.Len(t, b.obs.of("succeeded", task.ID), 1, "Stop waits for the handler")
	require.Empty(t, b.obs.of("released", ""))
	b.waitState(task.ID, domain.StateSucceeded)
}

func TestWorkerStopReleasesUnfinishedTasksToRunAgain(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var draining atomic.Bool
	draining.Store(true)
	started := make(chan struct{}, 3)
	attempts := make(chan int, 3)
	b.handle("job", func(ctx context.Context, task domain.Task) error {
		if draining.Load() {
			started <- struct{}{}
			<-ctx.Done() // outlives the grace period
			return ctx.Err()
		}
		attempts <- task.Attempt
		return nil
	})
	first := b.startWorker(func(c *application.WorkerConfig) {
		c.Concurrency = 3
		c.ShutdownGrace = 50 * time.Millisecond
	}, nil)
	ids := []string{b.enqueue("job", nil).ID, b.enqueue("job", nil).ID, b.enqueue("job", nil).ID}
	for range ids {
		<-started
	}

	require.NoError(t, first.Stop(context.Background()))
	for _, id := range ids {
		require.Len(t, b.obs.of("released", id), 1, "task %s", id)
		info := b.waitState(id, domain.StatePending)
		require.Equal(t, 0, info.Attempt, "a release does not count the attempt")
	}
	require.Empty(t, b.obs.of("retrying", ""))

	draining.Store(false)
	b.startWorker(nil, nil)
	for _, id := range ids {
		b.obs.wait(t, "succeeded", id, 1)
		require.Equal(t, 1, <-attempts)
	}
}

// A Stop whose context ends before the configured grace still leaves time
// to give the unfinished tasks back, uncounted.
func TestWorkerStopShortContextStillReleases(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started := make(chan struct{}, 1)
	b.handle("job", func(ctx context.Context, _ domain.Task) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	w := b.startWorker(func(c *application.WorkerConfig) { c.ShutdownGrace = time.Minute }, nil)
	id := b.enqueue("job", nil).ID
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond)
	defer cancel()
	require.NoError(t, w.Stop(ctx))
	require.Len(t, b.obs.of("released", id), 1)
	require.Equal(t, 0, b.waitState(id, domain.StatePending).Attempt)
}

// A second Stop returns only once the worker has stopped, so a caller
// never believes tasks were given back when they were not yet.
func TestWorkerConcurrentStopWaitsForTheFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started := make(chan struct{}, 1)
	b.handle("job", func(ctx context.Context, _ domain.Task) error {
		started <- struct{}{}
		<-ctx.Done()
		return ctx.Err()
	})
	w := b.startWorker(func(c *application.WorkerConfig) { c.ShutdownGrace = 100 * time.Millisecond }, nil)
	id := b.enqueue("job", nil).ID
	<-started

	first := make(chan error, 1)
	go func() { first <- w.Stop(context.Background()) }()
	time.Sleep(10 * time.Millisecond) // let the first Stop begin
	require.NoError(t, w.Stop(context.Background()))
	require.Len(t, b.obs.of("released", id), 1, "the task was given back before the second Stop returned")
	require.NoError(t, <-first)
}

func TestWorkerStopGivesUpWhenItsContextEnds(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started, finished := make(chan struct{}), make(chan struct{})
	b.handle("stubborn", func(context.Context, domain.Task) error {
		defer close(finished)
		close(started)
		time.Sleep(300 * time.Millisecond) // ignores its context
		return nil
	})
	w := b.startWorker(nil, nil)
	b.enqueue("stubborn", nil)
	<-started

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	require.ErrorIs(t, w.Stop(ctx), context.DeadlineExceeded)
	<-finished
}

func TestWorkerLifecycle(t *testing.T) {
	t.Parallel()
	b := setup(t)
	w, err := application.NewWorker(workerConfig(), application.WorkerDeps{
		Queue: b.broker, DeadLetters: b.broker, Handlers: b.reg,
	})
	require.NoError(t, err)
	require.NoError(t, w.Stop(context.Background()), "stopping an idle worker is fine")
	require.ErrorIs(t, w.Start(b.ctx), application.ErrWorkerStarted, "a worker starts once")

	w2, err := application.NewWorker(workerConfig(), application.WorkerDeps{
		Queue: b.broker, DeadLetters: b.broker, Handlers: b.reg,
	})
	require.NoError(t, err)
	require.NoError(t, w2.Start(b.ctx))
	require.ErrorIs(t, w2.Start(b.ctx), application.ErrWorkerStarted)
	require.NoError(t, w2.Stop(context.Background()))
	require.NoError(t, w2.Stop(context.Background()))
}

func TestNewWorkerRefusesBadConfigAndMissingDeps(t *testing.T) {
	t.Parallel()
	b := setup(t)
	cfg := workerConfig()
	cfg.Concurrency = 0
	_, err := application.NewWorker(cfg, application.WorkerDeps{Queue: b.broker, DeadLetters: b.broker, Handlers: b.reg})
	requireField(t, err, "concurrency")

	_, err = application.NewWorker(workerConfig(), application.WorkerDeps{Queue: b.broker, Handlers: b.reg})
	require.Error(t, err)
}

// lateQueue leases only once the worker stops fetching, as a broker racing
// the worker's shutdown would.
type lateQueue struct {
	ports.QueuePort
	waiting chan struct{} // receives once a Dequeue waits
}

func (q lateQueue) Dequeue(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	select {
	case q.waiting <- struct{}{}:
	default:
	}
	<-ctx.Done()
	return q.QueuePort.Dequeue(context.WithoutCancel(ctx), p)
}

func TestWorkerStopReleasesFetchedButUnstartedTasks(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("job", func(_ context.Context, task domain.Task) error { calls.inc(task.ID); return nil })
	task := b.enqueue("job", nil)
	q := lateQueue{QueuePort: b.broker, waiting: make(chan struct{}, 1)}
	w := b.startWorker(nil, q)
	<-q.waiting

	require.NoError(t, w.Stop(context.Background()))
	require.Len(t, b.obs.of("released", task.ID), 1)
	require.Zero(t, calls.get(task.ID), "a task fetched during shutdown does not start")
	info := b.waitState(task.ID, domain.StatePending)
	require.Equal(t, 0, info.Attempt)
}
