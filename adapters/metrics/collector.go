package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// QueueListFunc lists the queues whose depth is reported at each scrape.
type QueueListFunc func(ctx context.Context) ([]string, error)

var (
	queueTasksDesc = prometheus.NewDesc(
		"popbox_queue_tasks",
		"Tasks in a queue by state (pending, scheduled, active, dead), read from the broker at scrape time.",
		[]string{"queue", "state"}, nil,
	)
	queueUpDesc = prometheus.NewDesc(
		"popbox_queue_stats_up",
		"1 if the broker answered this scrape's Stats call for the queue, 0 if not.",
		[]string{"queue"}, nil,
	)
)

// CollectQueues registers a collector that, at each scrape, reads
// q.Stats for every queue that list returns (q.Queues when list is nil)
// plus the known queues, and reports popbox_queue_tasks{queue,state}. Stats
// costs O(1) broker work per queue; all calls of one scrape share
// Options.ScrapeTimeout. popbox_queue_stats_up{queue} says whether Stats
// answered; a queue whose Stats failed has no popbox_queue_tasks in that
// scrape. If listing fails, the known queues are still reported. Queues past
// Options.MaxLabelValues are not reported.
func (m *Metrics) CollectQueues(q ports.QueuePort, list QueueListFunc) error {
	if list == nil {
		list = q.Queues
	}
	if err := m.reg.Register(&depthCollector{m: m, q: q, list: list}); err != nil {
		return fmt.Errorf("metrics: register queue collector: %w", err)
	}
	return nil
}

type depthCollector struct {
	m    *Metrics
	q    ports.QueuePort
	list QueueListFunc
}

func (c *depthCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- queueTasksDesc
	ch <- queueUpDesc
}

func (c *depthCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), c.m.opts.ScrapeTimeout)
	defer cancel()
	for _, name := range c.names(ctx) {
		st, err := c.q.Stats(ctx, name)
		if err != nil {
			ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, 0, name)
			continue
		}
		ch <- prometheus.MustNewConstMetric(queueUpDesc, prometheus.GaugeValue, 1, name)
		for state, n := range map[domain.State]int64{
			domain.StatePending: st.Pending, domain.StateScheduled: st.Scheduled,
			domain.StateActive: st.Active, domain.StateDead: st.Dead,
		} {
			ch <- prometheus.MustNewConstMetric(queueTasksDesc, prometheus.GaugeValue, float64(n), name, string(state))
		}
	}
}

// names returns the known queues, then the listed ones that are admitted as
// label values, without repeats.
func (c *depthCollector) names(ctx context.Context) []string {
	seen := map[string]bool{}
	var out []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	for _, name := range c.m.opts.Queues {
		add(name)
	}
	listed, _ := c.list(ctx) // on error the known queues still answer
	for _, name := range listed {
		if c.m.queues.value(name) == name {
			add(name)
		}
	}
	return out
}
