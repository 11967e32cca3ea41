package redisbroker

import (
	"context"
	"fmt"
	"sync"
)

// maxScriptBatch is the most items one batched script call carries (tasks
// claimed, acks, lease renewals). It keeps every unpack in a script far
// below Lua's stack limit and bounds how long one call holds Redis.
const maxScriptBatch = 1000

// maxBatchBytes bounds the payload bytes of one batch whose coalescer
// weighs its items, so big tasks do not make one huge command.
const maxBatchBytes = 4 << 20

// coalescer turns concurrent calls on one queue into few script calls:
// while a call for a queue is in flight, every item that arrives for that
// queue waits, and all of them go out together in the next call. An idle
// queue's first item goes out at once, so nothing waits for a timer, and
// under load each round trip carries everything that queued up during the
// previous one.
//
// A caller that finds its queue idle sends the batch itself (its own item
// alone, or with any that joined meanwhile), so calls that come one at a
// time cost no goroutine hand-off; items that queue up while a batch is
// in flight go out from a goroutine that lives only while the queue has
// items, so an idle broker runs none. Callers wait for their own result or
// their context, whichever comes first, except that a caller sending a
// batch waits for Redis's reply (bounded by the client's timeouts), as
// the batch belongs to everyone in it. An item whose caller gave up may
// still be sent, which the port allows ("an error means the operation may
// not have happened").
type coalescer[T, R any] struct {
	// flushFunc sends one batch of at most maxScriptBatch items of a queue
	// and returns one result per item, or an error for the whole batch.
	flushFunc func(ctx context.Context, queue string, items []T) ([]R, error)
	// maxItems bounds a batch's length; zero means maxScriptBatch.
	maxItems int
	// sizeFunc, when set, weighs an item in bytes; a batch then stops
	// before maxBatchBytes (but always carries at least one item).
	sizeFunc func(T) int

	mu     sync.Mutex
	queues map[string]*coalesced[T, R]
}

// coalesced is one queue's waiting items and whether a flusher runs.
type coalesced[T, R any] struct {
	waiting []pendingItem[T, R]
	running bool
}

// pendingItem is one caller's item and where its outcome goes.
type pendingItem[T, R any] struct {
	ctx  context.Context
	item T
	done chan outcome[R] // buffered: the flusher never blocks on a caller
}

type outcome[R any] struct {
	res R
	err error
}

// do queues item for queue and waits for its result.
func (c *coalescer[T, R]) do(ctx context.Context, queue string, item T) (R, error) {
	p := pendingItem[T, R]{ctx: ctx, item: item, done: make(chan outcome[R], 1)}
	c.mu.Lock()
	if c.queues == nil {
		c.queues = make(map[string]*coalesced[T, R])
	}
	q := c.queues[queue]
	if q == nil {
		q = &coalesced[T, R]{}
		c.queues[queue] = q
	}
	q.waiting = append(q.waiting, p)
	start := !q.running
	q.running = true
	c.mu.Unlock()
	if start {
		// An idle queue's caller sends the batch itself, saving a
		// goroutine hand-off per call when calls come one at a time.
		c.flushNext(queue, q)
	}
	select {
	case o := <-p.done:
		return o.res, o.err
	case <-ctx.Done():
		var zero R
		return zero, ctx.Err()
	}
}

// flushNext sends the queue's next batch and, if more items wait, leaves
// them to a flushLoop goroutine; otherwise it forgets the queue.
func (c *coalescer[T, R]) flushNext(queue string, q *coalesced[T, R]) {
	if c.flushOne(queue, q) {
		go c.flushLoop(queue, q)
	}
}

// flushLoop sends the queue's waiting items, a batch at a time, until none
// is left, then forgets the queue.
func (c *coalescer[T, R]) flushLoop(queue string, q *coalesced[T, R]) {
	for c.flushOne(queue, q) {
	}
}

// flushOne sends one batch of the queue's waiting items and reports whether
// more items wait. When none waits it marks the queue idle and forgets it,
// under the same lock that callers queue under, so an item queued later
// starts a new flusher.
func (c *coalescer[T, R]) flushOne(queue string, q *coalesced[T, R]) bool {
	c.mu.Lock()
	n := c.batchLen(q.waiting)
	batch := q.waiting[:n:n]
	q.waiting = q.waiting[n:]
	c.mu.Unlock()
	c.flush(queue, batch)

	c.mu.Lock()
	defer c.mu.Unlock()
	if len(q.waiting) > 0 {
		return true
	}
	q.waiting = nil
	q.running = false
	delete(c.queues, queue)
	return false
}

// batchLen is how many of the waiting items the next batch takes.
func (c *coalescer[T, R]) batchLen(waiting []pendingItem[T, R]) int {
	limit := c.maxItems
	if limit == 0 {
		limit = maxScriptBatch
	}
	n := min(len(waiting), limit)
	if c.sizeFunc == nil {
		return n
	}
	bytes := 0
	for i, p := range waiting[:n] {
		bytes += c.sizeFunc(p.item)
		if i > 0 && bytes > maxBatchBytes {
			return i
		}
	}
	return n
}

// flush sends one batch under the first caller's context values, never its
// cancellation: the batch belongs to every caller in it. go-redis's read
// and write timeouts bound the call.
func (c *coalescer[T, R]) flush(queue string, batch []pendingItem[T, R]) {
	if len(batch) == 0 {
		return
	}
	items := make([]T, len(batch))
	for i, p := range batch {
		items[i] = p.item
	}
	res, err := c.send(context.WithoutCancel(batch[0].ctx), queue, items)
	if err == nil && len(res) != len(items) {
		err = fmt.Errorf("redis broker: %d results for a batch of %d", len(res), len(items))
	}
	for i, p := range batch {
		if err != nil {
			p.done <- outcome[R]{err: err}
			continue
		}
		p.done <- outcome[R]{res: res[i]}
	}
}

// send calls flushFunc and turns a panic into the batch's error. A panic
// would otherwise leave the queue marked busy with no flusher left, so
// every later caller of the queue would wait until its context ended (an
// HTTP server recovers a handler's panic and carries on), or, from a
// flushLoop goroutine, kill the process for one bad batch.
func (c *coalescer[T, R]) send(ctx context.Context, queue string, items []T) (res []R, err error) {
	defer func() {
		if v := recover(); v != nil {
			res, err = nil, fmt.Errorf("redis broker: batch of %d for queue %s panicked: %v", len(items), queue, v)
		}
	}()
	return c.flushFunc(ctx, queue, items)
}
