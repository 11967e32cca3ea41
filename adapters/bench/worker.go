package bench

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// NoopType is the task type of every bench task. Its handler does nothing
// but note, for the latency phases, how long ago the task was enqueued.
const NoopType = "bench_noop"

// pollEvery is how often waits look at the ack count. Wall times come from
// the ack timestamps, not from the poll, so it bounds no measurement.
const pollEvery = time.Millisecond

// noop is the bench handler.
type noop struct{ rec *recorder }

func (h noop) ProcessTask(_ context.Context, task domain.Task) error {
	if h.rec != nil {
		if ns, ok := parseStamp(task.Payload); ok {
			h.rec.record(time.Duration(time.Now().UnixNano() - ns))
		}
	}
	return nil
}

// tally counts what the worker reports. The time of the latest ack is kept
// as a running maximum, so it is exact whatever order executors report in.
type tally struct {
	ports.NopObserver
	acked, lastAck, brokerErrors, failed atomic.Int64
}

func (t *tally) TaskSucceeded(context.Context, domain.Task, time.Duration) {
	now := time.Now().UnixNano()
	for {
		last := t.lastAck.Load()
		if now <= last || t.lastAck.CompareAndSwap(last, now) {
			break
		}
	}
	t.acked.Add(1)
}

func (t *tally) BrokerError(context.Context, string, error) { t.brokerErrors.Add(1) }

func (t *tally) TaskDeadLettered(context.Context, domain.Task, string) { t.failed.Add(1) }

func (t *tally) LeaseLost(context.Context, domain.Task, string) { t.failed.Add(1) }

func (t *tally) TaskRetrying(context.Context, domain.Task, error, time.Duration) { t.failed.Add(1) }

// lastAckTime is the wall-clock time of the latest ack.
func (t *tally) lastAckTime() time.Time { return time.Unix(0, t.lastAck.Load()) }

// wait returns once n tasks are acked, or fails after timeout or when a
// task was not acked (a bench task never fails on a healthy broker).
func (t *tally) wait(ctx context.Context, n int, timeout time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	tick := time.NewTicker(pollEvery)
	defer tick.Stop()
	for t.acked.Load() < int64(n) {
		if f := t.failed.Load(); f > 0 {
			return fmt.Errorf("%d tasks were retried, dead-lettered or lost their lease", f)
		}
		select {
		case <-tick.C:
		case <-ctx.Done():
			return fmt.Errorf("%d of %d tasks acked: %w", t.acked.Load(), n, ctx.Err())
		}
	}
	return nil
}

// workerParams shapes a bench worker.
type workerParams struct {
	Queue       string
	Concurrency int
	BatchSize   int       // 0: the worker's default
	Rec         *recorder // nil: no latency recorded
}

// benchWorker is an application.Worker running the no-op handler on one
// queue, with its tally.
type benchWorker struct {
	w     *application.Worker
	tally *tally
}

func startWorker(ctx context.Context, b ports.Broker, p workerParams) (*benchWorker, error) {
	reg := application.NewRegistry()
	if err := reg.Register(NoopType, noop{rec: p.Rec}); err != nil {
		return nil, err
	}
	cfg := application.DefaultWorkerConfig()
	cfg.Queues = []string{p.Queue}
	cfg.Concurrency = p.Concurrency
	if p.BatchSize > 0 {
		cfg.BatchSize = p.BatchSize
	}
	cfg.ShutdownGrace = 5 * time.Second
	t := &tally{}
	w, err := application.NewWorker(cfg, application.WorkerDeps{
		Queue: b, DeadLetters: b, Handlers: reg, Observer: t,
	})
	if err != nil {
		return nil, err
	}
	if err := w.Start(ctx); err != nil {
		return nil, err
	}
	return &benchWorker{w: w, tally: t}, nil
}

// stop shuts the worker down; a worker that saw broker errors is reported.
func (bw *benchWorker) stop(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	err := bw.w.Stop(ctx)
	if n := bw.tally.brokerErrors.Load(); n > 0 {
		err = errors.Join(err, fmt.Errorf("worker saw %d broker errors", n))
	}
	return err
}
