package redisbroker

import (
	"context"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Add moves the leased task into its queue's dead letters, scored by the
// clock's now, with the reason kept beside the task.
func (b *Broker) Add(ctx context.Context, p ports.DeadLetterParams) error {
	k := b.keys(p.Lease.Task.Queue)
	ok, err := buryScript.Run(ctx, b.client,
		[]string{k.leases, k.dead, k.tasks},
		p.Lease.Task.ID, p.Lease.Token, p.Reason, millis(b.now()),
	).Bool()
	return b.fenced("dead-letter", p.Lease, ok, err)
}

// Get returns the dead letter with task id id.
func (b *Broker) Get(ctx context.Context, id string) (domain.DeadLetter, error) {
	rec, err := b.findDead(ctx, id)
	if err != nil {
		return domain.DeadLetter{}, err
	}
	return rec.deadLetter(), nil
}

// Requeue moves a dead letter back to the tail of its queue, attempts
// reset, last error kept.
func (b *Broker) Requeue(ctx context.Context, id string) (domain.Task, error) {
	rec, err := b.findDead(ctx, id)
	if err != nil {
		return domain.Task{}, err
	}
	queue := rec.task.Queue
	k := b.keys(queue)
	reply, err := requeueScript.Run(ctx, b.client,
		[]string{k.dead, k.pending, k.tasks, k.wake}, id, millis(b.now()),
	).Slice()
	if err != nil {
		return domain.Task{}, interpretError("requeue dead letter", err)
	}
	if len(reply) == 0 {
		return domain.Task{}, deadNotFound(id) // requeued or deleted meanwhile
	}
	requeued, found, err := decodeRecord(queue, id, reply)
	if err != nil {
		return domain.Task{}, err
	}
	if !found {
		return domain.Task{}, deadNotFound(id)
	}
	return requeued.task, nil
}

// Delete removes a dead letter and forgets its task.
func (b *Broker) Delete(ctx context.Context, id string) error {
	rec, err := b.findDead(ctx, id)
	if err != nil {
		return err
	}
	k := b.keys(rec.task.Queue)
	ok, err := deleteScript.Run(ctx, b.client, []string{k.dead, k.tasks}, id).Bool()
	if err != nil {
		return interpretError("delete dead letter", err)
	}
	if !ok {
		return deadNotFound(id)
	}
	return nil
}

// findDead finds task id and requires it to be dead.
func (b *Broker) findDead(ctx context.Context, id string) (record, error) {
	rec, found, err := b.find(ctx, id)
	if err != nil {
		return record{}, err
	}
	if !found || rec.state != domain.StateDead {
		return record{}, deadNotFound(id)
	}
	return rec, nil
}

func deadNotFound(id string) error {
	return fmt.Errorf("redis broker: dead letter %s: %w", id, domain.ErrDeadLetterNotFound)
}
