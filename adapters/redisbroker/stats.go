package redisbroker

import (
	"context"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Stats reads one queue's counts with LLEN and three ZCARDs in one round
// trip: O(1) whatever the queue's size.
func (b *Broker) Stats(ctx context.Context, queue string) (ports.QueueStats, error) {
	if err := domain.ValidateQueueName(queue); err != nil {
		return ports.QueueStats{}, err
	}
	k := b.keys(queue)
	var pending, scheduled, active, dead *redis.IntCmd
	_, err := b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		pending = p.LLen(ctx, k.pending)
		scheduled = p.ZCard(ctx, k.scheduled)
		active = p.ZCard(ctx, k.leases)
		dead = p.ZCard(ctx, k.dead)
		return nil
	})
	if err != nil {
		return ports.QueueStats{}, interpretError("stats", err)
	}
	return ports.QueueStats{
		Queue: queue, Pending: pending.Val(), Scheduled: scheduled.Val(),
		Active: active.Val(), Dead: dead.Val(),
	}, nil
}

// Queues lists every queue that has received a task, sorted.
func (b *Broker) Queues(ctx context.Context) ([]string, error) {
	return b.knownQueues(ctx)
}
