package redisbroker

import (
	"context"

	"github.com/popbox/popbox/ports"
)

// Ack marks the leased task succeeded and returns once that is stored in
// Redis. Concurrent acks of one queue are coalesced: those that arrive
// while an ack script for the queue is in flight go out together in the
// next call (see coalescer). Running it again with the same lease
// succeeds, so a retried Ack is harmless.
func (b *Broker) Ack(ctx context.Context, lease ports.Lease) error {
	ok, err := b.acks.do(ctx, lease.Task.Queue, ackItem{id: lease.Task.ID, token: lease.Token})
	return b.fenced("ack", lease, ok, err)
}

// ackItem is one lease to ack.
type ackItem struct{ id, token string }

// ackBatch acks items of one queue in one script call and reports, per
// item, whether its lease was current.
func (b *Broker) ackBatch(ctx context.Context, queue string, items []ackItem) ([]bool, error) {
	k := b.keys(queue)
	now := b.now()
	args := make([]any, 0, 3+2*len(items))
	args = append(args, millis(now), millis(now.Add(-b.cfg.CompletedRetention)), b.cfg.BatchLimit)
	for _, it := range items {
		args = append(args, it.id, it.token)
	}
	flags, err := ackScript.Run(ctx, b.client, []string{k.leases, k.done, k.tasks}, args...).Int64Slice()
	if err != nil {
		return nil, err
	}
	out := make([]bool, len(flags))
	for i, f := range flags {
		out[i] = f == 1
	}
	return out, nil
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
	groups := groupByQueue(p.Leases)
	calls := make([]scriptCall, len(groups))
	for i, g := range groups {
		k := b.keys(g.queue)
		args := make([]any, 0, 1+2*len(g.leases))
		args = append(args, millis(expires))
		for _, l := range g.leases {
			args = append(args, l.Task.ID, l.Token)
		}
		calls[i] = scriptCall{script: extendScript, keys: []string{k.leases, k.tasks}, args: args}
	}
	replies, err := b.runAll(ctx, calls)
	if err != nil {
		return nil, interpretError("extend", err)
	}
	var out []ports.Lease
	for i, g := range groups {
		renewed, err := replies[i].Int64Slice()
		if err != nil {
			return nil, interpretError("extend", err)
		}
		for _, n := range renewed {
			l := g.leases[n-1]
			l.ExpiresAt = expires
			out = append(out, l)
		}
	}
	return out, nil
}

// leaseGroup is up to maxScriptBatch leases of one queue: one extend call.
type leaseGroup struct {
	queue  string
	leases []ports.Lease
}

// groupByQueue splits leases by queue, keeping first-seen queue order, and
// splits queues with more than maxScriptBatch leases into several groups.
func groupByQueue(leases []ports.Lease) []leaseGroup {
	byQueue := map[string][]ports.Lease{}
	var order []string
	for _, l := range leases {
		q := l.Task.Queue
		if _, seen := byQueue[q]; !seen {
			order = append(order, q)
		}
		byQueue[q] = append(byQueue[q], l)
	}
	var groups []leaseGroup
	for _, q := range order {
		for all := byQueue[q]; len(all) > 0; {
			n := min(len(all), maxScriptBatch)
			groups = append(groups, leaseGroup{queue: q, leases: all[:n]})
			all = all[n:]
		}
	}
	return groups
}
