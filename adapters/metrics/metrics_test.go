package metrics_test

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

var t0 = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

type bundle struct {
	reg    *prometheus.Registry
	m      *metrics.Metrics
	clock  *porttest.FakeClock
	broker *fakeBroker
	queue  ports.QueuePort
	dead   ports.DeadLetterPort
}

func setup(t *testing.T, mutate ...func(*metrics.Options)) bundle {
	t.Helper()
	clock := porttest.NewFakeClock(t0)
	opts := metrics.Options{Queues: []string{"default", "critical"}, TaskTypes: []string{"send_email"}, Clock: clock}
	for _, f := range mutate {
		f(&opts)
	}
	reg := prometheus.NewRegistry()
	m, err := metrics.New(reg, opts)
	require.NoError(t, err)
	b := newFakeBroker()
	return bundle{reg: reg, m: m, clock: clock, broker: b, queue: m.Queue(b), dead: m.DeadLetters(b)}
}

func newMetrics(reg prometheus.Registerer, clock ports.Clock) (*metrics.Metrics, error) {
	return metrics.New(reg, metrics.Options{Queues: []string{"default", "critical"}, TaskTypes: []string{"send_email"}, Clock: clock})
}

func task(id, queue string) domain.Task {
	return domain.Task{ID: id, Type: "send_email", Queue: queue, MaxAttempts: 3, CreatedAt: t0, RunAt: t0}
}

// value reads one series of a vector registered on reg.
func value(t *testing.T, reg *prometheus.Registry, name string, labels prometheus.Labels) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, mt := range mf.GetMetric() {
			if matches(mt.GetLabel(), labels) {
				switch {
				case mt.Counter != nil:
					return mt.Counter.GetValue()
				case mt.Gauge != nil:
					return mt.Gauge.GetValue()
				case mt.Histogram != nil:
					return float64(mt.Histogram.GetSampleCount())
				}
			}
		}
	}
	require.Failf(t, "series not found", "%s%v", name, labels)
	return 0
}

func matches[L interface {
	GetName() string
	GetValue() string
}](got []L, want prometheus.Labels) bool {
	if len(got) != len(want) {
		return false
	}
	for _, l := range got {
		if want[l.GetName()] != l.GetValue() {
			return false
		}
	}
	return true
}

func TestNew_KnownSeriesStartAtZeroAndLintClean(t *testing.T) {
	t.Parallel()
	b := setup(t)

	for _, q := range []string{"default", "critical"} {
		require.Zero(t, value(t, b.reg, "popbox_tasks_enqueued_total", prometheus.Labels{"queue": q, "task_type": "send_email"}))
		require.Zero(t, value(t, b.reg, "popbox_tasks_processed_total", prometheus.Labels{"queue": q, "task_type": "send_email", "outcome": "failed"}))
		require.Zero(t, value(t, b.reg, "popbox_leases_expired_total", prometheus.Labels{"queue": q, "outcome": "requeued"}))
		require.Zero(t, value(t, b.reg, "popbox_dead_letter_trimmed_total", prometheus.Labels{"queue": q}))
	}
	require.Zero(t, value(t, b.reg, "popbox_broker_errors_total", prometheus.Labels{"op": "enqueue"}))

	problems, err := testutil.GatherAndLint(b.reg)
	require.NoError(t, err)
	require.Empty(t, problems)
}

func TestNew_RejectsASecondRegistrationOnTheSameRegistry(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	_, err := metrics.New(reg, metrics.Options{})
	require.NoError(t, err)
	_, err = metrics.New(reg, metrics.Options{})
	require.Error(t, err)
}

func TestNew_NeedsAGatherer(t *testing.T) {
	t.Parallel()
	reg := prometheus.WrapRegistererWith(prometheus.Labels{"x": "y"}, prometheus.NewRegistry())
	_, err := metrics.New(reg, metrics.Options{})
	require.Error(t, err)

	_, err = metrics.New(prometheus.NewRegistry(), metrics.Options{MaxLabelValues: -1})
	require.ErrorIs(t, err, domain.ErrInvalid)
}

func TestLabels_UnknownQueuesBeyondTheCapFoldIntoOther(t *testing.T) {
	t.Parallel()
	b := setup(t, func(o *metrics.Options) { o.MaxLabelValues = 1 })
	ctx := t.Context()

	for _, q := range []string{"first", "second", "third", "default"} {
		_, err := b.queue.Enqueue(ctx, task("id-"+q, q))
		require.NoError(t, err)
	}

	require.Equal(t, 1.0, value(t, b.reg, "popbox_tasks_enqueued_total", prometheus.Labels{"queue": "first", "task_type": "send_email"}))
	require.Equal(t, 2.0, value(t, b.reg, "popbox_tasks_enqueued_total", prometheus.Labels{"queue": "other", "task_type": "send_email"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_tasks_enqueued_total", prometheus.Labels{"queue": "default", "task_type": "send_email"}))
}

func TestScrapeHandler_ServesTheRegistry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.queue.Enqueue(t.Context(), task("a", "default"))
	require.NoError(t, err)

	err = testutil.ScrapeAndCompare(serve(t, b.m.ScrapeHandler()), strings.NewReader(`
# HELP popbox_tasks_enqueued_total Tasks stored by Enqueue (duplicates excluded).
# TYPE popbox_tasks_enqueued_total counter
popbox_tasks_enqueued_total{queue="critical",task_type="send_email"} 0
popbox_tasks_enqueued_total{queue="default",task_type="send_email"} 1
`), "popbox_tasks_enqueued_total")
	require.NoError(t, err)
}
