package metrics

import (
	"context"
	"errors"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Queue returns next counted: tasks enqueued (duplicates excluded), retries
// and releases that the broker accepted, the queue wait of every leased
// task, leases lost (refused with domain.ErrLeaseLost or missing from an
// Extend), leases that Recover found expired, and broker errors by
// operation. Results and errors pass through unchanged.
//
// Recover with several queues is passed on one queue at a time so expired
// leases can be counted per queue; each queue's recovery is independent, so
// this changes no outcome. It returns the summed result and every error.
func (m *Metrics) Queue(next ports.QueuePort) ports.QueuePort {
	return &queue{next: next, m: m}
}

type queue struct {
	next ports.QueuePort
	m    *Metrics
}

var _ ports.QueuePort = (*queue)(nil)

func (q *queue) Enqueue(ctx context.Context, t domain.Task) (ports.EnqueueResult, error) {
	res, err := q.next.Enqueue(ctx, t)
	if err != nil {
		q.m.countError(ctx, OpEnqueue, err)
		return res, err
	}
	if !res.Duplicate {
		qu, ty := q.m.taskLabels(res.Task)
		q.m.v.enqueued.WithLabelValues(qu, ty).Inc()
	}
	return res, nil
}

func (q *queue) Dequeue(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	leases, err := q.next.Dequeue(ctx, p)
	if err != nil {
		q.m.countError(ctx, OpDequeue, err)
		return leases, err
	}
	now := q.m.opts.Clock.Now()
	for _, l := range leases {
		q.m.observeWait(now, l.Task)
	}
	return leases, nil
}

func (q *queue) Ack(ctx context.Context, l ports.Lease) error {
	err := q.next.Ack(ctx, l)
	if err != nil {
		q.m.countLeaseError(ctx, OpAck, l.Task, err)
	}
	return err
}

func (q *queue) Retry(ctx context.Context, p ports.RetryParams) error {
	err := q.next.Retry(ctx, p)
	if err != nil {
		q.m.countLeaseError(ctx, OpRetry, p.Lease.Task, err)
		return err
	}
	qu, ty := q.m.taskLabels(p.Lease.Task)
	q.m.v.retries.WithLabelValues(qu, ty).Inc()
	return nil
}

func (q *queue) Release(ctx context.Context, l ports.Lease) error {
	err := q.next.Release(ctx, l)
	if err != nil {
		q.m.countLeaseError(ctx, OpRelease, l.Task, err)
		return err
	}
	qu, ty := q.m.taskLabels(l.Task)
	q.m.v.released.WithLabelValues(qu, ty).Inc()
	return nil
}

func (q *queue) Extend(ctx context.Context, p ports.ExtendParams) ([]ports.Lease, error) {
	kept, err := q.next.Extend(ctx, p)
	if err != nil {
		q.m.countError(ctx, OpExtend, err)
		return kept, err
	}
	if len(kept) < len(p.Leases) {
		q.m.countLostOnExtend(p.Leases, kept)
	}
	return kept, nil
}

func (q *queue) Recover(ctx context.Context, queues []string) (ports.RecoverResult, error) {
	if len(queues) <= 1 {
		res, err := q.recoverOne(ctx, queues)
		return res, err
	}
	var total ports.RecoverResult
	var errs []error
	for _, name := range queues {
		res, err := q.recoverOne(ctx, []string{name})
		total.Promoted += res.Promoted
		total.Requeued += res.Requeued
		total.DeadLettered += res.DeadLettered
		errs = append(errs, err)
	}
	return total, errors.Join(errs...)
}

func (q *queue) recoverOne(ctx context.Context, queues []string) (ports.RecoverResult, error) {
	res, err := q.next.Recover(ctx, queues)
	if err != nil {
		q.m.countError(ctx, OpRecover, err)
		return res, err
	}
	if len(queues) == 1 && (res.Requeued > 0 || res.DeadLettered > 0) {
		name := q.m.queues.value(queues[0])
		q.m.v.expiredLeases.WithLabelValues(name, ExpiredRequeued).Add(float64(res.Requeued))
		q.m.v.expiredLeases.WithLabelValues(name, ExpiredDeadLettered).Add(float64(res.DeadLettered))
	}
	return res, nil
}

func (q *queue) Stats(ctx context.Context, name string) (ports.QueueStats, error) {
	st, err := q.next.Stats(ctx, name)
	q.m.countError(ctx, OpStats, err)
	return st, err
}

func (q *queue) Queues(ctx context.Context) ([]string, error) {
	names, err := q.next.Queues(ctx)
	q.m.countError(ctx, OpQueues, err)
	return names, err
}
