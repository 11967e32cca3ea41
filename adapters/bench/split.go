package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/popbox/popbox/ports"
)

// SplitParams tells the worker of the e2e_split phase what to run.
type SplitParams struct {
	Queue       string // the phase's queue
	Concurrency int    // handlers at once
	BatchSize   int    // most tasks per Dequeue; 0: the worker's default
	Expect      int    // acks to wait for before reporting
}

// SplitReport is what the e2e_split worker saw.
type SplitReport struct {
	Processed int       // tasks acked
	LastAck   time.Time // wall-clock time of the latest ack
	PeakRSSMB float64   // the worker process's peak resident set; 0 when unknown
}

// SplitWorkerFunc runs a no-op worker on p.Queue, calls ready once the
// worker is running (before any task is enqueued), and returns after
// p.Expect acks with the worker stopped. It fails if ctx ends first.
type SplitWorkerFunc func(ctx context.Context, p SplitParams, ready func()) (SplitReport, error)

// InProcessSplitWorker runs the e2e_split worker in this process on a
// broker from open. It is the stand-in for brokers no other process can
// reach, such as memory.
func InProcessSplitWorker(open OpenFunc, timeout time.Duration) SplitWorkerFunc {
	return func(ctx context.Context, p SplitParams, ready func()) (SplitReport, error) {
		b, closeBroker, err := open(ctx)
		if err != nil {
			return SplitReport{}, err
		}
		defer func() { _ = closeBroker() }()
		rep, err := serveSplit(ctx, b, p, timeout, ready)
		if err != nil {
			return SplitReport{}, err
		}
		if mb := selfPeakRSS(); mb != nil {
			rep.PeakRSSMB = *mb
		}
		return rep, nil
	}
}

// serveSplit starts a worker, waits for p.Expect acks and stops it.
func serveSplit(ctx context.Context, b ports.Broker, p SplitParams, timeout time.Duration, ready func()) (SplitReport, error) {
	w, err := startWorker(ctx, b, workerParams{Queue: p.Queue, Concurrency: p.Concurrency, BatchSize: p.BatchSize})
	if err != nil {
		return SplitReport{}, err
	}
	ready()
	waitErr := w.tally.wait(ctx, p.Expect, timeout)
	stopErr := w.stop(ctx)
	if waitErr != nil {
		return SplitReport{}, fmt.Errorf("split worker: %w", waitErr)
	}
	if stopErr != nil {
		return SplitReport{}, fmt.Errorf("split worker: %w", stopErr)
	}
	return SplitReport{Processed: int(w.tally.acked.Load()), LastAck: w.tally.lastAckTime()}, nil
}
