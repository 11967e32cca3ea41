package redisbroker

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Dequeue leases up to p.Max tasks, earliest queue first. It claims first
// and waits only when the claim came back empty, so no wake-up can be
// missed: an Enqueue between the two leaves a token the wait returns on.
// Each wait lasts at most BlockTimeout (or the ctx deadline), which bounds
// how long a cancelled call takes to notice.
func (b *Broker) Dequeue(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	if err := validateDequeue(p); err != nil {
		return nil, err
	}
	for round := 0; ; round++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		leases, err := b.claim(ctx, p)
		if err != nil || len(leases) > 0 {
			return leases, err
		}
		woke, err := b.wait(ctx, p.Queues, round)
		if err != nil {
			return nil, err
		}
		if woke != "" && ctx.Err() != nil {
			// The token was meant for a waiter that will claim; pass it on.
			b.rewake(ctx, woke)
		}
	}
}

func validateDequeue(p ports.DequeueParams) error {
	if len(p.Queues) == 0 {
		return invalid("queues", "must name at least one queue")
	}
	for _, q := range p.Queues {
		if err := domain.ValidateQueueName(q); err != nil {
			return err
		}
	}
	if p.Max < 1 {
		return invalid("max", "must be at least 1")
	}
	if p.LeaseFor <= 0 {
		return invalid("lease_for", "must be positive")
	}
	return nil
}

// claim leases from each queue in order until p.Max tasks are leased or
// every queue was tried: one script per queue (several when p.Max exceeds
// maxScriptBatch), as queues live in different slots. A queue is drained
// before the next is touched, whatever p.Max. A lease whose task cannot be
// decoded is skipped and reported with the others, which are returned.
func (b *Broker) claim(ctx context.Context, p ports.DequeueParams) ([]ports.Lease, error) {
	now := b.now()
	expires := now.Add(p.LeaseFor)
	prefix := b.tokenPrefix()
	var out []ports.Lease
	for call := 0; len(out) < p.Max; call++ {
		queue := p.Queues[0]
		want := min(p.Max-len(out), maxScriptBatch)
		k := b.keys(queue)
		reply, err := claimScript.Run(ctx, b.client,
			[]string{k.pending, k.leases, k.tasks, k.wake},
			want, millis(expires), millis(now), prefix+"."+strconv.Itoa(call)+"."+queue,
		).Slice()
		if err != nil {
			// Leases already taken stay valid; the caller gets them now
			// and the error with its next call.
			if len(out) > 0 {
				return out, nil
			}
			return nil, interpretError("dequeue", err)
		}
		out, err = appendLeases(out, queue, reply, expires)
		if err != nil {
			// Hand out what decoded now rather than lease past bad data.
			return out, err
		}
		if len(reply) < want {
			// The queue ran dry (or held only strays): on to the next.
			if p.Queues = p.Queues[1:]; len(p.Queues) == 0 {
				break
			}
		}
	}
	return out, nil
}

// appendLeases decodes a claim's reply onto out: every lease it can, and
// the first error of those it cannot.
func appendLeases(out []ports.Lease, queue string, reply []any, expires time.Time) ([]ports.Lease, error) {
	var first error
	for _, entry := range reply {
		lease, err := decodeLease(queue, entry, expires)
		if err != nil {
			first = cmp.Or(first, err)
			continue
		}
		out = append(out, lease)
	}
	return out, first
}

func decodeLease(queue string, entry any, expires time.Time) (ports.Lease, error) {
	vals, ok := entry.([]any)
	if !ok || len(vals) < 2 {
		return ports.Lease{}, fmt.Errorf("redis broker: malformed claim reply %v", entry)
	}
	id, _ := vals[0].(string)
	rec, found, err := decodeRecord(queue, id, vals[1:])
	if err != nil {
		return ports.Lease{}, err
	}
	if !found {
		return ports.Lease{}, fmt.Errorf("redis broker: claimed task %s has no data", id)
	}
	return ports.Lease{Task: rec.task, Token: rec.token, ExpiresAt: expires}, nil
}

// wait blocks until a wake-up token arrives on one of the queues' wake
// keys, the block time passes or ctx's deadline comes, and returns the key
// whose token it took ("" for none). On a single server one BLPOP watches
// every queue. In Cluster mode BLPOP cannot span slots, so with several
// queues it watches one queue per round, in turn, for a short slice.
func (b *Broker) wait(ctx context.Context, queues []string, round int) (string, error) {
	block := b.cfg.BlockTimeout
	watch := make([]string, 0, len(queues))
	if b.cluster && len(queues) > 1 {
		block = min(block, clusterBlockSlice)
		watch = append(watch, b.keys(queues[round%len(queues)]).wake)
	} else {
		for _, q := range queues {
			watch = append(watch, b.keys(q).wake)
		}
	}
	if deadline, ok := ctx.Deadline(); ok {
		block = min(block, time.Until(deadline))
	}
	if block <= 0 {
		<-ctx.Done()
		return "", ctx.Err()
	}
	args := make([]any, 0, len(watch)+2)
	args = append(args, "blpop")
	for _, key := range watch {
		args = append(args, key)
	}
	// BLPOP takes fractional seconds; a zero would block forever.
	args = append(args, strconv.FormatFloat(max(block.Seconds(), 0.001), 'f', 3, 64))
	reply, err := b.client.Do(ctx, args...).StringSlice()
	switch {
	case errors.Is(err, redis.Nil):
		return "", nil
	case err != nil:
		return "", interpretError("dequeue wait", err)
	case len(reply) == 0:
		return "", nil
	}
	return reply[0], nil
}

// rewake puts back a wake-up token this call took but will not act on.
// It is best effort: a lost token delays another waiter by at most its
// BlockTimeout.
func (b *Broker) rewake(ctx context.Context, key string) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.cfg.BlockTimeout)
	defer cancel()
	_, _ = b.client.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.LPush(ctx, key, "1")
		p.LTrim(ctx, key, 0, 0)
		return nil
	})
}
