package redisbroker

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/ports"
)

// ServerClock is a ports.Clock that follows the Redis server's clock: it
// measures the offset between the local clock and Redis TIME, and Now is
// the local time plus that offset. Scripts take "now" from the caller, so
// giving every process this clock makes lease expiry, due retries and
// retention agree across hosts whose own clocks drift apart (a worker whose
// clock ran ahead would otherwise take live leases back early).
type ServerClock struct {
	client redis.UniversalClient
	local  ports.Clock
	offset atomic.Int64 // nanoseconds to add to the local clock
}

// NewServerClock returns a clock that starts equal to local (nil: the
// system clock) until the first Sync.
func NewServerClock(client redis.UniversalClient, local ports.Clock) *ServerClock {
	if local == nil {
		local = ports.SystemClock
	}
	return &ServerClock{client: client, local: local}
}

// Now is the local time corrected by the last measured offset.
func (c *ServerClock) Now() time.Time {
	return c.local.Now().Add(time.Duration(c.offset.Load()))
}

// Offset is the last measured server-minus-local difference.
func (c *ServerClock) Offset() time.Duration { return time.Duration(c.offset.Load()) }

// Sync measures the offset once: Redis TIME against the midpoint of the
// round trip. On error the previous offset stays.
func (c *ServerClock) Sync(ctx context.Context) error {
	before := c.local.Now()
	server, err := c.client.Time(ctx).Result()
	if err != nil {
		return interpretError("time", err)
	}
	after := c.local.Now()
	mid := before.Add(after.Sub(before) / 2)
	c.offset.Store(int64(server.Sub(mid)))
	return nil
}

// Run syncs every period until ctx ends.
func (c *ServerClock) Run(ctx context.Context, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			_ = c.Sync(ctx) // an outage keeps the last offset; the next tick retries
		}
	}
}
