package metrics

import (
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// observeWait records how long t waited between falling due and being
// leased at now. A task that names neither RunAt nor CreatedAt is skipped.
func (m *Metrics) observeWait(now time.Time, t domain.Task) {
	due := t.RunAt
	if due.IsZero() {
		due = t.CreatedAt
	}
	if due.IsZero() {
		return
	}
	wait := max(now.Sub(due), 0)
	qu, ty := m.taskLabels(t)
	m.v.wait.WithLabelValues(qu, ty).Observe(wait.Seconds())
}

// countLostOnExtend counts the leases asked for but missing from kept.
func (m *Metrics) countLostOnExtend(asked, kept []ports.Lease) {
	held := make(map[string]bool, len(kept))
	for _, l := range kept {
		held[leaseKey(l)] = true
	}
	for _, l := range asked {
		if !held[leaseKey(l)] {
			qu, _ := m.taskLabels(l.Task)
			m.v.lostLeases.WithLabelValues(qu, OpExtend).Inc()
		}
	}
}

// leaseKey names a lease's task; ids are unique within a queue.
func leaseKey(l ports.Lease) string { return l.Task.Queue + "\x00" + l.Task.ID }
