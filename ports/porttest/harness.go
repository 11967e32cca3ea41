package porttest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

const (
	// leaseFor is the lease length the suite asks for unless a test needs
	// another.
	leaseFor = 30 * time.Second
	// absentWait is how long a Dequeue runs to show that nothing is ready.
	absentWait = 150 * time.Millisecond
	// returnBound bounds a call expected to return; it only keeps a broken
	// adapter from hanging the suite and is never a speed requirement.
	returnBound = 5 * time.Second
	// timePrecision is how far a stored timestamp may drift from the one
	// given, for brokers that store milliseconds.
	timePrecision = time.Millisecond
	// taskType is the type of every task the suite enqueues.
	taskType = "porttest.job"
)

// harness bundles what a conformance test needs around one fixture.
type harness struct {
	t      *testing.T
	ctx    context.Context
	broker ports.Broker
	clock  *FakeClock
}

func setup(t *testing.T, newFixture func(t *testing.T) Fixture) *harness {
	t.Helper()
	f := newFixture(t)
	require.NotNil(t, f.Broker, "newFixture must return a Broker")
	require.NotNil(t, f.Clock, "newFixture must return the broker's FakeClock")
	return &harness{t: t, ctx: t.Context(), broker: f.Broker, clock: f.Clock}
}

// newTask builds a valid task due now, not yet enqueued.
func (h *harness) newTask(queue, id string) domain.Task {
	now := h.clock.Now()
	return domain.Task{
		ID:          id,
		Type:        taskType,
		Payload:     json.RawMessage(`{"id":"` + id + `"}`),
		Queue:       queue,
		MaxAttempts: 3,
		Timeout:     10 * time.Second,
		CreatedAt:   now,
		RunAt:       now,
		Headers:     map[string]string{"origin": "porttest"},
	}
}

// enqueue stores task and requires it to be new.
func (h *harness) enqueue(task domain.Task) domain.Task {
	h.t.Helper()
	res, err := h.broker.Enqueue(h.ctx, task)
	require.NoError(h.t, err, "Enqueue(%s)", task.ID)
	require.False(h.t, res.Duplicate, "Enqueue(%s): a new id must not be reported as a duplicate", task.ID)
	return res.Task
}

// add enqueues one new task per id into queue, in order.
func (h *harness) add(queue string, ids ...string) []domain.Task {
	h.t.Helper()
	tasks := make([]domain.Task, 0, len(ids))
	for _, id := range ids {
		tasks = append(tasks, h.enqueue(h.newTask(queue, id)))
	}
	return tasks
}

// dequeue leases up to max tasks from queues and requires at least one.
func (h *harness) dequeue(queues []string, max int) []ports.Lease {
	h.t.Helper()
	return h.dequeueFor(queues, max, leaseFor)
}

// dequeueFor is dequeue with a lease length of d.
func (h *harness) dequeueFor(queues []string, max int, d time.Duration) []ports.Lease {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, returnBound)
	defer cancel()
	leases, err := h.broker.Dequeue(ctx, ports.DequeueParams{Queues: queues, Max: max, LeaseFor: d})
	require.NoError(h.t, err, "Dequeue(%v) must lease a pending task", queues)
	require.NotEmpty(h.t, leases, "Dequeue(%v) returned no lease and no error", queues)
	require.LessOrEqual(h.t, len(leases), max, "Dequeue leased more than Max")
	return leases
}

// dequeueOne leases exactly one task from queue.
func (h *harness) dequeueOne(queue string) ports.Lease {
	h.t.Helper()
	return h.dequeue([]string{queue}, 1)[0]
}

// requireNothingReady requires Dequeue on queues to find nothing and give
// up with the context's error.
func (h *harness) requireNothingReady(queues ...string) {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(h.ctx, absentWait)
	defer cancel()
	leases, err := h.broker.Dequeue(ctx, ports.DequeueParams{Queues: queues, Max: 10, LeaseFor: leaseFor})
	require.ErrorIs(h.t, err, context.DeadlineExceeded,
		"Dequeue(%v) must find nothing ready and return ctx.Err() when its context ends", queues)
	require.Empty(h.t, leases, "Dequeue must lease nothing when it returns an error")
}

func (h *harness) ack(lease ports.Lease) {
	h.t.Helper()
	require.NoError(h.t, h.broker.Ack(h.ctx, lease), "Ack(%s) with the current lease", lease.Task.ID)
}

func (h *harness) retry(lease ports.Lease, runAt time.Time, msg string) {
	h.t.Helper()
	err := h.broker.Retry(h.ctx, ports.RetryParams{Lease: lease, RunAt: runAt, Error: msg})
	require.NoError(h.t, err, "Retry(%s) with the current lease", lease.Task.ID)
}

