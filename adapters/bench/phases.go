package bench

import (
	"context"
	"errors"
	"time"
)

// enqueuePhase times N enqueues from g producers.
func (r *runner) enqueuePhase(ctx context.Context, phase string, g int) (PhaseResult, error) {
	m, err := r.startMeter(ctx)
	if err != nil {
		return PhaseResult{}, err
	}
	start := time.Now()
	if err := r.prod.fill(ctx, queueOf(phase), r.cfg.N, g); err != nil {
		return PhaseResult{}, err
	}
	res := throughput(r.cfg.N, time.Since(start))
	if phase == PhaseEnq1 {
		r.enq1Filled = true
	}
	return res, m.finish(ctx, &res, r.cfg.N)
}

// drain times a fresh worker emptying enq1's backlog, from its start to
// the last ack. Without enq1 in the run, it fills the backlog first,
// untimed.
func (r *runner) drain(ctx context.Context) (PhaseResult, error) {
	queue := queueOf(PhaseDrain)
	if !r.enq1Filled {
		if err := r.prod.fill(ctx, queue, r.cfg.N, r.cfg.Producers); err != nil {
			return PhaseResult{}, err
		}
	}
	r.enq1Filled = false
	b, closeBroker, err := r.target.OpenFunc(ctx)
	if err != nil {
		return PhaseResult{}, err
	}
	defer func() { _ = closeBroker() }()
	m, err := r.startMeter(ctx)
	if err != nil {
		return PhaseResult{}, err
	}
	start := time.Now()
	w, err := startWorker(ctx, b, workerParams{Queue: queue, Concurrency: r.cfg.Concurrency, BatchSize: r.cfg.BatchSize})
	if err != nil {
		return PhaseResult{}, err
	}
	waitErr := w.tally.wait(ctx, r.cfg.N, r.cfg.PhaseTimeout)
	res := throughput(r.cfg.N, w.tally.lastAckTime().Sub(start))
	res.Processed = int(w.tally.acked.Load())
	res.PeakRSSMB = selfPeakRSS()
	if err := errors.Join(waitErr, w.stop(ctx)); err != nil {
		return PhaseResult{}, err
	}
	if err := m.finish(ctx, &res, r.cfg.N); err != nil {
		return PhaseResult{}, err
	}
	return res, r.checkEmpty(ctx, queue)
}

// e2eSplit times producers enqueuing N tasks while a worker in another
// process runs them, from the first enqueue to the last ack.
func (r *runner) e2eSplit(ctx context.Context) (PhaseResult, error) {
	split := r.target.SplitWorkerFunc
	if split == nil {
		split = InProcessSplitWorker(r.target.OpenFunc, r.cfg.PhaseTimeout)
	}
	ctx, cancel := context.WithTimeout(ctx, r.cfg.PhaseTimeout+time.Minute)
	defer cancel()
	queue := queueOf(PhaseE2ESplit)
	readyc := make(chan struct{})
	type outcome struct {
		rep SplitReport
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		rep, err := split(ctx, SplitParams{Queue: queue, Concurrency: r.cfg.Concurrency, BatchSize: r.cfg.BatchSize, Expect: r.cfg.N},
			func() { close(readyc) })
		done <- outcome{rep, err}
	}()
	select {
	case <-readyc:
	case o := <-done:
		return PhaseResult{}, errors.Join(o.err, errors.New("split worker ended before it was ready"))
	}
	m, err := r.startMeter(ctx)
	if err != nil {
		cancel()
		<-done
		return PhaseResult{}, err
	}
	start := time.Now()
	fillErr := r.prod.fill(ctx, queue, r.cfg.N, r.cfg.Producers)
	if fillErr != nil {
		cancel()
	}
	o := <-done
	if err := errors.Join(fillErr, o.err); err != nil {
		return PhaseResult{}, err
	}
	res := throughput(r.cfg.N, o.rep.LastAck.Sub(start))
	res.Processed = o.rep.Processed
	if o.rep.PeakRSSMB > 0 {
		res.PeakRSSMB = &o.rep.PeakRSSMB
	}
	if err := m.finish(ctx, &res, r.cfg.N); err != nil {
		return PhaseResult{}, err
	}
	return res, r.checkEmpty(ctx, queue)
}
