package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// waitBound bounds how long a test waits for the worker to reach a state.
// It only keeps a broken worker from hanging the run; it is no speed
// requirement.
const waitBound = 5 * time.Second

// fastRetry keeps retries quick: 10ms between attempts.
var fastRetry = domain.RetryPolicy{Backoff: domain.BackoffConstant, Base: 10 * time.Millisecond, MaxDelay: 10 * time.Millisecond, MaxAttempts: 3}

// bundle is what a worker test needs: a broker on the system clock, a
// registry, an observer that records events, and helpers.
type bundle struct {
	t      *testing.T
	ctx    context.Context
	broker *memory.Broker
	reg    *application.Registry
	obs    *recorder
	seq    int
}

func setup(t *testing.T) *bundle {
	t.Helper()
	return &bundle{
		t:      t,
		ctx:    t.Context(),
		broker: memory.New(memory.Config{Clock: ports.SystemClock}),
		reg:    application.NewRegistry(),
		obs:    newRecorder(),
	}
}

// handle registers f under typ.
func (b *bundle) handle(typ string, f func(ctx context.Context, task domain.Task) error) {
	b.t.Helper()
	require.NoError(b.t, b.reg.Register(typ, ports.HandlerFunc(f)))
}

// workerConfig is a config with small real durations.
func workerConfig() application.WorkerConfig {
	c := application.DefaultWorkerConfig()
	c.Concurrency = 4
	c.LeaseFor = 2 * time.Second
	c.HeartbeatEvery = 0
	c.RecoverEvery = 10 * time.Millisecond
	c.DefaultTimeout = 2 * time.Second
	c.ShutdownGrace = 2 * time.Second
	c.BrokerBackoff = 5 * time.Millisecond
	c.Retry = fastRetry
	return c
}

// newWorker builds and starts a worker over the bundle's broker; the test's
// cleanup stops it.
func (b *bundle) startWorker(mutate func(*application.WorkerConfig), q ports.QueuePort) *application.Worker {
	b.t.Helper()
	cfg := workerConfig()
	if mutate != nil {
		mutate(&cfg)
	}
	if q == nil {
		q = b.broker
	}
	w, err := application.NewWorker(cfg, application.WorkerDeps{
		Queue: q, DeadLetters: b.broker, Handlers: b.reg, Observer: b.obs,
	})
	require.NoError(b.t, err)
	require.NoError(b.t, w.Start(b.ctx))
	b.t.Cleanup(func() { require.NoError(b.t, w.Stop(context.Background())) })
	return w
}

// enqueue stores a task of typ straight in the broker, bypassing the
// registry check so tests can enqueue unknown types.
func (b *bundle) enqueue(typ string, mutate func(*domain.Task)) domain.Task {
	b.t.Helper()
	b.seq++
	now := time.Now()
	task := domain.Task{
		ID: fmt.Sprintf("t%d", b.seq), Type: typ, Payload: json.RawMessage(`{}`),
		Queue: domain.DefaultQueue, MaxAttempts: 3, CreatedAt: now, RunAt: now,
	}
	if mutate != nil {
		mutate(&task)
	}
	res, err := b.broker.Enqueue(b.ctx, task)
	require.NoError(b.t, err)
	return res.Task
}

// state waits until the task reaches want.
func (b *bundle) waitState(id string, want domain.State) domain.TaskInfo {
	b.t.Helper()
	var info domain.TaskInfo
	require.EventuallyWithT(b.t, func(c *assert.CollectT) {
		var err error
		info, err = b.broker.Task(b.ctx, id)
		require.NoError(c, err)
		require.Equal(c, want, info.State)
	}, waitBound, 5*time.Millisecond)
	return info
}

// deadLetter waits for the task's dead letter.
func (b *bundle) deadLetter(id string) domain.DeadLetter {
	b.t.Helper()
	var dl domain.DeadLetter
	require.EventuallyWithT(b.t, func(c *assert.CollectT) {
		var err error
		dl, err = b.broker.Get(b.ctx, id)
		require.NoError(c, err)
	}, waitBound, 5*time.Millisecond)
	return dl
}

// counter counts calls, safely across executors.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func newCounter() *counter { return &counter{n: map[string]int{}} }

// inc counts one more call for id and returns the new count.
func (c *counter) inc(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n[id]++
	return c.n[id]
}

func (c *counter) get(id string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[id]
}
