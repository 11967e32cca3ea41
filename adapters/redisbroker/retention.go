package redisbroker

import (
	"context"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Purge removes every dead letter of queue, or of every known queue when
// queue is "", in batches of BatchLimit, and returns how many it removed.
func (b *Broker) Purge(ctx context.Context, queue string) (int64, error) {
	queues := []string{queue}
	if queue == "" {
		all, err := b.knownQueues(ctx)
		if err != nil {
			return 0, err
		}
		queues = all
	} else if err := domain.ValidateQueueName(queue); err != nil {
		return 0, err
	}
	var removed int64
	for _, q := range queues {
		k := b.keys(q)
		for {
			n, err := purgeScript.Run(ctx, b.client, []string{k.dead, k.tasks}, b.cfg.BatchLimit).Int64()
			if err != nil {
				return removed, interpretError("purge dead letters", err)
			}
			removed += n
			if n < int64(b.cfg.BatchLimit) {
				break
			}
		}
	}
	return removed, nil
}

// Expire removes the queue's dead letters that failed before p.OlderThan,
// then the oldest beyond p.MaxSize, in batches of BatchLimit, counting each
// removal under the rule that caused it.
func (b *Broker) Expire(ctx context.Context, p ports.ExpireParams) (ports.ExpireResult, error) {
	if err := domain.ValidateQueueName(p.Queue); err != nil {
		return ports.ExpireResult{}, err
	}
	if p.MaxSize < 0 {
		return ports.ExpireResult{}, invalid("max_size", "must not be negative")
	}
	cutoff := ""
	if !p.OlderThan.IsZero() {
		cutoff = millis(p.OlderThan)
	}
	k := b.keys(p.Queue)
	var res ports.ExpireResult
	for {
		counts, err := expireScript.Run(ctx, b.client,
			[]string{k.dead, k.tasks}, cutoff, p.MaxSize, b.cfg.BatchLimit,
		).Int64Slice()
		if err != nil {
			return res, interpretError("expire dead letters", err)
		}
		res.Expired += counts[0]
		res.Trimmed += counts[1]
		if max(counts[0], counts[1]) < int64(b.cfg.BatchLimit) {
			return res, nil
		}
	}
}
