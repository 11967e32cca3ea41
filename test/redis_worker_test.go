package test

import (
	"context"
	"encoding/json"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/test/redisserver"
)

// These tests run PopBox's real worker in this process on a real Redis,
// with handlers the binary does not have: one slower than its lease and one
// that always panics.

// startRedisWorker starts a worker on b with handlers and a short lease,
// stopped when t ends.
func startRedisWorker(t *testing.T, b ports.Broker, reg *application.Registry) {
	t.Helper()
	cfg := application.DefaultWorkerConfig()
	cfg.Queues = []string{"q"}
	cfg.Concurrency = 4
	cfg.LeaseFor = time.Second
	cfg.HeartbeatEvery = 250 * time.Millisecond
	cfg.RecoverEvery = 100 * time.Millisecond
	cfg.BrokerBackoff = 50 * time.Millisecond
	cfg.Retry = domain.RetryPolicy{Backoff: domain.BackoffConstant, Base: 10 * time.Millisecond, MaxDelay: 10 * time.Millisecond, MaxAttempts: 3}
	w, err := application.NewWorker(cfg, application.WorkerDeps{Queue: b, DeadLetters: b, Handlers: reg})
	require.NoError(t, err)
	require.NoError(t, w.Start(t.Context()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, w.Stop(ctx))
	})
}

func enqueueTyped(t *testing.T, b ports.QueuePort, id, typ string, maxAttempts int) {
	t.Helper()
	now := time.Now()
	_, err := b.Enqueue(t.Context(), domain.Task{ID: id, Type: typ, Payload: json.RawMessage(`{}`), Queue: "q",
		MaxAttempts: maxAttempts, CreatedAt: now, RunAt: now})
	require.NoError(t, err)
}

func waitTaskState(t *testing.T, b ports.TaskStatusPort, id string, state domain.State) domain.TaskInfo {
	t.Helper()
	var info domain.TaskInfo
	require.Eventually(t, func() bool {
		var err error
		info, err = b.Task(t.Context(), id)
		return err == nil && info.State == state
	}, 20*time.Second, 20*time.Millisecond, "task %s never reached %s (last: %+v)", id, state, info)
	return info
}

// TestRedisHeartbeatKeepsSlowTask runs a handler for 2.5 leases while two
// workers (each recovering expired leases every 100ms) share the queue: the
// heartbeat must keep the lease, so the task runs exactly once.
func TestRedisHeartbeatKeepsSlowTask(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	b := redisBroker(t, srv)
	var runs atomic.Int32
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("test.slow", ports.HandlerFunc(func(ctx context.Context, _ domain.Task) error {
		runs.Add(1)
		select {
		case <-time.After(2500 * time.Millisecond):
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	})))
	startRedisWorker(t, b, reg)
	startRedisWorker(t, b, reg)

	enqueueTyped(t, b, "slow", "test.slow", 3)
	info := waitTaskState(t, b, "slow", domain.StateSucceeded)
	require.EqualValues(t, 1, runs.Load(), "a task whose lease is renewed must not run twice")
	require.Equal(t, 1, info.Attempt)
}

// TestRedisPoisonTaskIsDeadLettered enqueues a task whose handler panics on
// every attempt: it must end in the dead letters after its attempts, and
// the worker must go on serving other tasks.
func TestRedisPoisonTaskIsDeadLettered(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	b := redisBroker(t, srv)
	var runs atomic.Int32
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("test.poison", ports.HandlerFunc(func(context.Context, domain.Task) error {
		runs.Add(1)
		panic("poison")
	})))
	require.NoError(t, reg.Register("test.ok", ports.HandlerFunc(func(context.Context, domain.Task) error { return nil })))
	startRedisWorker(t, b, reg)

	enqueueTyped(t, b, "poison", "test.poison", 3)
	info := waitTaskState(t, b, "poison", domain.StateDead)
	require.Equal(t, 3, info.Attempt)
	require.EqualValues(t, 3, runs.Load(), "a panicking task runs once per attempt")
	dl, err := b.Get(t.Context(), "poison")
	require.NoError(t, err)
	require.Contains(t, dl.Reason, "poison", "the dead letter keeps the panic as its reason")

	enqueueTyped(t, b, "after", "test.ok", 3)
	waitTaskState(t, b, "after", domain.StateSucceeded)
}
