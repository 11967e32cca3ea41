package application_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
)

func TestWorkerRunsTask(t *testing.T) {
	t.Parallel()
	b := setup(t)
	got := make(chan domain.Task, 1)
	b.handle("job", func(_ context.Context, task domain.Task) error { got <- task; return nil })
	b.startWorker(nil, nil)

	task := b.enqueue("job", func(task *domain.Task) { task.Payload = []byte(`{"n":1}`) })
	b.obs.wait(t, "succeeded", task.ID, 1)
	ran := <-got
	require.Equal(t, task.ID, ran.ID)
	require.JSONEq(t, `{"n":1}`, string(ran.Payload))
	require.Equal(t, 1, ran.Attempt)
	b.waitState(task.ID, domain.StateSucceeded)
	require.Len(t, b.obs.of("started", task.ID), 1)
}

func TestWorkerRunsHandlersConcurrently(t *testing.T) {
	t.Parallel()
	b := setup(t)
	started, release := make(chan string, 3), make(chan struct{})
	b.handle("job", func(_ context.Context, task domain.Task) error {
		started <- task.ID
		<-release
		return nil
	})
	b.startWorker(func(c *application.WorkerConfig) { c.Concurrency = 3 }, nil)
	for range 3 {
		b.enqueue("job", nil)
	}
	for range 3 {
		select {
		case <-started:
		case <-time.After(waitBound):
			t.Fatal("three handlers never ran at once")
		}
	}
	close(release)
	b.obs.wait(t, "succeeded", "", 3)
}

func TestWorkerNeverExceedsConcurrency(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var mu sync.Mutex
	running, peak := 0, 0
	b.handle("job", func(context.Context, domain.Task) error {
		mu.Lock()
		running++
		peak = max(peak, running)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		mu.Lock()
		running--
		mu.Unlock()
		return nil
	})
	for range 12 {
		b.enqueue("job", nil)
	}
	b.startWorker(func(c *application.WorkerConfig) { c.Concurrency = 2; c.BatchSize = 10 }, nil)
	b.obs.wait(t, "succeeded", "", 12)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, 2, peak)
}

func TestWorkerStrictOrderDrainsEarlierQueuesFirst(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var mu sync.Mutex
	var order []string
	b.handle("job", func(_ context.Context, task domain.Task) error {
		mu.Lock()
		defer mu.Unlock()
		order = append(order, task.Queue)
		return nil
	})
	for _, q := range []string{"low", "low", "high", "high"} {
		b.enqueue("job", func(task *domain.Task) { task.Queue = q })
	}
	b.startWorker(func(c *application.WorkerConfig) {
		c.Queues = []string{"high", "low"}
		c.Concurrency, c.BatchSize = 1, 1
	}, nil)
	b.obs.wait(t, "succeeded", "", 4)
	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"high", "high", "low", "low"}, order)
}

func TestWorkerRetriesUntilSuccess(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("flaky", func(_ context.Context, task domain.Task) error {
		if calls.inc(task.ID) < 3 {
			return fmt.Errorf("flaky on attempt %d", task.Attempt)
		}
		return nil
	})
	b.startWorker(nil, nil)
	task := b.enqueue("flaky", func(task *domain.Task) { task.MaxAttempts = 3 })

	b.obs.wait(t, "succeeded", task.ID, 1)
	require.Equal(t, 3, calls.get(task.ID))
	retries := b.obs.of("retrying", task.ID)
	require.Len(t, retries, 2)
	for i, r := range retries {
		require.EqualError(t, r.err, fmt.Sprintf("flaky on attempt %d", i+1))
		require.Equal(t, fastRetry.Base, r.delay)
	}
	info := b.waitState(task.ID, domain.StateSucceeded)
	require.Equal(t, 3, info.Attempt)
	require.Empty(t, b.obs.of("dead", task.ID))
}

func TestWorkerRetryDelayFollowsPolicyAndDraw(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.handle("fail", func(context.Context, domain.Task) error { return errors.New("no") })
	policy := domain.RetryPolicy{Backoff: domain.BackoffJitter, Base: 8 * time.Millisecond, MaxDelay: time.Second, MaxAttempts: 9}
	w, err := application.NewWorker(func() application.WorkerConfig {
		c := workerConfig()
		c.Retry = policy
		return c
	}(), application.WorkerDeps{
		Queue: b.broker, DeadLetters: b.broker, Handlers: b.reg, Observer: b.obs,
		RandFunc: func() float64 { return 0 },
	})
	require.NoError(t, err)
	require.NoError(t, w.Start(b.ctx))
	defer func() { require.NoError(t, w.Stop(context.Background())) }()

	task := b.enqueue("fail", func(task *domain.Task) { task.MaxAttempts = 4 })
	b.obs.wait(t, "dead", task.ID, 1)
	retries := b.obs.of("retrying", task.ID)
	require.Len(t, retries, 3)
	for i, r := range retries {
		require.Equal(t, policy.NextDelay(i+1, 0), r.delay, "retry after attempt %d", i+1)
	}
	require.Equal(t, []time.Duration{4, 8, 16}, []time.Duration{
		retries[0].delay / time.Millisecond, retries[1].delay / time.Millisecond, retries[2].delay / time.Millisecond,
	})
}

