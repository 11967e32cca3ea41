package metrics

import (
	"context"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// DeadLetters returns next counted: tasks a worker dead-lettered, dead
// letters removed by retention (expired for age, trimmed for size), lost
// leases and broker errors. Results and errors pass through unchanged.
func (m *Metrics) DeadLetters(next ports.DeadLetterPort) ports.DeadLetterPort {
	return &deadLetters{next: next, m: m}
}

type deadLetters struct {
	next ports.DeadLetterPort
	m    *Metrics
}

var _ ports.DeadLetterPort = (*deadLetters)(nil)

func (d *deadLetters) Add(ctx context.Context, p ports.DeadLetterParams) error {
	err := d.next.Add(ctx, p)
	if err != nil {
		d.m.countLeaseError(ctx, OpDeadLetterAdd, p.Lease.Task, err)
		return err
	}
	qu, ty := d.m.taskLabels(p.Lease.Task)
	d.m.v.deadLettered.WithLabelValues(qu, ty).Inc()
	return nil
}

func (d *deadLetters) List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	page, err := d.next.List(ctx, p)
	d.m.countError(ctx, OpDeadLetterList, err)
	return page, err
}

func (d *deadLetters) Get(ctx context.Context, id string) (domain.DeadLetter, error) {
	dl, err := d.next.Get(ctx, id)
	d.m.countError(ctx, OpDeadLetterGet, err)
	return dl, err
}

func (d *deadLetters) Requeue(ctx context.Context, id string) (domain.Task, error) {
	t, err := d.next.Requeue(ctx, id)
	d.m.countError(ctx, OpRequeue, err)
	return t, err
}

func (d *deadLetters) Delete(ctx context.Context, id string) error {
	err := d.next.Delete(ctx, id)
	d.m.countError(ctx, OpDelete, err)
	return err
}

func (d *deadLetters) Purge(ctx context.Context, queue string) (int64, error) {
	n, err := d.next.Purge(ctx, queue)
	d.m.countError(ctx, OpPurge, err)
	return n, err
}

func (d *deadLetters) Expire(ctx context.Context, p ports.ExpireParams) (ports.ExpireResult, error) {
	res, err := d.next.Expire(ctx, p)
	if err != nil {
		d.m.countError(ctx, OpExpire, err)
		return res, err
	}
	qu := d.m.queues.value(p.Queue)
	d.m.v.dlExpired.WithLabelValues(qu).Add(float64(res.Expired))
	d.m.v.dlTrimmed.WithLabelValues(qu).Add(float64(res.Trimmed))
	return res, nil
}
