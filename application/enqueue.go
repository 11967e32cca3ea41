package application

import (
	"encoding/json"
	"time"
)

// EnqueueRequest is what a client asks to run. Zero fields take defaults.
type EnqueueRequest struct {
	ID          string            // optional idempotency key; generated when empty
	Type        string            // required: a registered handler name
	Payload     json.RawMessage   // required: a JSON object
	Queue       string            // default domain.DefaultQueue
	MaxAttempts int               // default: the retry policy's
	Delay       time.Duration     // run no sooner than now+Delay
	Timeout     time.Duration     // per-attempt limit; 0: the worker's default
	Headers     map[string]string // metadata; trace context is added by tracing decorators
}
