package memory

import (
	"context"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Ack marks a leased task succeeded and keeps it for status queries for the
// configured retention. Acking the same lease again succeeds; any other
// lease that is not current fails with domain.ErrLeaseLost.
func (b *Broker) Ack(ctx context.Context, l ports.Lease) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.tasks[l.Task.ID]; e != nil && e.state == domain.StateSucceeded && l.Token != "" && e.token == l.Token {
		return nil
	}
	e, q, ok := b.current(l)
	if !ok {
		return leaseLost("ack", l)
	}
	q.leased.remove(e)
	e.state, e.updatedAt = domain.StateSucceeded, b.clock.Now()
	e.elem = b.succeeded.PushBack(e)
	return nil
}

// Retry records the error and schedules the task for p.RunAt (pending at
// once if that is not after now).
func (b *Broker) Retry(ctx context.Context, p ports.RetryParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, q, ok := b.current(p.Lease)
	if !ok {
		return leaseLost("retry", p.Lease)
	}
	q.leased.remove(e)
	e.token = ""
	e.task.LastError, e.task.RunAt = p.Error, p.RunAt
	now := b.clock.Now()
	if p.RunAt.After(now) {
		b.schedule(q, e, now)
	} else {
		b.makePending(q, e, now, false)
	}
	return nil
}

// Release gives a leased task back to the head of its queue and uncounts
// the attempt its lease had counted.
func (b *Broker) Release(ctx context.Context, l ports.Lease) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, q, ok := b.current(l)
	if !ok {
		return leaseLost("release", l)
	}
	q.leased.remove(e)
	e.token = ""
	e.task.Attempt--
	b.makePending(q, e, b.clock.Now(), true)
	return nil
}

// Extend renews the current leases among p.Leases to expire p.For after
// now and returns them; leases no longer current are left out.
func (b *Broker) Extend(ctx context.Context, p ports.ExtendParams) ([]ports.Lease, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if p.For <= 0 {
		return nil, &domain.ValidationError{Field: "for", Reason: "must be positive"}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	expiresAt := b.clock.Now().Add(p.For)
	kept := make([]ports.Lease, 0, len(p.Leases))
	for _, l := range p.Leases {
		e, q, ok := b.current(l)
		if !ok {
			continue
		}
		e.expiresAt = expiresAt
		q.leased.fix(e)
		l.ExpiresAt = expiresAt
		kept = append(kept, l)
	}
	return kept, nil
}

func leaseLost(op string, l ports.Lease) error {
	return fmt.Errorf("%s task %q: %w", op, l.Task.ID, domain.ErrLeaseLost)
}
