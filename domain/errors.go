package domain

import (
	"errors"
	"fmt"
)

// Sentinel errors shared by every layer and every broker adapter. Callers
// match them with errors.Is; adapters wrap them with context using %w.
var (
	// ErrInvalid is wrapped by every ValidationError.
	ErrInvalid = errors.New("invalid")
	// ErrTaskNotFound means no task with the given id is known.
	ErrTaskNotFound = errors.New("task not found")
	// ErrDeadLetterNotFound means no dead letter with the given id exists.
	ErrDeadLetterNotFound = errors.New("dead letter not found")
	// ErrUnknownTaskType means no handler is registered for the task's type.
	ErrUnknownTaskType = errors.New("unknown task type")
	// ErrPayloadTooLarge means the task payload exceeds the configured limit.
	ErrPayloadTooLarge = errors.New("payload too large")
	// ErrIdempotencyConflict means a task id (idempotency key) was reused
	// for a different task: another type, queue or payload.
	ErrIdempotencyConflict = errors.New("idempotency key reused for a different task")
	// ErrLeaseLost means the caller no longer holds the lease it presented:
	// it expired and the task was given back, or another worker holds it now.
	// The broker refuses the operation so the task's newer state survives.
	ErrLeaseLost = errors.New("lease lost")
	// ErrBrokerUnavailable means the broker could not be reached or refused
	// the write (for example Redis is down or out of memory). Nothing was
	// stored; the caller may try again.
	ErrBrokerUnavailable = errors.New("broker unavailable")
	// ErrSkipRetry is returned (wrapped) by a handler to declare a permanent
	// failure: the task goes straight to the dead letters, whatever attempts
	// remain.
	ErrSkipRetry = errors.New("permanent failure, not retried")
)

// ValidationError reports a rejected field. It wraps ErrInvalid, or
// ErrPayloadTooLarge / ErrUnknownTaskType when that is the reason.
type ValidationError struct {
	Field  string // the offending field, as a client names it (e.g. "queue")
	Reason string // what is wrong, for humans
	Err    error  // the sentinel it wraps; ErrInvalid when nil
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.Reason)
}

// Unwrap lets errors.Is match the sentinel.
func (e *ValidationError) Unwrap() error {
	if e.Err == nil {
		return ErrInvalid
	}
	return e.Err
}

func invalid(field, format string, args ...any) error {
	return &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// Permanent marks err as a failure that must not be retried. It is the
// handler-side spelling of wrapping ErrSkipRetry.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", err, ErrSkipRetry)
}

// IsPermanent reports whether err declares a permanent failure.
func IsPermanent(err error) bool { return errors.Is(err, ErrSkipRetry) }
