package domain

import (
	"bytes"
	"encoding/json"
	"strings"
	"time"
)

// DefaultQueue is the queue a task joins when it names none.
const DefaultQueue = "default"

// Limits bound what a task may carry. The zero value is not valid; start
// from DefaultLimits.
type Limits struct {
	MaxPayloadBytes int // largest accepted payload, in bytes
	MaxHeaders      int // most headers a task may carry
	MaxHeaderBytes  int // largest key+value of one header, in bytes
}

// DefaultLimits are the limits PopBox applies unless configured otherwise.
var DefaultLimits = Limits{MaxPayloadBytes: 1 << 20, MaxHeaders: 32, MaxHeaderBytes: 4096}

// validName reports whether s is 1 to maxLen bytes of letters, digits and
// the punctuation in extra, starting with a letter or digit. It is the
// rule of names and ids; a loop rather than a regexp, as it runs on every
// enqueue.
func validName(s string, maxLen int, extra string) bool {
	if len(s) == 0 || len(s) > maxLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		alnum := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
		if !alnum && (i == 0 || strings.IndexByte(extra, c) < 0) {
			return false
		}
	}
	return true
}

func isName(s string) bool { return validName(s, 64, "_.-") }

// Task is one unit of work. A Task that passed Validate is safe to hand to
// any broker: its names are bounded and free of separators brokers use.
type Task struct {
	ID          string            // unique within its queue; also the idempotency key
	Type        string            // handler name, e.g. "send_email"
	Payload     json.RawMessage   // a JSON object
	Queue       string            // queue name
	Attempt     int               // attempts started so far (a lease counts as one)
	MaxAttempts int               // attempts allowed before the task is dead-lettered
	Timeout     time.Duration     // per-attempt limit; 0 means the worker's default
	CreatedAt   time.Time         // when it was first enqueued
	RunAt       time.Time         // not before this time (a delay or a retry)
	LastError   string            // the error of the latest failed attempt
	Headers     map[string]string // trace context and caller metadata
}

// ValidateQueueName reports whether name can be used as a queue name.
func ValidateQueueName(name string) error {
	if !isName(name) {
		return invalid("queue", "must be 1-64 characters of letters, digits, '_', '.', '-', starting with a letter or digit")
	}
	return nil
}

// ValidateID reports whether id can be used as a task id.
func ValidateID(id string) error {
	if !validName(id, 128, "_.:-") {
		return invalid("id", "must be 1-128 characters of letters, digits, '_', '.', ':', '-', starting with a letter or digit")
	}
	return nil
}

// ValidateTaskType reports whether name can be used as a task type, that is
// as the name a handler registers under.
func ValidateTaskType(name string) error {
	if !isName(name) {
		return invalid("type", "must be 1-64 characters of letters, digits, '_', '.', '-', starting with a letter or digit")
	}
	return nil
}

// Validate checks every rule a task must satisfy before it is stored.
func (t Task) Validate(l Limits) error {
	if err := ValidateID(t.ID); err != nil {
		return err
	}
	if err := ValidateTaskType(t.Type); err != nil {
		return err
	}
	if err := ValidateQueueName(t.Queue); err != nil {
		return err
	}
	if err := validatePayload(t.Payload, l.MaxPayloadBytes); err != nil {
		return err
	}
	if t.MaxAttempts < 1 {
		return invalid("max_attempts", "must be at least 1")
	}
	if t.Attempt < 0 {
		return invalid("attempt", "must not be negative")
	}
	if t.Timeout < 0 {
		return invalid("timeout", "must not be negative")
	}
	return validateHeaders(t.Headers, l)
}

func validatePayload(p json.RawMessage, maxBytes int) error {
	if len(p) > maxBytes {
		return &ValidationError{Field: "payload", Reason: "exceeds the size limit", Err: ErrPayloadTooLarge}
	}
	trimmed := bytes.TrimSpace(p)
	if len(trimmed) == 0 || trimmed[0] != '{' || !json.Valid(trimmed) {
		return invalid("payload", "must be a JSON object")
	}
	return nil
}

func validateHeaders(h map[string]string, l Limits) error {
	if len(h) > l.MaxHeaders {
		return invalid("headers", "at most %d headers are allowed", l.MaxHeaders)
	}
	for k, v := range h {
		if k == "" || len(k)+len(v) > l.MaxHeaderBytes {
			return invalid("headers", "keys must be non-empty and each header at most %d bytes", l.MaxHeaderBytes)
		}
	}
	return nil
}

// AttemptsLeft reports whether another attempt is allowed after the current
// one fails.
func (t Task) AttemptsLeft() bool { return t.Attempt < t.MaxAttempts }
