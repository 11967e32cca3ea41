package httpapi

import (
	"context"

	"go.uber.org/zap"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Enqueuer stores tasks (application.Enqueuer).
type Enqueuer interface {
	Enqueue(ctx context.Context, req application.EnqueueRequest) (ports.EnqueueResult, error)
}

// TaskReader reads a task's state (application.TaskQuery).
type TaskReader interface {
	Task(ctx context.Context, id string) (domain.TaskInfo, error)
}

// QueueStatsReader reads every queue's counts (application.QueueOverview).
type QueueStatsReader interface {
	Stats(ctx context.Context) ([]ports.QueueStats, error)
}

// DeadLetterManager operates on dead letters (application.DeadLetters).
type DeadLetterManager interface {
	List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error)
	Get(ctx context.Context, id string) (domain.DeadLetter, error)
	Requeue(ctx context.Context, id string) (domain.Task, error)
	Delete(ctx context.Context, id string) error
	Purge(ctx context.Context, queue string) (int64, error)
}

// Deps are the use cases the API serves. Enqueuer, Tasks, Queues and
// DeadLetters are required.
type Deps struct {
	Enqueuer    Enqueuer
	Tasks       TaskReader
	Queues      QueueStatsReader
	DeadLetters DeadLetterManager
	// ReadyFunc reports whether the process can serve (the broker
	// answers); nil means always ready. It gets Config.ReadyTimeout.
	ReadyFunc func(ctx context.Context) error
	// Log receives server errors and recovered panics; nil discards.
	Log *zap.Logger
}

// check panics on a missing dependency: that is a wiring bug, best found
// when the process starts rather than on the first request.
func (d Deps) check() {
	for name, missing := range map[string]bool{
		"Enqueuer":    d.Enqueuer == nil,
		"Tasks":       d.Tasks == nil,
		"Queues":      d.Queues == nil,
		"DeadLetters": d.DeadLetters == nil,
	} {
		if missing {
			panic("httpapi: Deps." + name + " is nil")
		}
	}
}
