package bench

import (
	"context"
	"errors"
	"time"
)

// latencyWorker opens a broker and starts a worker on queue whose handler
// records latency into a recorder of the given capacity.
func (r *runner) latencyWorker(ctx context.Context, queue string, capacity int) (*benchWorker, *recorder, func() error, error) {
	b, closeBroker, err := r.target.OpenFunc(ctx)
	if err != nil {
		return nil, nil, nil, err
	}
	rec := newRecorder(capacity)
	w, err := startWorker(ctx, b, workerParams{Queue: queue, Concurrency: r.cfg.Concurrency, BatchSize: r.cfg.BatchSize, Rec: rec})
	if err != nil {
		_ = closeBroker()
		return nil, nil, nil, err
	}
	return w, rec, closeBroker, nil
}

// paced enqueues at rate tasks/s for PacedFor to a running worker and
// reports the latency from enqueue to handler start. Its wall time runs
// from the first enqueue to the last ack.
func (r *runner) paced(ctx context.Context, phase string, rate int) (PhaseResult, error) {
	queue := queueOf(phase)
	planned := int(int64(rate) * int64(r.cfg.PacedFor) / int64(time.Second))
	w, rec, closeBroker, err := r.latencyWorker(ctx, queue, planned)
	if err != nil {
		return PhaseResult{}, err
	}
	defer func() { _ = closeBroker() }()
	m, err := r.startMeter(ctx)
	if err != nil {
		return PhaseResult{}, errors.Join(err, w.stop(ctx))
	}
	start := time.Now()
	n, err := r.prod.paced(ctx, queue, rate, r.cfg.PacedFor, r.cfg.Producers)
	if err == nil {
		err = w.tally.wait(ctx, n, r.cfg.PhaseTimeout)
	}
	res := throughput(n, w.tally.lastAckTime().Sub(start))
	res.Processed = int(w.tally.acked.Load())
	res.PeakRSSMB = selfPeakRSS()
	if err := errors.Join(err, w.stop(ctx)); err != nil {
		return PhaseResult{}, err
	}
	res.Latency = rec.summary()
	if err := m.finish(ctx, &res, n); err != nil {
		return PhaseResult{}, err
	}
	return res, r.checkEmpty(ctx, queue)
}

// firstPickup lets a worker idle for PickupIdle, enqueues one task and
// waits for its ack, PickupRepeats times. Latency is enqueue to handler
// start (p50 is the median pickup); wall time sums enqueue to ack over the
// repeats, idle time excluded.
func (r *runner) firstPickup(ctx context.Context) (PhaseResult, error) {
	queue := queueOf(PhaseFirstPickup)
	w, rec, closeBroker, err := r.latencyWorker(ctx, queue, r.cfg.PickupRepeats)
	if err != nil {
		return PhaseResult{}, err
	}
	defer func() { _ = closeBroker() }()
	// No server CPU here: an idle worker's blocking waits and recovery
	// passes would dominate a per-task figure of a handful of tasks.
	resetPeakRSS()
	var busy time.Duration
	for i := range r.cfg.PickupRepeats {
		if !sleep(ctx, r.cfg.PickupIdle) {
			err = ctx.Err()
			break
		}
		enqueued := time.Now()
		if err = r.prod.enqueue(ctx, queue, stampPayload(enqueued)); err != nil {
			break
		}
		if err = w.tally.wait(ctx, i+1, r.cfg.PhaseTimeout); err != nil {
			break
		}
		busy += w.tally.lastAckTime().Sub(enqueued)
	}
	res := throughput(r.cfg.PickupRepeats, busy)
	res.Processed = int(w.tally.acked.Load())
	res.PeakRSSMB = selfPeakRSS()
	if err := errors.Join(err, w.stop(ctx)); err != nil {
		return PhaseResult{}, err
	}
	res.Latency = rec.summary()
	return res, r.checkEmpty(ctx, queue)
}
