package memory

import (
	"container/list"
	"maps"
	"time"

	"github.com/popbox/popbox/domain"
)

// entry is one remembered task and where it currently sits.
type entry struct {
	task      domain.Task
	state     domain.State
	updatedAt time.Time

	// token is the current lease's fencing token. Retry, Release and
	// Recover clear it; Ack keeps it so the same lease may ack twice.
	token     string
	expiresAt time.Time // lease expiry while active

	elem  *list.Element // position in its queue's pending list, or in the succeeded list
	index int           // position in its queue's scheduled or leased heap

	reason   string    // dead-letter reason while dead
	failedAt time.Time // when it was dead-lettered
	deadSeq  uint64    // orders dead letters that failed at the same instant
}

// cloneTask copies the parts of a task a caller could mutate, so no slice or
// map is shared across the broker's lock.
func cloneTask(t domain.Task) domain.Task {
	if t.Payload != nil {
		t.Payload = append([]byte(nil), t.Payload...)
	}
	if t.Headers != nil {
		t.Headers = maps.Clone(t.Headers)
	}
	return t
}

// deadLetter is the entry as a dead letter.
func (e *entry) deadLetter() domain.DeadLetter {
	return domain.DeadLetter{Task: cloneTask(e.task), Reason: e.reason, FailedAt: e.failedAt}
}

// diedBefore orders dead letters by failure time, then by arrival.
func (e *entry) diedBefore(o *entry) bool {
	if !e.failedAt.Equal(o.failedAt) {
		return e.failedAt.Before(o.failedAt)
	}
	return e.deadSeq < o.deadSeq
}
