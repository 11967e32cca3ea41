package application

import (
	"slices"
	"time"

	"github.com/popbox/popbox/domain"
)

// The queue-ordering strategies a worker can use.
const (
	// StrategyStrict looks at the queues in the configured order on every
	// fetch: an earlier queue always wins.
	StrategyStrict = "strict"
	// StrategyWeighted draws a fresh order on every fetch, each queue coming
	// first with a probability proportional to its weight, so busy
	// high-priority queues cannot starve the others.
	StrategyWeighted = "weighted"
)

// WorkerConfig tunes a Worker. Start from DefaultWorkerConfig.
type WorkerConfig struct {
	Queues         []string           // queues to take tasks from; default ["default"]
	Strategy       string             // StrategyStrict (default) or StrategyWeighted
	Weights        map[string]int     // per-queue weight for StrategyWeighted; missing queues weigh 1
	Concurrency    int                // handlers running at once; default 10
	BatchSize      int                // most tasks leased per Dequeue; default 5
	LeaseFor       time.Duration      // lease length, renewed while a handler runs; default 15s
	HeartbeatEvery time.Duration      // lease renewal period; default (and when zero) LeaseFor/3
	RecoverEvery   time.Duration      // period of the broker's Recover pass; default 1s
	DefaultTimeout time.Duration      // per-attempt limit of tasks without one; default 30s
	ShutdownGrace  time.Duration      // how long Stop lets running handlers finish; default 10s
	BrokerBackoff  time.Duration      // first pause after a broker error, doubled up to 16x; default 1s
	Retry          domain.RetryPolicy // delays between attempts; its MaxAttempts is unused (tasks carry theirs)
}

// DefaultWorkerConfig returns the configuration PopBox uses unless told
// otherwise.
func DefaultWorkerConfig() WorkerConfig {
	const leaseFor = 15 * time.Second
	return WorkerConfig{
		Queues:         []string{domain.DefaultQueue},
		Strategy:       StrategyStrict,
		Concurrency:    10,
		BatchSize:      5,
		LeaseFor:       leaseFor,
		HeartbeatEvery: leaseFor / 3,
		RecoverEvery:   time.Second,
		DefaultTimeout: 30 * time.Second,
		ShutdownGrace:  10 * time.Second,
		BrokerBackoff:  time.Second,
		Retry:          domain.DefaultRetryPolicy,
	}
}

func (c WorkerConfig) withDefaults() WorkerConfig {
	if c.HeartbeatEvery == 0 {
		c.HeartbeatEvery = c.LeaseFor / 3
	}
	return c
}

// Validate reports the first field that makes the configuration unusable.
// A zero HeartbeatEvery is read as LeaseFor/3.
func (c WorkerConfig) Validate() error {
	c = c.withDefaults()
	if err := c.validateQueues(); err != nil {
		return err
	}
	switch {
	case c.Concurrency < 1:
		return invalidField("concurrency", "must be at least 1")
	case c.BatchSize < 1:
		return invalidField("batch_size", "must be at least 1")
	case c.LeaseFor <= 0:
		return invalidField("lease_for", "must be positive")
	case c.HeartbeatEvery <= 0 || c.HeartbeatEvery >= c.LeaseFor:
		return invalidField("heartbeat_every", "must be positive and shorter than lease_for (%s)", c.LeaseFor)
	case c.RecoverEvery <= 0:
		return invalidField("recover_every", "must be positive")
	case c.DefaultTimeout <= 0:
		return invalidField("default_timeout", "must be positive")
	case c.ShutdownGrace < 0:
		return invalidField("shutdown_grace", "must not be negative")
	case c.BrokerBackoff <= 0:
		return invalidField("broker_backoff", "must be positive")
	}
	return c.Retry.Validate()
}

func (c WorkerConfig) validateQueues() error {
	if len(c.Queues) == 0 {
		return invalidField("queues", "must name at least one queue")
	}
	for i, q := range c.Queues {
		if domain.ValidateQueueName(q) != nil {
			return invalidField("queues", "%q is not a valid queue name", q)
		}
		if slices.Contains(c.Queues[:i], q) {
			return invalidField("queues", "%q is listed twice", q)
		}
	}
	switch c.Strategy {
	case StrategyStrict, StrategyWeighted:
	default:
		return invalidField("strategy", "must be %q or %q, not %q", StrategyStrict, StrategyWeighted, c.Strategy)
	}
	for q, w := range c.Weights {
		if !slices.Contains(c.Queues, q) {
			return invalidField("weights", "queue %q is not in queues", q)
		}
		if w < 1 {
			return invalidField("weights", "weight of %q must be at least 1", q)
		}
	}
	return nil
}
