package domain

import "time"

// DeadLetter is a task that will not run again unless an operator requeues
// it, with the reason it was given up and when.
type DeadLetter struct {
	Task     Task
	Reason   string
	FailedAt time.Time
}

// Reasons recorded when PopBox itself, not a handler, gives a task up.
const (
	ReasonUnknownType  = "unknown task type"
	ReasonLeaseExpired = "lease expired on the last attempt (worker lost)"
)
