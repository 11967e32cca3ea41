package domain

import (
	"fmt"
	"math"
	"time"
)

// Backoff names the shape of the delays between attempts.
type Backoff string

// The backoff shapes.
const (
	BackoffConstant    Backoff = "constant"    // every delay is Base
	BackoffExponential Backoff = "exponential" // Base, 2×Base, 4×Base, … capped at MaxDelay
	BackoffJitter      Backoff = "jitter"      // exponential, then a uniform draw in [d/2, d)
)

// RetryPolicy decides how often and how late a failed task runs again.
type RetryPolicy struct {
	Backoff     Backoff
	Base        time.Duration // first delay
	MaxDelay    time.Duration // no delay exceeds this
	MaxAttempts int           // attempts in all, the first included
}

// DefaultRetryPolicy is used unless configured otherwise.
var DefaultRetryPolicy = RetryPolicy{Backoff: BackoffJitter, Base: time.Second, MaxDelay: 5 * time.Minute, MaxAttempts: 5}

// Validate reports the first field that makes the policy unusable.
func (p RetryPolicy) Validate() error {
	switch p.Backoff {
	case BackoffConstant, BackoffExponential, BackoffJitter:
	default:
		return invalid("retry.backoff", "must be constant, exponential or jitter, not %q", p.Backoff)
	}
	if p.Base <= 0 {
		return invalid("retry.base", "must be positive")
	}
	if p.MaxDelay < p.Base {
		return invalid("retry.max_delay", "must be at least retry.base (%s)", p.Base)
	}
	if p.MaxAttempts < 1 {
		return invalid("retry.max_attempts", "must be at least 1")
	}
	return nil
}

// NextDelay returns the delay after the given failed attempt (1 for the
// first). r is a uniform draw in [0, 1) and matters only for jitter; passing
// it in keeps the function pure.
func (p RetryPolicy) NextDelay(attempt int, r float64) time.Duration {
	if attempt < 1 {
		attempt = 1
	}
	d := p.Base
	if p.Backoff != BackoffConstant {
		// Multiply in float64 so large attempt numbers saturate instead of
		// overflowing.
		f := float64(p.Base) * math.Pow(2, float64(attempt-1))
		d = p.MaxDelay
		if f < float64(p.MaxDelay) {
			d = time.Duration(f)
		}
	}
	d = min(d, p.MaxDelay)
	if p.Backoff == BackoffJitter {
		r = min(max(r, 0), 1)
		d = d/2 + time.Duration(r*float64(d/2))
	}
	return d
}

// NextRunAt is when the task runs again after the given failed attempt.
func (p RetryPolicy) NextRunAt(now time.Time, attempt int, r float64) time.Time {
	return now.Add(p.NextDelay(attempt, r))
}

// String describes the policy for logs.
func (p RetryPolicy) String() string {
	return fmt.Sprintf("%s base=%s max_delay=%s max_attempts=%d", p.Backoff, p.Base, p.MaxDelay, p.MaxAttempts)
}
