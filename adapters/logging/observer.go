package logging

import (
	"context"
	"time"

	"go.uber.org/zap"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// ContextFieldsFunc extracts fields from a context, for example the trace_id
// and span_id of the active span, so the tracing adapter can enrich worker
// logs without this package importing it.
type ContextFieldsFunc func(ctx context.Context) []zap.Field

// ObserverOption customises NewWorkerObserver.
type ObserverOption func(*observer)

// WithContextFields adds the fields f extracts from each event's context.
func WithContextFields(f ContextFieldsFunc) ObserverOption {
	return func(o *observer) { o.ctxFields = f }
}

// TaskFieldsFunc extracts fields from a task, for example the trace id its
// headers carry, so a task's log lines join its trace even where no span is
// active.
type TaskFieldsFunc func(task domain.Task) []zap.Field

// WithTaskFields adds the fields f extracts from each event's task.
func WithTaskFields(f TaskFieldsFunc) ObserverOption {
	return func(o *observer) { o.taskFields = f }
}

// observer logs the worker's events.
type observer struct {
	log        *zap.Logger // may be sampled
	always     *zap.Logger // never sampled: events operators must see
	ctxFields  ContextFieldsFunc
	taskFields TaskFieldsFunc
}

var _ ports.WorkerObserver = (*observer)(nil)

// NewWorkerObserver returns a ports.WorkerObserver that logs through log:
// task start at debug, success at info, retries, releases and lease loss at
// warn, dead-lettering at error, broker errors at error. Dead-lettering,
// lease loss and recovered dead letters bypass sampling (see Unsampled).
// Task lines carry task_id, task_type, queue, attempt and max_attempts,
// never the payload or headers. It is safe for concurrent use.
func NewWorkerObserver(log *zap.Logger, opts ...ObserverOption) ports.WorkerObserver {
	if log == nil {
		log = zap.NewNop()
	}
	o := &observer{log: log, always: Unsampled(log)}
	for _, opt := range opts {
		opt(o)
	}
	return o
}

// TaskStarted logs at debug: there is one line per attempt.
func (o *observer) TaskStarted(ctx context.Context, task domain.Task) {
	o.log.Debug("task started", o.fields(ctx, task)...)
}

// TaskSucceeded logs at info with the run's duration.
func (o *observer) TaskSucceeded(ctx context.Context, task domain.Task, took time.Duration) {
	o.log.Info("task succeeded", o.fields(ctx, task, zap.Duration("duration", took))...)
}

// TaskRetrying logs at warn with the error and the delay before the next
// attempt.
func (o *observer) TaskRetrying(ctx context.Context, task domain.Task, err error, delay time.Duration) {
	o.log.Warn("task failed, will retry", o.fields(ctx, task, zap.Error(err), zap.Duration("delay", delay))...)
}

// TaskDeadLettered logs at error, unsampled, with the reason.
func (o *observer) TaskDeadLettered(ctx context.Context, task domain.Task, reason string) {
	extra := []zap.Field{zap.String("reason", reason)}
	if task.LastError != "" && task.LastError != reason {
		extra = append(extra, zap.String("last_error", task.LastError))
	}
	o.always.Error("task dead-lettered", o.fields(ctx, task, extra...)...)
}

// TaskReleased logs at info: a task given back unrun at shutdown is normal.
func (o *observer) TaskReleased(ctx context.Context, task domain.Task) {
	o.log.Info("task released at shutdown", o.fields(ctx, task)...)
}

// LeaseLost logs at warn, unsampled, naming the refused operation.
func (o *observer) LeaseLost(ctx context.Context, task domain.Task, op string) {
	o.always.Warn("lease lost", o.fields(ctx, task, zap.String("op", op))...)
}

// Recovered logs the counts at info, or at warn and unsampled when expired
// leases sent tasks to the dead letters.
func (o *observer) Recovered(ctx context.Context, r ports.RecoverResult) {
	fields := append(o.ctx(ctx),
		zap.Int("promoted", r.Promoted), zap.Int("requeued", r.Requeued), zap.Int("dead_lettered", r.DeadLettered))
	if r.DeadLettered > 0 {
		o.always.Warn("recovered tasks", fields...)
		return
	}
	o.log.Info("recovered tasks", fields...)
}

// BrokerError logs at error. It stays sampled: an outage repeats it.
func (o *observer) BrokerError(ctx context.Context, op string, err error) {
	o.log.Error("broker call failed", append(o.ctx(ctx), zap.String("op", op), zap.Error(err))...)
}

// fields describes a task, then adds extra.
func (o *observer) fields(ctx context.Context, task domain.Task, extra ...zap.Field) []zap.Field {
	fs := append(o.ctx(ctx),
		zap.String("task_id", task.ID),
		zap.String("task_type", task.Type),
		zap.String("queue", task.Queue),
		zap.Int("attempt", task.Attempt),
		zap.Int("max_attempts", task.MaxAttempts),
	)
	if o.taskFields != nil {
		fs = append(fs, o.taskFields(task)...)
	}
	return append(fs, extra...)
}

func (o *observer) ctx(ctx context.Context) []zap.Field {
	if o.ctxFields == nil || ctx == nil {
		return make([]zap.Field, 0, 8)
	}
	// Copy: appending to the caller's slice could reuse its array.
	return append(make([]zap.Field, 0, 8), o.ctxFields(ctx)...)
}