func TestWorkerDeadLettersAfterLastAttempt(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("doomed", func(_ context.Context, task domain.Task) error {
		calls.inc(task.ID)
		return fmt.Errorf("boom on attempt %d", task.Attempt)
	})
	b.startWorker(nil, nil)
	task := b.enqueue("doomed", func(task *domain.Task) { task.MaxAttempts = 3 })

	dl := b.deadLetter(task.ID)
	require.Equal(t, "boom on attempt 3", dl.Reason)
	require.Equal(t, 3, calls.get(task.ID))
	require.Equal(t, 3, dl.Task.Attempt)
	dead := b.obs.wait(t, "dead", task.ID, 1)
	require.Equal(t, "boom on attempt 3", dead[0].reason)
	require.Len(t, b.obs.of("retrying", task.ID), 2)
	b.waitState(task.ID, domain.StateDead)
}

func TestWorkerDeadLettersPermanentFailureAtOnce(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("strict", func(_ context.Context, task domain.Task) error {
		calls.inc(task.ID)
		return domain.Permanent(errors.New("bad address"))
	})
	b.startWorker(nil, nil)
	task := b.enqueue("strict", func(task *domain.Task) { task.MaxAttempts = 5 })

	dl := b.deadLetter(task.ID)
	require.Contains(t, dl.Reason, "bad address")
	require.Equal(t, 1, calls.get(task.ID))
	require.Empty(t, b.obs.of("retrying", task.ID))
}

// An unknown type is retried like a failure (the API may know a type before
// every worker of a rolling deploy does) and dead-lettered on the last
// attempt, without a handler ever starting.
func TestWorkerDeadLettersUnknownTypeAfterItsAttempts(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.handle("known", func(context.Context, domain.Task) error { return nil })
	b.startWorker(nil, nil)
	task := b.enqueue("unknown", func(task *domain.Task) { task.MaxAttempts = 3 })

	dl := b.deadLetter(task.ID)
	require.Contains(t, dl.Reason, domain.ReasonUnknownType)
	require.Contains(t, dl.Reason, `"unknown"`)
	require.Equal(t, 3, dl.Task.Attempt)
	dead := b.obs.wait(t, "dead", task.ID, 1)
	require.Contains(t, dead[0].reason, domain.ReasonUnknownType)
	require.Len(t, b.obs.of("retrying", task.ID), 2)
	require.Empty(t, b.obs.of("started", task.ID))
}

func TestWorkerRecoversPanicsAndLivesOn(t *testing.T) {
	t.Parallel()
	b := setup(t)
	calls := newCounter()
	b.handle("shaky", func(_ context.Context, task domain.Task) error {
		if calls.inc(task.ID) == 1 {
			panic("kaboom")
		}
		return nil
	})
	b.handle("always_panics", func(context.Context, domain.Task) error { panic(errors.New("deep trouble")) })
	b.startWorker(func(c *application.WorkerConfig) { c.Concurrency = 1 }, nil)

	shaky := b.enqueue("shaky", nil)
	doomed := b.enqueue("always_panics", func(task *domain.Task) { task.MaxAttempts = 1 })

	b.obs.wait(t, "succeeded", shaky.ID, 1)
	retry := b.obs.of("retrying", shaky.ID)
	require.Len(t, retry, 1)
	require.ErrorContains(t, retry[0].err, "kaboom")
	dl := b.deadLetter(doomed.ID)
	require.Contains(t, dl.Reason, "deep trouble")

	after := b.enqueue("shaky", nil)
	b.obs.wait(t, "succeeded", after.ID, 1)
}

func TestWorkerTimesOutHandlers(t *testing.T) {
	t.Parallel()
	b := setup(t)
	causes := make(chan error, 2)
	b.handle("slow", func(ctx context.Context, _ domain.Task) error {
		<-ctx.Done()
		causes <- ctx.Err()
		return ctx.Err()
	})
	b.startWorker(nil, nil)
	task := b.enqueue("slow", func(task *domain.Task) { task.Timeout = 30 * time.Millisecond; task.MaxAttempts = 2 })

	dl := b.deadLetter(task.ID)
	require.Contains(t, dl.Reason, "timed out after 30ms")
	require.ErrorIs(t, <-causes, context.DeadlineExceeded)
	retry := b.obs.of("retrying", task.ID)
	require.Len(t, retry, 1)
	require.ErrorIs(t, retry[0].err, context.DeadlineExceeded)
}

func TestWorkerAppliesDefaultTimeout(t *testing.T) {
	t.Parallel()
	b := setup(t)
	deadlines := make(chan time.Duration, 1)
	b.handle("job", func(ctx context.Context, _ domain.Task) error {
		d, ok := ctx.Deadline()
		if !ok {
			return domain.Permanent(errors.New("no deadline"))
		}
		deadlines <- time.Until(d)
		return nil
	})
	b.startWorker(func(c *application.WorkerConfig) { c.DefaultTimeout = 700 * time.Millisecond }, nil)
	task := b.enqueue("job", nil)
	b.obs.wait(t, "succeeded", task.ID, 1)
	left := <-deadlines
	require.LessOrEqual(t, left, 700*time.Millisecond)
	require.Greater(t, left, 0*time.Millisecond)
}
