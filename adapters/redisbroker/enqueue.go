package redisbroker

import (
	"context"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// maxEnqueueBatch bounds the tasks of one enqueue script call: each takes
// six arguments, and unpack must stay far below Lua's stack limit.
const maxEnqueueBatch = 500

// Enqueue stores task as pending or scheduled; a task whose id the queue
// still remembers is returned instead, unchanged, with Duplicate set. It
// returns once the task is stored in Redis. Concurrent Enqueues of one
// queue are coalesced into one script call (see coalescer). The queue and
// id are checked here because they become parts of Redis keys and fields.
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
	o, err := b.enqueues.do(ctx, task.Queue, enqueueItem{task: task, data: data})
	if err != nil {
		return ports.EnqueueResult{}, interpretError("enqueue", err)
	}
	return o.res, o.err
}

// enqueueItem is one task to store, with its encoded data.
type enqueueItem struct {
	task domain.Task
	data string
}

// enqueueOutcome is one task's result within a batch.
type enqueueOutcome struct {
	res ports.EnqueueResult
	err error
}

// enqueueBatch stores items of one queue in one script call.
func (b *Broker) enqueueBatch(ctx context.Context, queue string, items []enqueueItem) ([]enqueueOutcome, error) {
	k := b.keys(queue)
	args := make([]any, 0, 1+6*len(items))
	args = append(args, millis(b.now()))
	for _, it := range items {
		t := it.task
		args = append(args, t.ID, it.data, t.Attempt, t.MaxAttempts, millis(t.RunAt), t.LastError)
	}
	replies, err := enqueueScript.Run(ctx, b.client, []string{k.pending, k.scheduled, k.tasks, k.wake}, args...).Slice()
	if err != nil {
		return nil, err
	}
	if len(replies) != len(items) {
		return nil, fmt.Errorf("redis broker: enqueue: %d replies for %d tasks", len(replies), len(items))
	}
	out := make([]enqueueOutcome, len(items))
	for i, reply := range replies {
		out[i] = decodeEnqueued(items[i].task, reply)
	}
	return out, nil
}

// decodeEnqueued reads one task's entry of the enqueue script's reply.
func decodeEnqueued(task domain.Task, reply any) enqueueOutcome {
	vals, _ := reply.([]any)
	if len(vals) == 0 {
		return enqueueOutcome{err: fmt.Errorf("redis broker: enqueue %s: malformed reply %v", task.ID, reply)}
	}
	if stored, _ := vals[0].(int64); stored == 1 {
		return enqueueOutcome{res: ports.EnqueueResult{Task: task}}
	}
	rec, found, err := decodeRecord(task.Queue, task.ID, vals[1:])
	if err != nil {
		return enqueueOutcome{err: err}
	}
	if !found {
		return enqueueOutcome{err: fmt.Errorf("redis broker: enqueue %s: duplicate without data", task.ID)}
	}
	return enqueueOutcome{res: ports.EnqueueResult{Task: rec.task, Duplicate: true}}
}
