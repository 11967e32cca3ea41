package metrics_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestHandler_TimesAndCountsEachOutcome(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var busyInside float64
	h := b.m.Handler("send_email", ports.HandlerFunc(func(_ context.Context, task domain.Task) error {
		busyInside = value(t, b.reg, "popbox_worker_busy_executors", prometheus.Labels{})
		b.clock.Advance(2 * time.Second)
		switch task.ID {
		case "fail":
			return errors.New("smtp down")
		case "panic":
			panic("handler bug")
		}
		return nil
	}))
	b.m.SetConcurrency(4)

	require.NoError(t, h.ProcessTask(t.Context(), task("ok", "default")))
	require.Equal(t, 1.0, busyInside)
	require.Error(t, h.ProcessTask(t.Context(), task("fail", "default")))
	require.PanicsWithValue(t, "handler bug", func() { _ = h.ProcessTask(t.Context(), task("panic", "default")) })

	err := testutil.GatherAndCompare(b.reg, strings.NewReader(`
# HELP popbox_tasks_processed_total Handler executions by outcome (succeeded or failed).
# TYPE popbox_tasks_processed_total counter
popbox_tasks_processed_total{outcome="failed",queue="critical",task_type="send_email"} 0
popbox_tasks_processed_total{outcome="failed",queue="default",task_type="send_email"} 2
popbox_tasks_processed_total{outcome="succeeded",queue="critical",task_type="send_email"} 0
popbox_tasks_processed_total{outcome="succeeded",queue="default",task_type="send_email"} 1
# HELP popbox_worker_busy_executors Executors running a handler right now.
# TYPE popbox_worker_busy_executors gauge
popbox_worker_busy_executors 0
# HELP popbox_worker_concurrency Executors this worker runs at most.
# TYPE popbox_worker_concurrency gauge
popbox_worker_concurrency 4
`), "popbox_tasks_processed_total", "popbox_worker_busy_executors", "popbox_worker_concurrency")
	require.NoError(t, err)
	email := prometheus.Labels{"queue": "default", "task_type": "send_email"}
	require.Equal(t, 3.0, value(t, b.reg, "popbox_task_duration_seconds", email))
	require.InDelta(t, 6.0, histogramSum(t, b.reg, "popbox_task_duration_seconds", email), 1e-9)
}

func TestHandler_StartsTheSeriesOfItsTypeAtZero(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.m.Handler("generate_report", ports.HandlerFunc(func(context.Context, domain.Task) error { return nil }))

	labels := prometheus.Labels{"queue": "critical", "task_type": "generate_report"}
	require.Zero(t, value(t, b.reg, "popbox_tasks_enqueued_total", labels))
	require.Zero(t, value(t, b.reg, "popbox_task_duration_seconds", labels))
}

func TestCollectQueues_ReportsDepthPerQueueAndState(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.broker.queues = []string{"bulk", "default"}
	b.broker.stats["default"] = ports.QueueStats{Queue: "default", Pending: 5, Scheduled: 2, Active: 1, Dead: 3}
	b.broker.stats["bulk"] = ports.QueueStats{Queue: "bulk", Pending: 7}
	b.broker.fail("stats:critical", domain.ErrBrokerUnavailable)
	require.NoError(t, b.m.CollectQueues(b.broker, nil))

	err := testutil.GatherAndCompare(b.reg, strings.NewReader(`
# HELP popbox_queue_tasks Tasks in a queue by state (pending, scheduled, active, dead), read from the broker at scrape time.
# TYPE popbox_queue_tasks gauge
popbox_queue_tasks{queue="bulk",state="active"} 0
popbox_queue_tasks{queue="bulk",state="dead"} 0
popbox_queue_tasks{queue="bulk",state="pending"} 7
popbox_queue_tasks{queue="bulk",state="scheduled"} 0
popbox_queue_tasks{queue="default",state="active"} 1
popbox_queue_tasks{queue="default",state="dead"} 3
popbox_queue_tasks{queue="default",state="pending"} 5
popbox_queue_tasks{queue="default",state="scheduled"} 2
`), "popbox_queue_tasks")
	require.NoError(t, err)
	require.Zero(t, value(t, b.reg, "popbox_queue_stats_up", prometheus.Labels{"queue": "critical"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_queue_stats_up", prometheus.Labels{"queue": "default"}))
	require.Zero(t, seriesCount(t, b.reg, "popbox_queue_tasks", prometheus.Labels{"queue": "critical"}))

	problems, err := testutil.GatherAndLint(b.reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

func TestCollectQueues_ReportsKnownQueuesWhenListingFails(t *testing.T) {
	t.Parallel()
	b := setup(t)
	b.broker.fail("queues", domain.ErrBrokerUnavailable)
	b.broker.stats["critical"] = ports.QueueStats{Pending: 1}
	require.NoError(t, b.m.CollectQueues(b.broker, nil))

	require.Equal(t, 1.0, value(t, b.reg, "popbox_queue_tasks", prometheus.Labels{"queue": "critical", "state": "pending"}))
	require.Zero(t, value(t, b.reg, "popbox_queue_tasks", prometheus.Labels{"queue": "default", "state": "pending"}))
	require.Equal(t, 2, seriesCount(t, b.reg, "popbox_queue_stats_up", nil))
	require.Error(t, b.m.CollectQueues(b.broker, nil), "a second collector on the same registry is refused")
}
