package memory

import (
	"context"
	"sort"

	"github.com/popbox/popbox/ports"
)

// Purge removes every dead letter of the named queue ("" for every queue),
// forgets their tasks and returns how many it removed.
func (b *Broker) Purge(ctx context.Context, name string) (int64, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	var n int64
	for _, q := range b.queues {
		if name == "" || q.name == name {
			n += int64(len(q.dead))
			b.forget(q.dropOldestDead(len(q.dead)))
		}
	}
	return n, nil
}

// Expire removes one queue's dead letters that failed before p.OlderThan,
// then trims the rest to the p.MaxSize newest, and counts each.
func (b *Broker) Expire(ctx context.Context, p ports.ExpireParams) (ports.ExpireResult, error) {
	if err := ctx.Err(); err != nil {
		return ports.ExpireResult{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	q := b.queues[p.Queue]
	if q == nil {
		return ports.ExpireResult{}, nil
	}
	var res ports.ExpireResult
	if !p.OlderThan.IsZero() {
		old := sort.Search(len(q.dead), func(i int) bool { return !q.dead[i].failedAt.Before(p.OlderThan) })
		b.forget(q.dropOldestDead(old))
		res.Expired = int64(old)
	}
	if p.MaxSize > 0 && len(q.dead) > p.MaxSize {
		over := len(q.dead) - p.MaxSize
		b.forget(q.dropOldestDead(over))
		res.Trimmed = int64(over)
	}
	return res, nil
}

// forget drops removed dead letters from the task index.
func (b *Broker) forget(gone []*entry) {
	for _, e := range gone {
		delete(b.tasks, e.task.ID)
	}
}
