package redisbroker

import (
	"context"
	"slices"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// maxRecoverRounds bounds the script runs one Recover spends on a queue;
// whatever is left waits for the next Recover.
const maxRecoverRounds = 10

// Recover promotes due tasks, gives back expired leases and sweeps
// succeeded tasks past retention, queue by queue, each step one script
// bounded by BatchLimit. Many workers may run it at once: every move is
// atomic, so each task is counted by exactly one of them.
func (b *Broker) Recover(ctx context.Context, queues []string) (ports.RecoverResult, error) {
	var total ports.RecoverResult
	seen := make([]string, 0, len(queues))
	for _, queue := range queues {
		if slices.Contains(seen, queue) {
			continue
		}
		seen = append(seen, queue)
		if err := domain.ValidateQueueName(queue); err != nil {
			return total, err
		}
		if err := b.recoverQueue(ctx, queue, &total); err != nil {
			return total, err
		}
	}
	return total, nil
}

func (b *Broker) recoverQueue(ctx context.Context, queue string, total *ports.RecoverResult) error {
	k := b.keys(queue)
	for range maxRecoverRounds {
		now := b.now()
		counts, err := recoverScript.Run(ctx, b.client,
			[]string{k.pending, k.scheduled, k.leases, k.dead, k.done, k.tasks, k.wake},
			millis(now), b.cfg.BatchLimit, domain.ReasonLeaseExpired, millis(now.Add(-b.cfg.CompletedRetention)),
		).Int64Slice()
		if err != nil {
			return interpretError("recover", err)
		}
		total.Promoted += int(counts[0])
		total.Requeued += int(counts[1])
		total.DeadLettered += int(counts[2])
		if max(counts[0], counts[1], counts[2]) < int64(b.cfg.BatchLimit) {
			return nil
		}
	}
	return nil
}
