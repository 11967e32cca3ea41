package redisbroker

import (
	"context"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Enqueue stores task as pending or scheduled in one script; a task whose
// id the queue still remembers is returned instead, unchanged, with
// Duplicate set. The queue and id are checked here because they become
// parts of Redis keys and fields.
func (b *Broker) Enqueue(ctx context.Context, task domain.Task) (ports.EnqueueResult, error) {
	if err := domain.ValidateQueueName(task.Queue); err != nil {
		return ports.EnqueueResult{}, err
	}
	if err := domain.ValidateID(task.ID); err != nil {
		return ports.EnqueueResult{}, err
	}
	data, err := encodeData(task)
	if err != nil {
		return ports.EnqueueResult{}, err
	}
	if err := b.register(ctx, task.Queue); err != nil {
		return ports.EnqueueResult{}, err
	}
	k := b.keys(task.Queue)
	reply, err := enqueueScript.Run(ctx, b.client,
		[]string{k.pending, k.scheduled, k.tasks, k.wake},
		task.ID, data, task.Attempt, task.MaxAttempts, task.LastError, millis(task.RunAt), millis(b.now()),
	).Slice()
	if err != nil {
		return ports.EnqueueResult{}, interpretError("enqueue", err)
	}
	if stored, _ := reply[0].(int64); stored == 1 {
		return ports.EnqueueResult{Task: task}, nil
	}
	rec, found, err := decodeRecord(task.Queue, task.ID, reply[1:])
	if err != nil {
		return ports.EnqueueResult{}, err
	}
	if !found {
		return ports.EnqueueResult{}, fmt.Errorf("redis broker: enqueue %s: duplicate without data", task.ID)
	}
	return ports.EnqueueResult{Task: rec.task, Duplicate: true}, nil
}
