package memory

import (
	"context"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Enqueue stores a task: scheduled if its RunAt is after the clock's now,
// otherwise pending at the tail of its queue. An id already remembered, in
// any queue and any state, is not stored again: the existing task is
// returned with Duplicate set.
func (b *Broker) Enqueue(ctx context.Context, task domain.Task) (ports.EnqueueResult, error) {
	if err := ctx.Err(); err != nil {
		return ports.EnqueueResult{}, err
	}
	if err := domain.ValidateID(task.ID); err != nil {
		return ports.EnqueueResult{}, err
	}
	if err := domain.ValidateQueueName(task.Queue); err != nil {
		return ports.EnqueueResult{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	b.prune(now)
	if e := b.tasks[task.ID]; e != nil {
		return ports.EnqueueResult{Task: cloneTask(e.task), Duplicate: true}, nil
	}
	e := &entry{task: cloneTask(task), index: -1}
	b.tasks[task.ID] = e
	q := b.queue(task.Queue)
	if task.RunAt.After(now) {
		b.schedule(q, e, now)
	} else {
		b.makePending(q, e, now, false)
	}
	return ports.EnqueueResult{Task: cloneTask(e.task)}, nil
}

// Dequeue leases up to p.Max pending tasks, draining earlier queues of
// p.Queues first and filling the batch from later ones. It waits, without
// polling, until a task is pending or ctx ends.
func (b *Broker) Dequeue(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	if err := validateDequeue(p); err != nil {
		return nil, err
	}
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		leases, wake := b.tryLease(p)
		if len(leases) > 0 {
			return leases, nil
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-wake:
		}
	}
}

// tryLease leases what is pending now; when nothing is, it returns the
// channel that the next pending task will close.
func (b *Broker) tryLease(p ports.DequeueParams) ([]ports.Lease, <-chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	var leases []ports.Lease
	for _, name := range p.Queues {
		q := b.queues[name]
		if q == nil {
			continue
		}
		for len(leases) < p.Max && q.pending.Len() > 0 {
			e := q.pending.Remove(q.pending.Front()).(*entry)
			leases = append(leases, b.lease(q, e, now, p.LeaseFor))
		}
		if len(leases) == p.Max {
			break
		}
	}
	if len(leases) > 0 {
		return leases, nil
	}
	b.waiting = true
	return nil, b.wake
}

func validateDequeue(p ports.DequeueParams) error {
	switch {
	case len(p.Queues) == 0:
		return &domain.ValidationError{Field: "queues", Reason: "name at least one queue"}
	case p.Max < 1:
		return &domain.ValidationError{Field: "max", Reason: "must be at least 1"}
	case p.LeaseFor <= 0:
		return &domain.ValidationError{Field: "lease_for", Reason: "must be positive"}
	}
	return nil
}
