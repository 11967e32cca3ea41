package ports

import (
	"context"
	"time"

	"github.com/popbox/popbox/domain"
)

// WorkerObserver hears what the worker does with each task, so adapters can
// log it and count it without the application importing either. Methods are
// called synchronously from executor goroutines and must be fast and safe
// for concurrent use.
type WorkerObserver interface {
	TaskStarted(ctx context.Context, task domain.Task)
	TaskSucceeded(ctx context.Context, task domain.Task, took time.Duration)
	TaskRetrying(ctx context.Context, task domain.Task, err error, delay time.Duration)
	TaskDeadLettered(ctx context.Context, task domain.Task, reason string)
	// TaskReleased reports a task given back unrun at shutdown.
	TaskReleased(ctx context.Context, task domain.Task)
	// LeaseLost reports a task whose lease the worker no longer holds.
	LeaseLost(ctx context.Context, task domain.Task, op string)
	// Recovered reports what a periodic Recover pass did (only when non-zero).
	Recovered(ctx context.Context, r RecoverResult)
	// BrokerError reports a broker call that failed; the worker backs off.
	BrokerError(ctx context.Context, op string, err error)
}

// NopObserver ignores every event. Embed it to implement only some.
type NopObserver struct{}

func (NopObserver) TaskStarted(context.Context, domain.Task)                        {}
func (NopObserver) TaskSucceeded(context.Context, domain.Task, time.Duration)       {}
func (NopObserver) TaskRetrying(context.Context, domain.Task, error, time.Duration) {}
func (NopObserver) TaskDeadLettered(context.Context, domain.Task, string)           {}
func (NopObserver) TaskReleased(context.Context, domain.Task)                       {}
func (NopObserver) LeaseLost(context.Context, domain.Task, string)                  {}
func (NopObserver) Recovered(context.Context, RecoverResult)                        {}
func (NopObserver) BrokerError(context.Context, string, error)                      {}

var _ WorkerObserver = NopObserver{}

// Observers fans every event out to each observer in order.
type Observers []WorkerObserver

func (os Observers) TaskStarted(ctx context.Context, t domain.Task) {
	for _, o := range os {
		o.TaskStarted(ctx, t)
	}
}

func (os Observers) TaskSucceeded(ctx context.Context, t domain.Task, took time.Duration) {
	for _, o := range os {
		o.TaskSucceeded(ctx, t, took)
	}
}

func (os Observers) TaskRetrying(ctx context.Context, t domain.Task, err error, delay time.Duration) {
	for _, o := range os {
		o.TaskRetrying(ctx, t, err, delay)
	}
}

func (os Observers) TaskDeadLettered(ctx context.Context, t domain.Task, reason string) {
	for _, o := range os {
		o.TaskDeadLettered(ctx, t, reason)
	}
}

func (os Observers) TaskReleased(ctx context.Context, t domain.Task) {
	for _, o := range os {
		o.TaskReleased(ctx, t)
	}
}

func (os Observers) LeaseLost(ctx context.Context, t domain.Task, op string) {
	for _, o := range os {
		o.LeaseLost(ctx, t, op)
	}
}

func (os Observers) Recovered(ctx context.Context, r RecoverResult) {
	for _, o := range os {
		o.Recovered(ctx, r)
	}
}

func (os Observers) BrokerError(ctx context.Context, op string, err error) {
	for _, o := range os {
		o.BrokerError(ctx, op, err)
	}
}

var _ WorkerObserver = Observers(nil)
