package memory

import (
	"context"
	"fmt"
	"slices"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Add moves a leased task into the dead letters with the reason and the
// clock's now.
func (b *Broker) Add(ctx context.Context, p ports.DeadLetterParams) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, q, ok := b.current(p.Lease)
	if !ok {
		return leaseLost("dead-letter", p.Lease)
	}
	q.leased.remove(e)
	b.bury(q, e, p.Reason, b.clock.Now())
	return nil
}

// List returns a page of dead letters, most recent failure first. Listing
// every queue at once sorts them all, which suits operator use.
func (b *Broker) List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	if err := ctx.Err(); err != nil {
		return ports.DeadLetterPage{}, err
	}
	if p.Limit < 1 {
		return ports.DeadLetterPage{}, &domain.ValidationError{Field: "limit", Reason: "must be at least 1"}
	}
	if p.Offset < 0 {
		return ports.DeadLetterPage{}, &domain.ValidationError{Field: "offset", Reason: "must not be negative"}
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	dead := b.deadOf(p.Queue) // oldest first
	page := ports.DeadLetterPage{Items: []domain.DeadLetter{}, Total: int64(len(dead))}
	for i := len(dead) - 1 - p.Offset; i >= 0 && len(page.Items) < p.Limit; i-- {
		page.Items = append(page.Items, dead[i].deadLetter())
	}
	return page, nil
}

// deadOf returns the dead letters of one queue, or of all for "", oldest
// first. The result must not be modified.
func (b *Broker) deadOf(name string) []*entry {
	if name != "" {
		if q := b.queues[name]; q != nil {
			return q.dead
		}
		return nil
	}
	var all []*entry
	for _, q := range b.queues {
		all = append(all, q.dead...)
	}
	slices.SortFunc(all, func(x, y *entry) int {
		if x.diedBefore(y) {
			return -1
		}
		return 1
	})
	return all
}

// Get returns one dead letter.
func (b *Broker) Get(ctx context.Context, id string) (domain.DeadLetter, error) {
	if err := ctx.Err(); err != nil {
		return domain.DeadLetter{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, _, err := b.deadEntry(id)
	if err != nil {
		return domain.DeadLetter{}, err
	}
	return e.deadLetter(), nil
}

// Requeue moves a dead letter to the tail of its queue as pending, with
// Attempt reset to 0 and LastError kept.
func (b *Broker) Requeue(ctx context.Context, id string) (domain.Task, error) {
	if err := ctx.Err(); err != nil {
		return domain.Task{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, q, err := b.deadEntry(id)
	if err != nil {
		return domain.Task{}, err
	}
	q.removeDead(e)
	e.task.Attempt = 0
	e.reason = ""
	b.makePending(q, e, b.clock.Now(), false)
	return cloneTask(e.task), nil
}

// Delete removes a dead letter and forgets its task.
func (b *Broker) Delete(ctx context.Context, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e, q, err := b.deadEntry(id)
	if err != nil {
		return err
	}
	q.removeDead(e)
	delete(b.tasks, id)
	return nil
}

// deadEntry finds a dead task or returns domain.ErrDeadLetterNotFound.
func (b *Broker) deadEntry(id string) (*entry, *queue, error) {
	e := b.tasks[id]
	if e == nil || e.state != domain.StateDead {
		return nil, nil, fmt.Errorf("dead letter %q: %w", id, domain.ErrDeadLetterNotFound)
	}
	return e, b.queues[e.task.Queue], nil
}
