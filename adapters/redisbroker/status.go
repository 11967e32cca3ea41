package redisbroker

import (
	"context"
	"fmt"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/domain"
)

// Task finds a task by id in every known queue, in one round trip after
// reading the queue set. Ids are unique within a queue; should two queues
// hold the same id, the one in the alphabetically first queue is returned.
func (b *Broker) Task(ctx context.Context, id string) (domain.TaskInfo, error) {
	rec, found, err := b.find(ctx, id)
	if err != nil {
		return domain.TaskInfo{}, err
	}
	if !found {
		return domain.TaskInfo{}, fmt.Errorf("redis broker: task %s: %w", id, domain.ErrTaskNotFound)
	}
	return rec.info(), nil
}

// find looks task id up in every known queue.
func (b *Broker) find(ctx context.Context, id string) (record, bool, error) {
	if domain.ValidateID(id) != nil {
		return record{}, false, nil
	}
	queues, err := b.knownQueues(ctx)
	if err != nil || len(queues) == 0 {
		return record{}, false, err
	}
	cmds := make([]*redis.SliceCmd, len(queues))
	_, err = b.client.Pipelined(ctx, func(p redis.Pipeliner) error {
		for i, q := range queues {
			cmds[i] = p.HMGet(ctx, b.keys(q).tasks, recordArgs(id)...)
		}
		return nil
	})
	if err != nil {
		return record{}, false, interpretError("find task", err)
	}
	for i, q := range queues {
		rec, found, err := decodeRecord(q, id, cmds[i].Val())
		if err != nil || found {
			return rec, found, err
		}
	}
	return record{}, false, nil
}
