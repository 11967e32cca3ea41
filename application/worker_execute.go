package application

import (
	"context"
	"errors"
	"fmt"
	"time"

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
		// Retried like any failure rather than buried at once: during a
		// rolling deploy the API may know a type before every worker does.
		w.fail(obsCtx, k, task, fmt.Errorf("%s %q: no handler registered in this worker", domain.ReasonUnknownType, task.Type))
		return
	}
	timeout := task.Timeout
	if timeout == 0 {
		timeout = w.cfg.DefaultTimeout
	}
	ctx, cancel := context.WithCancelCause(w.runCtx)
	defer cancel(nil)
	// A handler that ignores its context keeps its slot, but not its lease
	// beyond one lease period past its timeout: the task then runs again.
	renewUntil := w.deps.Clock.Now().Add(timeout + w.cfg.LeaseFor)
	if !w.flights.start(k, cancel, renewUntil) {
		return // lease lost while waiting; already reported
	}
	w.deps.Observer.TaskStarted(ctx, task)
	began := w.deps.Clock.Now()
	err := w.run(ctx, h, task, timeout)
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
func (w *Worker) run(ctx context.Context, h ports.Handler, task domain.Task, timeout time.Duration) (err error) {
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

// settle reports an outcome with call, retrying broker errors with capped
// backoff for as long as the heartbeat keeps the lease alive: giving up
// early would let the lease expire and turn a success on the last attempt
// into a dead letter. It stops when the broker accepts the outcome, when
// the lease is lost (reported to Observer.LeaseLost) or at shutdown, and
// reports whether the broker accepted it.
func (w *Worker) settle(ctx context.Context, k flightKey, task domain.Task, op string,
	call func(context.Context, ports.Lease) error) bool {
	if _, ok := w.flights.settle(k); !ok {
		return false // the heartbeat lost the lease and reported it
	}
	pause := newBackoff(w.cfg.BrokerBackoff)
	for {
		err := call(w.settleCtx, w.flights.current(k))
		switch {
		case err == nil:
			return true
		case errors.Is(err, domain.ErrLeaseLost):
			w.deps.Observer.LeaseLost(ctx, task, op)
			return false
		}
		w.deps.Observer.BrokerError(ctx, op, err)
		if w.flights.isLost(k) || !sleep(w.settleCtx, pause.pause()) {
			return false
		}
	}
}
