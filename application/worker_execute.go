package application

import (
	"context"
	"errors"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// execute runs one leased task to its outcome and frees its executor slot.
func (w *Worker) execute(lease ports.Lease) {
	defer w.freeSlots(1)
	task := lease.Task
	k := keyOf(task)
	defer w.flights.remove(k)
	obsCtx := w.runCtx

	if w.fetchCtx.Err() != nil {
		w.release(obsCtx, k, task)
		return
	}
	h, ok := w.deps.Handlers.Handler(task.Type)
	if !ok {
		w.deadLetter(obsCtx, k, task, domain.ReasonUnknownType)
		return
	}
	ctx, cancel := context.WithCancelCause(w.runCtx)
	defer cancel(nil)
	if !w.flights.start(k, cancel) {
		return // lease lost while waiting; already reported
	}
	w.deps.Observer.TaskStarted(ctx, task)
	began := w.deps.Clock.Now()
	err := w.run(ctx, h, task)
	obsCtx = context.WithoutCancel(ctx)
	switch {
	case err == nil:
		if w.settle(obsCtx, k, task, "ack", w.deps.Queue.Ack) {
			w.deps.Observer.TaskSucceeded(obsCtx, task, w.deps.Clock.Now().Sub(began))
		}
	case w.runCtx.Err() != nil:
		w.release(obsCtx, k, task)
	default:
		w.fail(obsCtx, k, task, err)
	}
}

// run calls the handler under the task's timeout, turning a panic into an
// ordinary, retryable error.
func (w *Worker) run(ctx context.Context, h ports.Handler, task domain.Task) (err error) {
	timeout := task.Timeout
	if timeout == 0 {
		timeout = w.cfg.DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("handler panicked: %v", r)
		}
	}()
	err = h.ProcessTask(ctx, task)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) {
		err = fmt.Errorf("timed out after %s: %w", timeout, err)
	}
	return err
}

// fail retries the task after the policy's delay, or dead-letters it when
// the failure is permanent or this was its last attempt.
func (w *Worker) fail(ctx context.Context, k flightKey, task domain.Task, err error) {
	if domain.IsPermanent(err) || !task.AttemptsLeft() {
		w.deadLetter(ctx, k, task, err.Error())
		return
	}
	delay := w.cfg.Retry.NextDelay(task.Attempt, w.deps.RandFunc())
	runAt := w.deps.Clock.Now().Add(delay)
	retry := func(ctx context.Context, l ports.Lease) error {
		return w.deps.Queue.Retry(ctx, ports.RetryParams{Lease: l, RunAt: runAt, Error: err.Error()})
	}
	if w.settle(ctx, k, task, "retry", retry) {
		w.deps.Observer.TaskRetrying(ctx, task, err, delay)
	}
}

func (w *Worker) deadLetter(ctx context.Context, k flightKey, task domain.Task, reason string) {
	add := func(ctx context.Context, l ports.Lease) error {
		l.Task.LastError = reason
		return w.deps.DeadLetters.Add(ctx, ports.DeadLetterParams{Lease: l, Reason: reason})
	}
	if w.settle(ctx, k, task, "dead_letter", add) {
		w.deps.Observer.TaskDeadLettered(ctx, task, reason)
	}
}

func (w *Worker) release(ctx context.Context, k flightKey, task domain.Task) {
	if w.settle(ctx, k, task, "release", w.deps.Queue.Release) {
		w.deps.Observer.TaskReleased(ctx, task)
	}
}

// settleAttempts bounds the broker calls made to report one outcome.
// Should they all fail, the lease expires and the broker's Recover gives
// the task back: it runs again rather than being lost.
const settleAttempts = 3

// settle reports an outcome with call, retrying broker errors with backoff
// while the heartbeat keeps the lease alive. It reports whether the broker
// accepted it; a lost lease goes to Observer.LeaseLost.
func (w *Worker) settle(ctx context.Context, k flightKey, task domain.Task, op string,
	call func(context.Context, ports.Lease) error) bool {
	if _, ok := w.flights.settle(k); !ok {
		return false // the heartbeat lost the lease and reported it
	}
	pause := newBackoff(w.cfg.BrokerBackoff)
	for attempt := 1; ; attempt++ {
		err := call(w.settleCtx, w.flights.current(k))
		switch {
		case err == nil:
			return true
		case errors.Is(err, domain.ErrLeaseLost):
			w.deps.Observer.LeaseLost(ctx, task, op)
			return false
		}
		w.deps.Observer.BrokerError(ctx, op, err)
		if attempt == settleAttempts || !sleep(w.settleCtx, pause.pause()) {
			return false
		}
	}
}
