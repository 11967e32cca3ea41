package metrics

import (
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Defaults applied by New to zero Options fields.
const (
	DefaultMaxLabelValues = 100
	DefaultScrapeTimeout  = 2 * time.Second
)

// Options says which series exist from the start and how labels are bounded.
// The zero value is usable.
type Options struct {
	// Queues and TaskTypes are known in advance: their counters start at
	// zero and they always count against no limit.
	Queues    []string
	TaskTypes []string
	// MaxLabelValues caps the distinct queue names, and separately the
	// distinct task types, seen beyond the known ones; later values are
	// labelled "other". Default DefaultMaxLabelValues.
	MaxLabelValues int
	// ScrapeTimeout bounds the broker calls CollectQueues makes during one
	// scrape. Default DefaultScrapeTimeout.
	ScrapeTimeout time.Duration
	// Clock measures queue waits. Default ports.SystemClock.
	Clock ports.Clock
	// Gatherer serves ScrapeHandler. Default: the Registerer, which must then be
	// a prometheus.Gatherer (a *prometheus.Registry is).
	Gatherer prometheus.Gatherer
}

// Validate reports the first unusable field.
func (o Options) Validate() error {
	if o.MaxLabelValues < 0 {
		return &domain.ValidationError{Field: "metrics.max_label_values", Reason: "must not be negative"}
	}
	if o.ScrapeTimeout < 0 {
		return &domain.ValidationError{Field: "metrics.scrape_timeout", Reason: "must not be negative"}
	}
	return nil
}

func (o Options) withDefaults() Options {
	if o.MaxLabelValues == 0 {
		o.MaxLabelValues = DefaultMaxLabelValues
	}
	if o.ScrapeTimeout == 0 {
		o.ScrapeTimeout = DefaultScrapeTimeout
	}
	if o.Clock == nil {
		o.Clock = ports.SystemClock
	}
	return o
}

// Metrics owns PopBox's collectors on one registry and makes the decorators
// that feed them. It is safe for concurrent use.
type Metrics struct {
	reg      prometheus.Registerer
	gatherer prometheus.Gatherer
	opts     Options
	v        *vectors
	queues   *labelSet
	types    *labelSet
}

// New registers PopBox's collectors on reg and creates the series of the
// known queues and task types at zero. It fails if reg refuses a collector
// (for example one already registered) or if no Gatherer is available.
func New(reg prometheus.Registerer, opts Options) (*Metrics, error) {
	if reg == nil {
		return nil, errors.New("metrics: nil Registerer")
	}
	if err := opts.Validate(); err != nil {
		return nil, fmt.Errorf("metrics: %w", err)
	}
	opts = opts.withDefaults()
	g := opts.Gatherer
	if g == nil {
		var ok bool
		if g, ok = reg.(prometheus.Gatherer); !ok {
			return nil, errors.New("metrics: Registerer is not a Gatherer and Options.Gatherer is nil")
		}
	}
	m := &Metrics{
		reg: reg, gatherer: g, opts: opts, v: newVectors(),
		queues: newLabelSet(opts.Queues, opts.MaxLabelValues),
		types:  newLabelSet(opts.TaskTypes, opts.MaxLabelValues),
	}
	for _, c := range m.v.collectors() {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: register: %w", err)
		}
	}
	m.v.zeroOps()
	for _, q := range opts.Queues {
		m.v.zeroQueue(q)
		for _, t := range opts.TaskTypes {
			m.v.zeroTask(q, t)
		}
	}
	return m, nil
}

// ScrapeHandler serves the registry in the Prometheus exposition format,
// for /metrics.
func (m *Metrics) ScrapeHandler() http.Handler {
	return promhttp.HandlerFor(m.gatherer, promhttp.HandlerOpts{Registry: m.reg})
}

// SetConcurrency records how many executors the worker runs, the
// denominator of worker utilisation.
func (m *Metrics) SetConcurrency(n int) { m.v.concurrency.Set(float64(n)) }

// taskLabels returns the bounded queue and task_type label values of t.
func (m *Metrics) taskLabels(t domain.Task) (queue, taskType string) {
	return m.queues.value(t.Queue), m.types.value(t.Type)
}
