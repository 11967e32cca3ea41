package ports

import (
	"context"
	"time"

	"github.com/popbox/popbox/domain"
)

// Lease is a worker's exclusive, time-limited claim on a task. Token is a
// fencing token: the broker accepts Ack, Retry, Extend, Release and
// dead-lettering only from the holder of the current token, so a worker whose
// lease expired cannot overwrite what happened to the task after it.
type Lease struct {
	Task      domain.Task // the task, with Attempt already counting this lease
	Token     string      // opaque; unique per lease
	ExpiresAt time.Time   // the broker gives the task back after this
}

// EnqueueResult tells whether Enqueue stored a new task.
type EnqueueResult struct {
	Task      domain.Task // the stored task: the new one, or the first with this id
	Duplicate bool        // true when a task with the same id already existed
}

// DequeueParams says what a worker wants to lease.
type DequeueParams struct {
	Queues   []string      // looked at in this order: earlier queues win
	Max      int           // lease at most this many tasks (at least 1)
	LeaseFor time.Duration // lease length; the task returns to its queue after it
}

// RetryParams schedules a leased task to run again.
type RetryParams struct {
	Lease Lease
	RunAt time.Time // the task becomes pending at this time
	Error string    // recorded as the task's LastError
}

// DeadLetterParams moves a leased task into the dead letters.
type DeadLetterParams struct {
	Lease  Lease
	Reason string
}

// ExtendParams renews leases while their handlers run.
type ExtendParams struct {
	Leases []Lease
	For    time.Duration // each lease then expires For after now
}

// RecoverResult counts what Recover did.
type RecoverResult struct {
	Promoted     int // scheduled tasks that fell due and became pending
	Requeued     int // tasks whose lease expired, given back to their queue
	DeadLettered int // tasks whose lease expired on their last attempt
}

// QueueStats is a snapshot of one queue.
type QueueStats struct {
	Queue     string
	Pending   int64 // ready to run
	Scheduled int64 // waiting for a delay or retry
	Active    int64 // leased
	Dead      int64 // in the dead letters
}

// QueuePort is the broker seen by producers and workers. Implementations are
// safe for concurrent use by many goroutines (and, for shared brokers, many
// processes). Every method takes ctx first and returns promptly when it is
// cancelled. Broker outages surface as errors wrapping
// domain.ErrBrokerUnavailable; an error means the operation may not have
// happened, never that it half-happened.
type QueuePort interface {
	// Enqueue stores a validated task. A task whose RunAt is after the
	// broker clock's now is scheduled; otherwise it is pending at the tail of
	// its queue. If a task with the same ID already exists in that queue
	// (in any state still remembered), nothing is stored and the existing
	// task is returned with Duplicate set, so retried enqueues are safe.
	Enqueue(ctx context.Context, task domain.Task) (EnqueueResult, error)

	// Dequeue leases up to p.Max pending tasks, taking from the earliest
	// queue in p.Queues that has any, in FIFO order within a queue. It
	// blocks until at least one task is leased or ctx ends (then it returns
	// ctx.Err() and leases nothing). Each leased task's Attempt is one more
	// than before. Two concurrent calls never lease the same task.
	Dequeue(ctx context.Context, p DequeueParams) ([]Lease, error)

	// Ack marks a leased task succeeded and removes it from its queue. It
	// returns domain.ErrLeaseLost if lease is no longer current. Acking the
	// same lease twice succeeds.
	Ack(ctx context.Context, lease Lease) error

	// Retry records p.Error and schedules the task for p.RunAt. It returns
	// domain.ErrLeaseLost if the lease is no longer current.
	Retry(ctx context.Context, p RetryParams) error

	// Release gives a leased task back to the head of its queue without
	// counting the attempt, for a worker shutting down before it ran. It
	// returns domain.ErrLeaseLost if the lease is no longer current.
	Release(ctx context.Context, lease Lease) error

	// Extend renews the current leases among p.Leases and returns them with
	// their new expiry. Leases missing from the result were lost.
	Extend(ctx context.Context, p ExtendParams) ([]Lease, error)

	// Recover promotes scheduled tasks that are due and gives back tasks
	// whose lease expired (counting the attempt: a task leased on its last
	// attempt goes to the dead letters with domain.ReasonLeaseExpired).
	// Workers call it periodically; it is safe to run from many at once.
	Recover(ctx context.Context, queues []string) (RecoverResult, error)

	// Stats returns the counts of one queue. It costs O(1) broker work.
	Stats(ctx context.Context, queue string) (QueueStats, error)

	// Queues lists every queue that has ever received a task, sorted.
	Queues(ctx context.Context) ([]string, error)
}
