package application

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/popbox/popbox/ports"
)

// Errors of the worker's lifecycle.
var (
	// ErrWorkerStarted is returned by Start on a worker that was started
	// or stopped before: a Worker runs once.
	ErrWorkerStarted = errors.New("worker already started")
	// errShutdown is the cause of handler contexts cancelled by Stop.
	errShutdown = errors.New("worker shutting down")
)

// WorkerDeps are the collaborators a Worker needs. Queue, DeadLetters and
// Handlers are required; Clock defaults to the system clock, Observer to
// ports.NopObserver and RandFunc to math/rand/v2's Float64. RandFunc must
// return draws in [0, 1) and be safe for concurrent use.
type WorkerDeps struct {
	Queue       ports.QueuePort
	DeadLetters ports.DeadLetterPort
	Handlers    *Registry
	Clock       ports.Clock
	Observer    ports.WorkerObserver
	RandFunc    func() float64
}

// Worker leases tasks from its queues, runs them through the handler
// registered for their type and reports the outcome to the broker: ack on
// success, a retry at the policy's next delay on failure, the dead letters
// on a permanent failure or the last attempt. It keeps the leases of
// running tasks alive, periodically asks the broker to recover expired
// leases and due retries, and survives broker outages by backing off.
type Worker struct {
	cfg     WorkerConfig
	deps    WorkerDeps
	order   func() []string
	flights *flights
	slots   chan struct{}    // one token per busy executor
	tasks   chan ports.Lease // fetched leases on their way to an executor

	mu       sync.Mutex
	running  bool
	stopped  bool
	stopping chan struct{} // closed when the first Stop has finished

	fetchCtx, runCtx, bgCtx, settleCtx context.Context
	stopFetch                          context.CancelFunc
	cancelRun                          context.CancelCauseFunc
	stopBackground, cancelSettle       context.CancelFunc
	fetchDone, execDone, bgDone        chan struct{}
}

// NewWorker validates cfg and deps and returns a Worker ready to Start.
func NewWorker(cfg WorkerConfig, deps WorkerDeps) (*Worker, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("worker config: %w", err)
	}
	cfg = cfg.withDefaults()
	if deps.Queue == nil || deps.DeadLetters == nil || deps.Handlers == nil {
		return nil, errors.New("worker: Queue, DeadLetters and Handlers are required")
	}
	if deps.Clock == nil {
		deps.Clock = ports.SystemClock
	}
	if deps.Observer == nil {
		deps.Observer = ports.NopObserver{}
	}
	if deps.RandFunc == nil {
		deps.RandFunc = rand.Float64
	}
	return &Worker{
		cfg:     cfg,
		deps:    deps,
		order:   queueOrder(cfg, deps.RandFunc),
		flights: newFlights(),
		slots:   make(chan struct{}, cfg.Concurrency),
		tasks:   make(chan ports.Lease, cfg.Concurrency),
	}, nil
}

// Start launches the fetch loop, the executors, the heartbeat and the
// recoverer, and returns at once. ctx only lends its values to the worker's
// goroutines: cancelling it does not stop them; Stop does. A Worker starts
// once.
func (w *Worker) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.running || w.stopped {
		return ErrWorkerStarted
	}
	w.running = true
	base := context.WithoutCancel(ctx)
	w.settleCtx, w.cancelSettle = context.WithCancel(base)
	w.bgCtx, w.stopBackground = context.WithCancel(w.settleCtx)
	w.runCtx, w.cancelRun = context.WithCancelCause(base)
	w.fetchCtx, w.stopFetch = context.WithCancel(base)
	w.fetchDone, w.execDone, w.bgDone = make(chan struct{}), make(chan struct{}), make(chan struct{})

	go w.fetchLoop()
	w.startExecutors()
	w.startBackground()
	return nil
}

func (w *Worker) startExecutors() {
	var wg sync.WaitGroup
	for range w.cfg.Concurrency {
		wg.Go(func() {
			for lease := range w.tasks {
				w.execute(lease)
			}
		})
	}
	go func() { wg.Wait(); close(w.execDone) }()
}

func (w *Worker) startBackground() {
	var wg sync.WaitGroup
	wg.Go(w.heartbeatLoop)
	wg.Go(w.recoverLoop)
	go func() { wg.Wait(); close(w.bgDone) }()
}

// Stop shuts the worker down gracefully: it stops fetching, lets running
// handlers finish for up to ShutdownGrace (less if ctx ends sooner), then
// cancels the rest and releases their leases, and the leases of tasks
// fetched but not started, so they run again elsewhere without counting the
// attempt. It returns once every goroutine has exited, or with ctx's error
// if ctx ends first (a handler ignoring its context); such handlers' leases
// then simply expire and the broker gives their tasks back. A second Stop
// waits for the first (or its own ctx); Stop on a worker that never ran
// returns nil.
func (w *Worker) Stop(ctx context.Context) error {
	w.mu.Lock()
	if !w.running {
		w.stopped = true
		stopping := w.stopping
		w.mu.Unlock()
		if stopping == nil {
			return nil
		}
		return waitFor(ctx, stopping) // a concurrent Stop: wait for it
	}
	w.running, w.stopped = false, true
	w.stopping = make(chan struct{})
	defer close(w.stopping)
	w.mu.Unlock()

	w.stopFetch()
	grace := time.NewTimer(graceWithin(ctx, w.cfg.ShutdownGrace))
	defer grace.Stop()
	select {
	case <-w.execDone:
	case <-grace.C:
	case <-ctx.Done():
	}
	w.cancelRun(errShutdown)
	err := waitFor(ctx, w.fetchDone, w.execDone)
	w.stopBackground()
	if err == nil {
		err = waitFor(ctx, w.bgDone)
	}
	w.cancelSettle()
	if err != nil {
		return fmt.Errorf("stop worker: goroutines still running: %w", err)
	}
	return nil
}

// graceWithin shortens grace so that, when ctx has a deadline, time is
// left after it to give the unfinished tasks back: a quarter of what
// remains, at most 2 s. Otherwise the releases would fail with ctx and the
// tasks would wait for their leases to expire, their attempt counted.
func graceWithin(ctx context.Context, grace time.Duration) time.Duration {
	deadline, ok := ctx.Deadline()
	if !ok {
		return grace
	}
	left := time.Until(deadline)
	return max(0, min(grace, left-min(left/4, 2*time.Second)))
}

// waitFor waits until every channel is closed or ctx ends.
func waitFor(ctx context.Context, chans ...chan struct{}) error {
	for _, c := range chans {
		select {
		case <-c:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}

// sleep pauses for d and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