func (h *harness) bury(lease ports.Lease, reason string) {
	h.t.Helper()
	err := h.broker.Add(h.ctx, ports.DeadLetterParams{Lease: lease, Reason: reason})
	require.NoError(h.t, err, "dead-letter Add(%s) with the current lease", lease.Task.ID)
}

// deadLetter enqueues a task, leases it and dead-letters it at the clock's
// current time.
func (h *harness) deadLetter(queue, id, reason string) {
	h.t.Helper()
	h.add(queue, id)
	h.bury(h.dequeueOne(queue), reason)
}

func (h *harness) recover(queues ...string) ports.RecoverResult {
	h.t.Helper()
	res, err := h.broker.Recover(h.ctx, queues)
	require.NoError(h.t, err, "Recover(%v)", queues)
	return res
}

func (h *harness) requireStats(queue string, pending, scheduled, active, dead int64) {
	h.t.Helper()
	got, err := h.broker.Stats(h.ctx, queue)
	require.NoError(h.t, err, "Stats(%s)", queue)
	want := ports.QueueStats{Queue: queue, Pending: pending, Scheduled: scheduled, Active: active, Dead: dead}
	require.Equal(h.t, want, got, "Stats(%s)", queue)
}

func (h *harness) status(id string) domain.TaskInfo {
	h.t.Helper()
	info, err := h.broker.Task(h.ctx, id)
	require.NoError(h.t, err, "Task(%s) must find a remembered task", id)
	return info
}

// requireState requires task id to be in state, changed at the clock's
// current time.
func (h *harness) requireState(id string, state domain.State) domain.TaskInfo {
	h.t.Helper()
	info := h.status(id)
	require.Equal(h.t, state, info.State, "state of task %s", id)
	requireSameTime(h.t, h.clock.Now(), info.UpdatedAt, "UpdatedAt of task "+id+" is when its state last changed")
	return info
}

func (h *harness) getDeadLetter(id string) domain.DeadLetter {
	h.t.Helper()
	dl, err := h.broker.Get(h.ctx, id)
	require.NoError(h.t, err, "dead-letter Get(%s)", id)
	return dl
}

func (h *harness) listDeadLetters(queue string, offset, limit int) ports.DeadLetterPage {
	h.t.Helper()
	page, err := h.broker.List(h.ctx, ports.ListDeadLettersParams{Queue: queue, Offset: offset, Limit: limit})
	require.NoError(h.t, err, "dead-letter List(queue=%q offset=%d limit=%d)", queue, offset, limit)
	return page
}

// leaseIDs returns the task ids of leases, in order.
func leaseIDs(leases []ports.Lease) []string {
	ids := make([]string, len(leases))
	for i, l := range leases {
		ids[i] = l.Task.ID
	}
	return ids
}

// deadLetterIDs returns the task ids of dead letters, in order.
func deadLetterIDs(items []domain.DeadLetter) []string {
	ids := make([]string, len(items))
	for i, dl := range items {
		ids[i] = dl.Task.ID
	}
	return ids
}

func requireSameTime(t *testing.T, want, got time.Time, what string) {
	t.Helper()
	require.WithinDuration(t, want, got, timePrecision, what)
}

// requireTaskEqual compares tasks field by field, payloads as JSON and
// timestamps to the millisecond.
func requireTaskEqual(t *testing.T, want, got domain.Task, what string) {
	t.Helper()
	require.Equal(t, want.ID, got.ID, "%s: ID", what)
	require.Equal(t, want.Type, got.Type, "%s: Type", what)
	require.JSONEq(t, string(want.Payload), string(got.Payload), "%s: Payload", what)
	require.Equal(t, want.Queue, got.Queue, "%s: Queue", what)
	require.Equal(t, want.Attempt, got.Attempt, "%s: Attempt", what)
	require.Equal(t, want.MaxAttempts, got.MaxAttempts, "%s: MaxAttempts", what)
	require.Equal(t, want.Timeout, got.Timeout, "%s: Timeout", what)
	requireSameTime(t, want.CreatedAt, got.CreatedAt, what+": CreatedAt")
	requireSameTime(t, want.RunAt, got.RunAt, what+": RunAt")
	require.Equal(t, want.LastError, got.LastError, "%s: LastError", what)
	if len(want.Headers) == 0 {
		require.Empty(t, got.Headers, "%s: Headers", what)
	} else {
		require.Equal(t, want.Headers, got.Headers, "%s: Headers", what)
	}
}
