package memory

import (
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// DefaultCompletedRetention is how long a succeeded task stays visible to
// status queries unless configured otherwise.
const DefaultCompletedRetention = 24 * time.Hour

// Config configures a Broker. The zero value is valid and takes every default.
type Config struct {
	// Clock decides lease expiry, due dates and retention.
	// Default: ports.SystemClock.
	Clock ports.Clock
	// CompletedRetention is how long a succeeded task is remembered for
	// status queries and duplicate detection; zero means
	// DefaultCompletedRetention.
	CompletedRetention time.Duration
}

// WithDefaults returns c with every zero field set to its default.
func (c Config) WithDefaults() Config {
	if c.Clock == nil {
		c.Clock = ports.SystemClock
	}
	if c.CompletedRetention == 0 {
		c.CompletedRetention = DefaultCompletedRetention
	}
	return c
}

// Validate reports the first unusable field as a *domain.ValidationError.
func (c Config) Validate() error {
	if c.CompletedRetention < 0 {
		return &domain.ValidationError{Field: "memory.completed_retention", Reason: "must not be negative"}
	}
	return nil
}
