package ports

import (
	"context"
	"time"

	"github.com/popbox/popbox/domain"
)

// ListDeadLettersParams selects a page of dead letters, newest first.
type ListDeadLettersParams struct {
	Queue  string // "" means every queue
	Offset int
	Limit  int // at least 1
}

// DeadLetterPage is one page of dead letters and the total matching.
type DeadLetterPage struct {
	Items []domain.DeadLetter
	Total int64
}

// ExpireParams bounds the dead letters of one queue.
type ExpireParams struct {
	Queue     string
	OlderThan time.Time // dead letters that failed before this are removed; zero: no age limit
	MaxSize   int       // keep at most this many, newest first; 0: no size limit
}

// ExpireResult counts what Expire removed.
type ExpireResult struct {
	Expired int64 // removed for age
	Trimmed int64 // removed for size
}

// DeadLetterPort is the broker's dead-letter queue. Implementations are safe
// for concurrent use; ids are task ids; methods that name an id that is not
// dead return domain.ErrDeadLetterNotFound.
type DeadLetterPort interface {
	// Add atomically moves a leased task into the dead letters with the
	// reason and the broker clock's now; the reason also becomes the task's
	// LastError, since it describes the last attempt. It returns
	// domain.ErrLeaseLost if the lease is no longer current.
	Add(ctx context.Context, p DeadLetterParams) error

	// List returns a page of dead letters, most recent failure first.
	List(ctx context.Context, p ListDeadLettersParams) (DeadLetterPage, error)

	// Get returns one dead letter.
	Get(ctx context.Context, id string) (domain.DeadLetter, error)

	// Requeue moves a dead letter back to the tail of its queue as pending,
	// with Attempt reset to 0 and LastError kept, and returns the task.
	Requeue(ctx context.Context, id string) (domain.Task, error)

	// Delete removes a dead letter for good.
	Delete(ctx context.Context, id string) error

	// Purge removes every dead letter of queue ("" for every queue) and
	// returns how many it removed.
	Purge(ctx context.Context, queue string) (int64, error)

	// Expire applies retention to one queue's dead letters.
	Expire(ctx context.Context, p ExpireParams) (ExpireResult, error)
}

// TaskStatusPort reads a task's state for GET /task/{id}.
type TaskStatusPort interface {
	// Task returns the task with that id in any state the broker still
	// remembers (succeeded tasks are kept for a retention period), or
	// domain.ErrTaskNotFound.
	Task(ctx context.Context, id string) (domain.TaskInfo, error)
}

// Broker is everything a broker adapter provides.
type Broker interface {
	QueuePort
	DeadLetterPort
	TaskStatusPort
}
