package application

import (
	"time"

	"github.com/popbox/popbox/ports"
)

// heartbeatLoop renews every lease the worker holds, in one Extend call per
// tick, and cancels the handlers whose lease the broker no longer honours.
func (w *Worker) heartbeatLoop() {
	w.every(w.cfg.HeartbeatEvery, func() {
		sent := w.flights.leases(w.deps.Clock.Now())
		if len(sent) == 0 {
			return
		}
		got, err := w.deps.Queue.Extend(w.bgCtx, ports.ExtendParams{Leases: sent, For: w.cfg.LeaseFor})
		if err != nil {
			if w.bgCtx.Err() == nil {
				w.deps.Observer.BrokerError(w.bgCtx, "extend", err)
			}
			return
		}
		for _, task := range w.flights.renewed(sent, got) {
			w.deps.Observer.LeaseLost(w.bgCtx, task, "extend")
		}
	})
}

// recoverLoop asks the broker to promote due retries and give back expired
// leases of the worker's queues.
func (w *Worker) recoverLoop() {
	w.every(w.cfg.RecoverEvery, func() {
		r, err := w.deps.Queue.Recover(w.bgCtx, w.cfg.Queues)
		switch {
		case err != nil:
			if w.bgCtx.Err() == nil {
				w.deps.Observer.BrokerError(w.bgCtx, "recover", err)
			}
		case r != (ports.RecoverResult{}):
			w.deps.Observer.Recovered(w.bgCtx, r)
		}
	})
}

// every calls f each period until the background context ends.
func (w *Worker) every(period time.Duration, f func()) {
	t := time.NewTicker(period)
	defer t.Stop()
	for {
		select {
		case <-w.bgCtx.Done():
			return
		case <-t.C:
			f()
		}
	}
}
