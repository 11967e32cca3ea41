package redisbroker

import (
	"cmp"
	"context"
	"slices"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// deadRef is one dead letter's place: its queue, id and failure time.
type deadRef struct {
	queue string
	id    string
	score float64
}

// List returns a page of dead letters, newest failure first. For one queue
// it reads the page straight from the dead set; for every queue it reads
// the first offset+limit of each queue's set and merges them, so its cost
// grows with the number of queues and the page's end, never with the
// number of dead letters. Letters that failed in the same millisecond come
// in descending id order.
func (b *Broker) List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	if p.Limit < 1 {
		return ports.DeadLetterPage{}, invalid("limit", "must be at least 1")
	}
	if p.Offset < 0 {
		return ports.DeadLetterPage{}, invalid("offset", "must not be negative")
	}
	queues := []string{p.Queue}
	if p.Queue == "" {
		all, err := b.knownQueues(ctx)
		if err != nil {
			return ports.DeadLetterPage{}, err
		}
		queues = all
	} else if err := domain.ValidateQueueName(p.Queue); err != nil {
		return ports.DeadLetterPage{}, err
	}
	refs, total, err := b.deadRefs(ctx, queues, p.Offset+p.Limit)
	if err != nil {
		return ports.DeadLetterPage{}, err
	}
	page := refs[min(p.Offset, len(refs)):min(p.Offset+p.Limit, len(refs))]
	items, err := b.loadDead(ctx, page)
	if err != nil {
		return ports.DeadLetterPage{}, err
	}
	return ports.DeadLetterPage{Items: items, Total: total}, nil
}

// deadRefs reads the newest n dead letters of each queue and the total
// count, and returns them merged, newest first.
func (b *Broker) deadRefs(ctx context.Context, queues []string, n int) ([]deadRef, int64, error) {
	counts := make([]*redis.IntCmd, len(queues))
	ranges := make([]*redis.ZSliceCmd, len(queues))
	_, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range queues {
			dead := b.keys(q).dead
			counts[i] = p.ZCard(ctx, dead)
			ranges[i] = p.ZRevRangeWithScores(ctx, dead, 0, int64(n-1))
		}
		return nil
	})
	if err != nil {
		return nil, 0, interpretError("list dead letters", err)
	}
	var refs []deadRef
	var total int64
	for i, q := range queues {
		total += counts[i].Val()
		for _, z := range ranges[i].Val() {
			id, _ := z.Member.(string)
			refs = append(refs, deadRef{queue: q, id: id, score: z.Score})
		}
	}
	slices.SortStableFunc(refs, func(a, b deadRef) int {
		return cmp.Or(cmp.Compare(b.score, a.score), cmp.Compare(b.id, a.id), cmp.Compare(a.queue, b.queue))
	})
	return refs, total, nil
}

// loadDead reads the dead letters refs name, in one round trip. One that
// vanished between the two reads is left out.
func (b *Broker) loadDead(ctx context.Context, refs []deadRef) ([]domain.DeadLetter, error) {
	cmds := make([]*redis.SliceCmd, len(refs))
	_, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, r := range refs {
			cmds[i] = p.HMGet(ctx, b.keys(r.queue).tasks, recordArgs(r.id)...)
		}
		return nil
	})
	if err != nil && len(refs) > 0 {
		return nil, interpretError("list dead letters", err)
	}
	items := make([]domain.DeadLetter, 0, len(refs))
	for i, r := range refs {
		rec, found, err := decodeRecord(r.queue, r.id, cmds[i].Val())
		if err != nil {
			return nil, err
		}
		if found && rec.state == domain.StateDead {
			items = append(items, rec.deadLetter())
		}
	}
	return items, nil
}
