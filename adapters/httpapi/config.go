package httpapi

import (
	"fmt"
	"time"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
)

// Defaults of Config.
const (
	// DefaultMaxBodyBytes admits the largest default payload
	// (domain.DefaultLimits) plus room for the request's other fields.
	DefaultMaxBodyBytes int64 = 1<<20 + 64<<10
	DefaultRetryAfter         = 2 * time.Second
	DefaultReadyTimeout       = 2 * time.Second
	// DefaultPageSize is the limit of GET /dead-letters when none is given.
	DefaultPageSize = application.DefaultDeadLetterLimit
	// DefaultMaxPageSize is the largest limit accepted unless configured.
	DefaultMaxPageSize = application.MaxDeadLetterLimit
)

// Config tunes the HTTP API. Zero fields take their defaults.
type Config struct {
	// MaxBodyBytes bounds a request body; larger bodies get 413.
	// Default DefaultMaxBodyBytes.
	MaxBodyBytes int64
	// RetryAfter is sent with every 503. Default DefaultRetryAfter.
	RetryAfter time.Duration
	// ReadyTimeout bounds the readiness check of GET /readyz.
	// Default DefaultReadyTimeout.
	ReadyTimeout time.Duration
	// MaxPageSize is the largest limit GET /dead-letters accepts.
	// Default DefaultMaxPageSize.
	MaxPageSize int
	// ExposePayload adds task payloads to GET /task/{id} and
	// GET /dead-letters/{id}. Off by default: payloads may hold personal
	// data. Headers are never shown.
	ExposePayload bool
}

func (c Config) withDefaults() Config {
	if c.MaxBodyBytes == 0 {
		c.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if c.RetryAfter == 0 {
		c.RetryAfter = DefaultRetryAfter
	}
	if c.ReadyTimeout == 0 {
		c.ReadyTimeout = DefaultReadyTimeout
	}
	if c.MaxPageSize == 0 {
		c.MaxPageSize = DefaultMaxPageSize
	}
	return c
}

// Validate reports the first unusable setting as a *domain.ValidationError
// naming it (e.g. "http.max_body_bytes"). Zero values are valid: they take
// the defaults.
func (c Config) Validate() error {
	switch {
	case c.MaxBodyBytes < 0:
		return invalidSetting("http.max_body_bytes", "must not be negative")
	case c.RetryAfter < 0:
		return invalidSetting("http.retry_after", "must not be negative")
	case c.ReadyTimeout < 0:
		return invalidSetting("http.ready_timeout", "must not be negative")
	case c.MaxPageSize < 0 || c.MaxPageSize > application.MaxDeadLetterLimit:
		return invalidSetting("http.max_page_size", "must be from 0 (the default) to %d", application.MaxDeadLetterLimit)
	}
	return nil
}

func invalidSetting(field, format string, args ...any) error {
	return &domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
