package application

import (
	"context"
	"sync"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// flight is one task the worker holds a lease on, from fetch to settlement.
type flight struct {
	lease    ports.Lease
	cancel   context.CancelCauseFunc // set once the handler runs
	settling bool                    // the outcome is being reported to the broker
	lost     bool                    // the broker no longer honours the lease
	// renewUntil ends the heartbeat's renewals of a handler that overran
	// its timeout and ignores its context; zero until the handler starts.
	renewUntil time.Time
}

// flightKey identifies a task across lease renewals.
type flightKey struct{ queue, id string }

func keyOf(t domain.Task) flightKey { return flightKey{t.Queue, t.ID} }

// flights is the set of leases the heartbeat keeps alive. Safe for
// concurrent use.
type flights struct {
	mu sync.Mutex
	m  map[flightKey]*flight
}

func newFlights() *flights { return &flights{m: make(map[flightKey]*flight)} }

func (f *flights) add(l ports.Lease) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.m[keyOf(l.Task)] = &flight{lease: l}
}

func (f *flights) remove(k flightKey) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.m, k)
}

// start records the cancel function of the handler about to run and
// reports false if the lease was lost before it could start.
func (f *flights) start(k flightKey, cancel context.CancelCauseFunc, renewUntil time.Time) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl, ok := f.m[k]
	if !ok || fl.lost {
		return false
	}
	fl.cancel, fl.renewUntil = cancel, renewUntil
	return true
}

// isLost reports whether the lease of k is known to be lost.
func (f *flights) isLost(k flightKey) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl, ok := f.m[k]
	return !ok || fl.lost
}

// settle marks the task as being settled and returns its current lease, or
// false when the lease was lost meanwhile (the loss was already reported).
func (f *flights) settle(k flightKey) (ports.Lease, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fl, ok := f.m[k]
	if !ok || fl.lost {
		return ports.Lease{}, false
	}
	fl.settling = true
	return fl.lease, true
}

// current returns the latest lease of k.
func (f *flights) current(k flightKey) ports.Lease {
	f.mu.Lock()
	defer f.mu.Unlock()
	if fl, ok := f.m[k]; ok {
		return fl.lease
	}
	return ports.Lease{}
}

// leases returns the leases to renew at now: all but those of handlers
// running past their renewUntil while not settling.
func (f *flights) leases(now time.Time) []ports.Lease {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]ports.Lease, 0, len(f.m))
	for _, fl := range f.m {
		if !fl.settling && !fl.renewUntil.IsZero() && now.After(fl.renewUntil) {
			continue
		}
		out = append(out, fl.lease)
	}
	return out
}

// renewed records the outcome of an Extend of sent: leases in got are
// current, the others were lost. It cancels the handlers of lost leases
// and returns their tasks, leaving out those being settled, whose own
// broker call reports the loss if there is one.
func (f *flights) renewed(sent, got []ports.Lease) []domain.Task {
	kept := make(map[flightKey]ports.Lease, len(got))
	for _, l := range got {
		kept[keyOf(l.Task)] = l
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	var lost []domain.Task
	for _, l := range sent {
		k := keyOf(l.Task)
		fl, ok := f.m[k]
		if !ok || fl.lost || fl.lease.Token != l.Token {
			continue
		}
		if nl, ok := kept[k]; ok {
			fl.lease = nl
			continue
		}
		if fl.settling {
			continue
		}
		fl.lost = true
		if fl.cancel != nil {
			fl.cancel(domain.ErrLeaseLost)
		}
		lost = append(lost, fl.lease.Task)
	}
	return lost
}
