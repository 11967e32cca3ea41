package redisbroker

import (
	"context"
	"errors"
	"fmt"

	"github.com/popbox/popbox/domain"
)

// interpretError is the one place where Redis and network errors become
// domain errors. Context errors pass through unchanged, so callers can tell
// their own cancellation from an outage. Everything else Redis or the
// network reports (connection refused or reset, timeouts, a closed pool,
// LOADING, READONLY, CLUSTERDOWN, an OOM refusal under maxmemory) means the
// broker did not do what was asked and wraps domain.ErrBrokerUnavailable,
// keeping the cause for logs. redis.Nil never reaches here: each read that
// can see it handles it where it has a meaning.
func interpretError(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("redis broker: %s: %w: %w", op, domain.ErrBrokerUnavailable, err)
}

// leaseLost reports an operation refused because the lease is not current.
func leaseLost(op, id string) error {
	return fmt.Errorf("redis broker: %s %s: %w", op, id, domain.ErrLeaseLost)
}
