package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/ports"
)

// benchPayload is the payload of tasks whose enqueue time nobody reads.
var benchPayload = json.RawMessage(`{}`)

// producer enqueues bench tasks through the application's enqueue use
// case, as the HTTP API does: validation and id generation included.
type producer struct{ enq *application.Enqueuer }

func newProducer(q ports.QueuePort) (*producer, error) {
	reg := application.NewRegistry()
	if err := reg.Register(NoopType, noop{}); err != nil {
		return nil, err
	}
	return &producer{enq: application.NewEnqueuer(application.EnqueueConfig{}, q, reg, nil, nil)}, nil
}

func (p *producer) enqueue(ctx context.Context, queue string, payload json.RawMessage) error {
	_, err := p.enq.Enqueue(ctx, application.EnqueueRequest{Type: NoopType, Queue: queue, Payload: payload})
	return err
}

// fill enqueues n tasks to queue from g concurrent goroutines and returns
// when they are all stored, or with the first error.
func (p *producer) fill(ctx context.Context, queue string, n, g int) error {
	return p.spread(ctx, n, g, func(ctx context.Context, _ int) error {
		return p.enqueue(ctx, queue, benchPayload)
	})
}

// paced enqueues to queue at rate tasks per second for d, each task
// stamped with its enqueue time, from g goroutines so one slow call does
// not hold up the schedule. It returns how many it enqueued.
func (p *producer) paced(ctx context.Context, queue string, rate int, d time.Duration, g int) (int, error) {
	n := int(int64(rate) * int64(d) / int64(time.Second))
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	err := p.spread(ctx, n, g, func(ctx context.Context, i int) error {
		if wait := time.Until(start.Add(time.Duration(i) * interval)); wait > 0 {
			if !sleep(ctx, wait) {
				return ctx.Err()
			}
		}
		return p.enqueue(ctx, queue, stampPayload(time.Now()))
	})
	return n, err
}

// spread runs do for i in [0, n) from g goroutines, each taking the next
// i in turn. The first error stops them all and is returned.
func (p *producer) spread(ctx context.Context, n, g int, do func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(g, n) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n && ctx.Err() == nil; i = int(next.Add(1) - 1) {
				if err := do(ctx, i); err != nil {
					cancel(fmt.Errorf("task %d: %w", i, err))
					return
				}
			}
		})
	}
	wg.Wait()
	return context.Cause(ctx)
}

// sleep pauses for d and reports false if ctx ended first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
