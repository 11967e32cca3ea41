package memory

import (
	"container/heap"
	"context"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Recover promotes the due scheduled tasks of the named queues and gives
// back tasks whose lease expired, dead-lettering those on their last
// attempt. Each queue costs O(k log n) for the k tasks it moves.
func (b *Broker) Recover(ctx context.Context, queues []string) (ports.RecoverResult, error) {
	if err := ctx.Err(); err != nil {
		return ports.RecoverResult{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.clock.Now()
	var res ports.RecoverResult
	for _, name := range queues {
		q := b.queues[name]
		if q == nil {
			continue
		}
		res.Promoted += b.promote(q, now)
		requeued, buried := b.reclaim(q, now)
		res.Requeued += requeued
		res.DeadLettered += buried
	}
	return res, nil
}

// promote makes every scheduled task due by now pending, earliest first.
func (b *Broker) promote(q *queue, now time.Time) int {
	n := 0
	for {
		_, runAt, ok := q.scheduled.peek()
		if !ok || runAt.After(now) {
			return n
		}
		e := heap.Pop(&q.scheduled).(*entry)
		b.makePending(q, e, now, false)
		n++
	}
}

// reclaim takes back every task whose lease ended before now: to the tail
// of its queue, or to the dead letters if that was its last attempt.
func (b *Broker) reclaim(q *queue, now time.Time) (requeued, buried int) {
	for {
		_, expiresAt, ok := q.leased.peek()
		if !ok || !now.After(expiresAt) {
			return requeued, buried
		}
		e := heap.Pop(&q.leased).(*entry)
		e.token = ""
		if e.task.AttemptsLeft() {
			b.makePending(q, e, now, false)
			requeued++
		} else {
			b.bury(q, e, domain.ReasonLeaseExpired, now)
			buried++
		}
	}
}
