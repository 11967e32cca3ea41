package application

import (
	"context"
	"fmt"
	"slices"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TaskQuery answers "what became of task id?".
type TaskQuery struct {
	port ports.TaskStatusPort
}

// NewTaskQuery returns a TaskQuery reading from port.
func NewTaskQuery(port ports.TaskStatusPort) *TaskQuery {
	return &TaskQuery{port: port}
}

// Task returns the task's data and state. An invalid id fails with a
// *domain.ValidationError; an unknown one with domain.ErrTaskNotFound.
func (q *TaskQuery) Task(ctx context.Context, id string) (domain.TaskInfo, error) {
	if err := domain.ValidateID(id); err != nil {
		return domain.TaskInfo{}, err
	}
	info, err := q.port.Task(ctx, id)
	if err != nil {
		return domain.TaskInfo{}, fmt.Errorf("task %s: %w", id, err)
	}
	return info, nil
}

// QueueOverview reports the counts of every queue.
type QueueOverview struct {
	queue      ports.QueuePort
	configured []string
}

// NewQueueOverview returns an overview of the configured queues and of every
// queue the broker knows, so configured queues show up before their first
// task.
func NewQueueOverview(q ports.QueuePort, configured []string) *QueueOverview {
	return &QueueOverview{queue: q, configured: slices.Clone(configured)}
}

// Stats returns one snapshot per queue, sorted by queue name.
func (o *QueueOverview) Stats(ctx context.Context) ([]ports.QueueStats, error) {
	known, err := o.queue.Queues(ctx)
	if err != nil {
		return nil, fmt.Errorf("list queues: %w", err)
	}
	names := append(slices.Clone(o.configured), known...)
	slices.Sort(names)
	names = slices.Compact(names)
	out := make([]ports.QueueStats, 0, len(names))
	for _, name := range names {
		s, err := o.queue.Stats(ctx, name)
		if err != nil {
			return nil, fmt.Errorf("stats of queue %s: %w", name, err)
		}
		out = append(out, s)
	}
	return out, nil
}
