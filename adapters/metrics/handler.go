package metrics

import (
	"context"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Handler returns next timed and counted: popbox_task_duration_seconds,
// popbox_tasks_processed_total by outcome, and popbox_worker_busy_executors
// while it runs. taskType is the type next is registered for; its series
// start at zero for every known queue. A panic in next is counted as a
// failure and propagates unchanged: the worker recovers it.
func (m *Metrics) Handler(taskType string, next ports.Handler) ports.Handler {
	ty := m.types.value(taskType)
	for _, q := range m.opts.Queues {
		m.v.zeroTask(q, ty)
	}
	return &handler{next: next, m: m}
}

type handler struct {
	next ports.Handler
	m    *Metrics
}

func (h *handler) ProcessTask(ctx context.Context, t domain.Task) (err error) {
	h.m.v.busy.Inc()
	start := h.m.opts.Clock.Now()
	panicked := true
	defer func() {
		h.m.v.busy.Dec()
		h.m.recordRun(t, h.m.since(start), err != nil || panicked)
	}()
	err = h.next.ProcessTask(ctx, t)
	panicked = false
	return err
}

// recordRun counts one handler execution of t.
func (m *Metrics) recordRun(t domain.Task, took time.Duration, failed bool) {
	qu, ty := m.taskLabels(t)
	m.v.duration.WithLabelValues(qu, ty).Observe(max(took, 0).Seconds())
	outcome := OutcomeSucceeded
	if failed {
		outcome = OutcomeFailed
	}
	m.v.processed.WithLabelValues(qu, ty, outcome).Inc()
}

// since is how long ago start was by m's clock.
func (m *Metrics) since(start time.Time) time.Duration { return m.opts.Clock.Now().Sub(start) }
