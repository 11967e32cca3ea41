package domain

import "time"

// State is where a task is in its lifecycle.
type State string

// The task states. A task moves pending → active → succeeded, or
// active → scheduled → pending on a retry, or active → dead.
const (
	StatePending   State = "pending"   // in its queue, ready to run
	StateScheduled State = "scheduled" // waiting for a delay or a retry to fall due
	StateActive    State = "active"    // leased by a worker and running
	StateSucceeded State = "succeeded" // finished without error
	StateDead      State = "dead"      // in the dead letters
)

// TaskInfo is a task as seen from outside: its data, state and last change.
type TaskInfo struct {
	Task
	State     State
	UpdatedAt time.Time // when the state last changed
}
