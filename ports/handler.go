package ports

import (
	"context"

	"github.com/popbox/popbox/domain"
)

// Handler runs one task. It returns nil on success; an error wrapping
// domain.ErrSkipRetry (see domain.Permanent) for a failure that must not be
// retried; any other error for a failure worth retrying. It must honour
// ctx: the worker cancels it at the task's timeout or at shutdown.
// A panic is recovered by the worker and counted as a retryable failure.
type Handler interface {
	ProcessTask(ctx context.Context, task domain.Task) error
}

// HandlerFunc adapts an ordinary function to Handler.
type HandlerFunc func(ctx context.Context, task domain.Task) error

// ProcessTask calls f.
func (f HandlerFunc) ProcessTask(ctx context.Context, task domain.Task) error { return f(ctx, task) }
