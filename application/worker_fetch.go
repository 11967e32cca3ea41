package application

import (
	"time"

	"github.com/popbox/popbox/ports"
)

// maxBackoffFactor caps the broker backoff at this multiple of BrokerBackoff.
const maxBackoffFactor = 16

// backoff doubles a pause after each consecutive broker error.
type backoff struct {
	base, next time.Duration
}

func newBackoff(base time.Duration) *backoff { return &backoff{base: base, next: base} }

func (b *backoff) pause() time.Duration {
	d := b.next
	b.next = min(b.next*2, b.base*maxBackoffFactor)
	return d
}

func (b *backoff) reset() { b.next = b.base }

// fetchLoop leases as many tasks as there are free executors, up to
// BatchSize at a time, and hands them to the executors. It closes w.tasks
// when Stop ends fetching.
func (w *Worker) fetchLoop() {
	defer close(w.fetchDone)
	defer close(w.tasks)
	ctx := w.fetchCtx
	pause := newBackoff(w.cfg.BrokerBackoff)
	for {
		n, ok := w.acquireSlots()
		if !ok {
			return
		}
		leases, err := w.deps.Queue.Dequeue(ctx, ports.DequeueParams{
			Queues: w.order(), Max: n, LeaseFor: w.cfg.LeaseFor,
		})
		w.dispatch(leases, n)
		if err == nil {
			pause.reset()
			continue
		}
		if ctx.Err() != nil {
			return
		}
		w.deps.Observer.BrokerError(ctx, "dequeue", err)
		if !sleep(ctx, pause.pause()) {
			return
		}
	}
}

// dispatch hands leases to the executors and frees the slots of the n taken
// that went unused. Leases that come with an error are dispatched too, so
// none is forgotten; executors release them if the worker is stopping.
func (w *Worker) dispatch(leases []ports.Lease, n int) {
	if len(leases) > n {
		// A broker leasing more than asked would overfill the executors;
		// give the surplus back rather than deadlock.
		for _, l := range leases[n:] {
			if err := w.deps.Queue.Release(w.settleCtx, l); err != nil {
				w.deps.Observer.BrokerError(w.fetchCtx, "release", err)
			}
		}
		leases = leases[:n]
	}
	w.freeSlots(n - len(leases))
	for _, l := range leases {
		w.flights.add(l)
		w.tasks <- l
	}
}

// acquireSlots waits for one free executor, then takes every other free
// one, up to BatchSize. It reports false when fetching stops.
func (w *Worker) acquireSlots() (int, bool) {
	if w.fetchCtx.Err() != nil {
		return 0, false // select would pick at random between stop and a free slot
	}
	select {
	case w.slots <- struct{}{}:
	case <-w.fetchCtx.Done():
		return 0, false
	}
	n := 1
	for n < w.cfg.BatchSize {
		select {
		case w.slots <- struct{}{}:
			n++
		default:
			return n, true
		}
	}
	return n, true
}

func (w *Worker) freeSlots(n int) {
	for range n {
		<-w.slots
	}
}
