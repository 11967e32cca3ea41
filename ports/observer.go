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
