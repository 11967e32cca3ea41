package redisbroker

import (
	"fmt"
	"strings"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Defaults for Config's zero fields.
const (
	DefaultPrefix             = "popbox"
	DefaultCompletedRetention = 24 * time.Hour
	DefaultBlockTimeout       = time.Second
	DefaultBatchLimit         = 1000
)

// clusterBlockSlice bounds one blocking wait in Cluster mode when a
// Dequeue serves several queues: BLPOP may not span slots there, so the
// broker waits on one queue's wake-up key at a time, in turn.
const clusterBlockSlice = 250 * time.Millisecond

// Config tunes a Broker. The zero value is usable: every zero field takes
// its default.
type Config struct {
	// Prefix starts every key, so several PopBox deployments (or test
	// runs) can share one Redis. It must not contain '{', '}' or spaces.
	// Default DefaultPrefix.
	Prefix string
	// Clock decides lease expiry, due dates and retention. Default
	// ports.SystemClock.
	Clock ports.Clock
	// CompletedRetention is how long a succeeded task stays readable by
	// id (GET /task/{id}) and still counts as a duplicate for Enqueue.
	// Default DefaultCompletedRetention.
	CompletedRetention time.Duration
	// BlockTimeout is the longest single blocking wait of Dequeue. go-redis
	// cannot interrupt a blocked read, so it bounds how long a cancelled
	// Dequeue takes to return; it must stay below the client's read
	// timeout. Default DefaultBlockTimeout.
	BlockTimeout time.Duration
	// BatchLimit is the most items one script moves in a call of Recover,
	// Expire, Purge or a retention sweep; larger jobs take several calls,
	// so no call blocks Redis for long. Default DefaultBatchLimit.
	BatchLimit int
}

func (c Config) withDefaults() Config {
	if c.Prefix == "" {
		c.Prefix = DefaultPrefix
	}
	if c.Clock == nil {
		c.Clock = ports.SystemClock
	}
	if c.CompletedRetention == 0 {
		c.CompletedRetention = DefaultCompletedRetention
	}
	if c.BlockTimeout == 0 {
		c.BlockTimeout = DefaultBlockTimeout
	}
	if c.BatchLimit == 0 {
		c.BatchLimit = DefaultBatchLimit
	}
	return c
}

// Validate reports the first unusable field as a *domain.ValidationError
// naming it ("redis.prefix", ...). Zero fields take defaults and are valid.
func (c Config) Validate() error {
	c = c.withDefaults()
	switch {
	case strings.ContainsAny(c.Prefix, "{} \t\r\n"):
		return invalid("redis.prefix", "must not contain '{', '}' or whitespace, got %q", c.Prefix)
	case c.CompletedRetention < 0:
		return invalid("redis.completed_retention", "must not be negative")
	case c.BlockTimeout < time.Millisecond:
		return invalid("redis.block_timeout", "must be at least 1ms")
	case c.BatchLimit < 1:
		return invalid("redis.batch_limit", "must be at least 1")
	}
	return nil
}

func invalid(field, format string, args ...any) error {
	return &domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
