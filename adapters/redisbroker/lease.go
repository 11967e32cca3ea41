package redisbroker

import (
	"context"

	"github.com/popbox/popbox/ports"
)

// Ack marks the leased task succeeded. Running it again with the same
// lease succeeds, so a retried Ack is harmless.
func (b *Broker) Ack(ctx context.Context, lease ports.Lease) error {
	k := b.keys(lease.Task.Queue)
	now := b.now()
	ok, err := ackScript.Run(ctx, b.client,
		[]string{k.leases, k.done, k.tasks},
		lease.Task.ID, lease.Token, millis(now), millis(now.Add(-b.cfg.CompletedRetention)), b.cfg.BatchLimit,
	).Bool()
	return b.fenced("ack", lease, ok, err)
}

// Retry records p.Error and makes the task pending at p.RunAt: at once when
// that is not after now, otherwise through the scheduled set.
func (b *Broker) Retry(ctx context.Context, p ports.RetryParams) error {
	k := b.keys(p.Lease.Task.Queue)
	ok, err := retryScript.Run(ctx, b.client,
		[]string{k.leases, k.scheduled, k.pending, k.tasks, k.wake},
		p.Lease.Task.ID, p.Lease.Token, millis(p.RunAt), p.Error, millis(b.now()),
	).Bool()
	return b.fenced("retry", p.Lease, ok, err)
}

// Release puts the leased task back at the head of its queue and takes
// back the attempt the lease counted.
func (b *Broker) Release(ctx context.Context, lease ports.Lease) error {
	k := b.keys(lease.Task.Queue)
	ok, err := releaseScript.Run(ctx, b.client,
		[]string{k.leases, k.pending, k.tasks, k.wake},
		lease.Task.ID, lease.Token, millis(b.now()),
	).Bool()
	return b.fenced("release", lease, ok, err)
}

// fenced turns a fenced script's outcome into the port's error.
func (b *Broker) fenced(op string, lease ports.Lease, ok bool, err error) error {
	if err != nil {
		return interpretError(op, err)
	}
	if !ok {
		return leaseLost(op, lease.Task.ID)
	}
	return nil
}

// Extend renews the current leases among p.Leases: one script per queue,
// all sent in one round trip.
func (b *Broker) Extend(ctx context.Context, p ports.ExtendParams) ([]ports.Lease, error) {
	if len(p.Leases) == 0 {
		return nil, nil
	}
	if p.For <= 0 {
		return nil, invalid("for", "must be positive")
	}
	expires := b.now().Add(p.For)
	byQueue, order := groupByQueue(p.Leases)
	calls := make([]scriptCall, len(order))
	for i, queue := range order {
		k := b.keys(queue)
		args := []any{millis(expires)}
		for _, l := range byQueue[queue] {
			args = append(args, l.Task.ID, l.Token)
		}
		calls[i] = scriptCall{script: extendScript, keys: []string{k.leases, k.tasks}, args: args}
	}
	replies, err := b.runAll(ctx, calls)
	if err != nil {
		return nil, interpretError("extend", err)
	}
	var out []ports.Lease
	for i, queue := range order {
		renewed, err := replies[i].Int64Slice()
		if err != nil {
			return nil, interpretError("extend", err)
		}
		for _, n := range renewed {
			l := byQueue[queue][n-1]
			l.ExpiresAt = expires
			out = append(out, l)
		}
	}
	return out, nil
}

// groupByQueue splits leases by queue, keeping first-seen queue order.
func groupByQueue(leases []ports.Lease) (map[string][]ports.Lease, []string) {
	byQueue := map[string][]ports.Lease{}
	var order []string
	for _, l := range leases {
		q := l.Task.Queue
		if _, seen := byQueue[q]; !seen {
			order = append(order, q)
		}
		byQueue[q] = append(byQueue[q], l)
	}
	return byQueue, order
}
