package memory

import (
	"container/heap"
	"container/list"
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Broker is an in-memory ports.Broker. It is safe for concurrent use by many
// goroutines of one process and keeps nothing across restarts.
type Broker struct {
	clock     ports.Clock
	retention time.Duration

	mu        sync.Mutex
	tasks     map[string]*entry // every remembered task, by id
	queues    map[string]*queue
	names     []string   // queue names, sorted
	succeeded *list.List // of *entry, oldest success first, for pruning
	seq       uint64     // source of lease tokens and dead-letter order

	// wake is closed, and replaced, when a task becomes pending while a
	// Dequeue waits on it, so waiting costs no polling.
	wake    chan struct{}
	waiting bool
}

var _ ports.Broker = (*Broker)(nil)

// New returns an empty broker. Zero fields of cfg take their defaults. It
// panics if cfg.Validate fails: configuration is checked before wiring.
func New(cfg Config) *Broker {
	if err := cfg.Validate(); err != nil {
		panic(fmt.Sprintf("memory.New: %v", err))
	}
	cfg = cfg.WithDefaults()
	return &Broker{
		clock:     cfg.Clock,
		retention: cfg.CompletedRetention,
		tasks:     map[string]*entry{},
		queues:    map[string]*queue{},
		succeeded: list.New(),
		wake:      make(chan struct{}),
	}
}

// Stats returns the counts of one queue; a queue never used counts zero.
func (b *Broker) Stats(ctx context.Context, name string) (ports.QueueStats, error) {
	if err := ctx.Err(); err != nil {
		return ports.QueueStats{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	s := ports.QueueStats{Queue: name}
	if q := b.queues[name]; q != nil {
		s.Pending = int64(q.pending.Len())
		s.Scheduled = int64(q.scheduled.Len())
		s.Active = int64(q.leased.Len())
		s.Dead = int64(len(q.dead))
	}
	return s, nil
}

// Queues lists every queue that has ever received a task, sorted.
func (b *Broker) Queues(ctx context.Context) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.names), nil
}

// Task returns a remembered task's state, or domain.ErrTaskNotFound.
func (b *Broker) Task(ctx context.Context, id string) (domain.TaskInfo, error) {
	if err := ctx.Err(); err != nil {
		return domain.TaskInfo{}, err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.prune(b.clock.Now())
	e := b.tasks[id]
	if e == nil {
		return domain.TaskInfo{}, fmt.Errorf("task %q: %w", id, domain.ErrTaskNotFound)
	}
	return domain.TaskInfo{Task: cloneTask(e.task), State: e.state, UpdatedAt: e.updatedAt}, nil
}

// queue returns the named queue, creating it on first use.
func (b *Broker) queue(name string) *queue {
	q := b.queues[name]
	if q == nil {
		q = newQueue(name)
		b.queues[name] = q
		i, _ := slices.BinarySearch(b.names, name)
		b.names = slices.Insert(b.names, i, name)
	}
	return q
}

// makePending puts e in its queue, at the head or the tail, and wakes any
// waiting Dequeue.
func (b *Broker) makePending(q *queue, e *entry, now time.Time, atHead bool) {
	e.state, e.updatedAt = domain.StatePending, now
	if atHead {
		e.elem = q.pending.PushFront(e)
	} else {
		e.elem = q.pending.PushBack(e)
	}
	if b.waiting {
		close(b.wake)
		b.wake, b.waiting = make(chan struct{}), false
	}
}

// schedule parks e until its RunAt.
func (b *Broker) schedule(q *queue, e *entry, now time.Time) {
	e.state, e.updatedAt = domain.StateScheduled, now
	heap.Push(&q.scheduled, e)
}

// lease hands the pending entry e to a worker under a new token.
func (b *Broker) lease(q *queue, e *entry, now time.Time, d time.Duration) ports.Lease {
	b.seq++
	e.elem = nil
	e.state, e.updatedAt = domain.StateActive, now
	e.task.Attempt++
	e.token = "m" + strconv.FormatUint(b.seq, 36)
	e.expiresAt = now.Add(d)
	heap.Push(&q.leased, e)
	return ports.Lease{Task: cloneTask(e.task), Token: e.token, ExpiresAt: e.expiresAt}
}

// bury moves the active entry e into the dead letters.
func (b *Broker) bury(q *queue, e *entry, reason string, now time.Time) {
	b.seq++
	e.state, e.updatedAt = domain.StateDead, now
	e.token = ""
	e.reason, e.failedAt, e.deadSeq = reason, now, b.seq
	e.task.LastError = reason
	q.addDead(e)
}

// current returns the entry and queue of a lease that is still current.
func (b *Broker) current(l ports.Lease) (*entry, *queue, bool) {
	e := b.tasks[l.Task.ID]
	if e == nil || e.state != domain.StateActive || l.Token == "" || e.token != l.Token {
		return nil, nil, false
	}
	return e, b.queues[e.task.Queue], true
}

// prune forgets succeeded tasks older than the retention period. Successes
// are appended in clock order, so it stops at the first one still kept.
func (b *Broker) prune(now time.Time) {
	for front := b.succeeded.Front(); front != nil; front = b.succeeded.Front() {
		e := front.Value.(*entry)
		if now.Sub(e.updatedAt) < b.retention {
			return
		}
		b.succeeded.Remove(front)
		delete(b.tasks, e.task.ID)
	}
}
