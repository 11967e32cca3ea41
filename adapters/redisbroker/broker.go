package redisbroker

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/ports"
)

// Broker is PopBox's Redis broker: the queue, the dead letters and task
// status, shared by any number of API and worker processes. It is safe for
// concurrent use.
type Broker struct {
	client  redis.UniversalClient
	cfg     Config
	cluster bool

	// known maps the queues this process has added to the queue set to
	// when it did, so Enqueue pays the extra SADD about once per queue and
	// registerEvery, and a Redis that lost its data (no persistence) gets
	// its queue set back soon.
	known sync.Map

	// keyCache maps a queue name to its keys, so the hot path does not
	// build seven strings per call.
	keyCache sync.Map
	// tokenBase is random per Broker and claims counts its claims: a
	// claim's token prefix is both, unique across processes without a
	// call to crypto/rand per claim.
	tokenBase string
	claims    atomic.Uint64

	// acks coalesces concurrent Acks of a queue into one script call.
	acks coalescer[ackItem, bool]
	// enqueues coalesces concurrent Enqueues of a queue likewise.
	enqueues coalescer[enqueueItem, enqueueOutcome]
}

var _ ports.Broker = (*Broker)(nil)

// New returns a Broker on client, which it owns from now on (Close closes
// it). It fails when cfg is invalid or BlockTimeout does not fit inside the
// client's read timeout. It does not contact Redis; see Ping and
// CheckServer.
func New(client redis.UniversalClient, cfg Config) (*Broker, error) {
	if client == nil {
		return nil, fmt.Errorf("redis broker: client is nil")
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	_, cluster := client.(*redis.ClusterClient)
	if rt := readTimeout(client); rt > 0 && rt <= cfg.BlockTimeout {
		return nil, invalid("redis.block_timeout", "must be below the client's read timeout (%s)", rt)
	}
	b := &Broker{client: client, cfg: cfg, cluster: cluster, tokenBase: rand.Text()}
	b.acks.flushFunc = b.ackBatch
	b.enqueues.flushFunc = b.enqueueBatch
	b.enqueues.maxItems = maxEnqueueBatch
	b.enqueues.sizeFunc = func(it enqueueItem) int { return len(it.data) }
	return b, nil
}

// readTimeout is the client's read timeout, or 0 when unknown or disabled.
func readTimeout(c redis.UniversalClient) time.Duration {
	switch c := c.(type) {
	case *redis.Client:
		return c.Options().ReadTimeout
	case *redis.ClusterClient:
		return c.Options().ReadTimeout
	}
	return 0
}

// Ping reports whether Redis answers, for readiness probes. A failure wraps
// domain.ErrBrokerUnavailable.
func (b *Broker) Ping(ctx context.Context) error {
	return interpretError("ping", b.client.Ping(ctx).Err())
}

// Close closes the client. Calls in flight fail with
// domain.ErrBrokerUnavailable.
func (b *Broker) Close() error { return b.client.Close() }

func (b *Broker) now() time.Time { return b.cfg.Clock.Now() }

func (b *Broker) keys(queue string) keys {
	if k, ok := b.keyCache.Load(queue); ok {
		return k.(keys)
	}
	k := queueKeys(b.cfg.Prefix, queue)
	b.keyCache.Store(queue, k)
	return k
}

// tokenPrefix returns a prefix no other claim of any process uses.
func (b *Broker) tokenPrefix() string {
	return b.tokenBase + "." + strconv.FormatUint(b.claims.Add(1), 36)
}

// register adds queue to the queue set before its first task is stored,
// so a task is never stored in a queue that Queues, Task or List cannot
// find.
func (b *Broker) register(ctx context.Context, queue string) error {
	now := b.now()
	if at, ok := b.known.Load(queue); ok && now.Sub(at.(time.Time)) < registerEvery {
		return nil
	}
	if err := b.client.SAdd(ctx, queuesKey(b.cfg.Prefix), queue).Err(); err != nil {
		return interpretError("register queue", err)
	}
	b.known.Store(queue, now)
	return nil
}

// registerEvery is how long Enqueue trusts its memory that a queue is in
// the queue set.
const registerEvery = time.Minute

// knownQueues returns every queue in the queue set, sorted.
func (b *Broker) knownQueues(ctx context.Context) ([]string, error) {
	queues, err := b.client.SMembers(ctx, queuesKey(b.cfg.Prefix)).Result()
	if err != nil {
		return nil, interpretError("list queues", err)
	}
	slices.Sort(queues)
	return queues, nil
}
