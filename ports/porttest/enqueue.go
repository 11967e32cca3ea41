package porttest

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func enqueueCases() []testCase {
	return []testCase{
		{"StoresTaskAsGiven", testEnqueueStoresTaskAsGiven},
		{"DueTaskIsPending", testEnqueueDueTaskIsPending},
		{"FutureTaskIsScheduledUntilDue", testEnqueueFutureTaskIsScheduled},
		{"DuplicateReturnsFirstTask", testEnqueueDuplicateReturnsFirst},
		{"DuplicateInEveryRememberedState", testEnqueueDuplicateInEveryState},
	}
}

func testEnqueueStoresTaskAsGiven(t *testing.T, h *harness) {
	task := h.newTask("q", "t1")
	task.Headers = map[string]string{"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "k": "v"}
	task.Timeout = 42 * time.Second
	task.MaxAttempts = 7

	stored := h.enqueue(task)
	requireTaskEqual(t, task, stored, "EnqueueResult.Task must be the stored task")

	lease := h.dequeueOne("q")
	want := task
	want.Attempt = 1
	requireTaskEqual(t, want, lease.Task, "the leased task must carry everything enqueued, with Attempt counting the lease")
}

func testEnqueueDueTaskIsPending(t *testing.T, h *harness) {
	now := h.clock.Now()
	zero := h.newTask("q", "zero-run-at")
	zero.RunAt = time.Time{}
	past := h.newTask("q", "past-run-at")
	past.RunAt = now.Add(-time.Hour)
	exact := h.newTask("q", "now-run-at")
	exact.RunAt = now
	for _, task := range []domain.Task{zero, past, exact} {
		h.enqueue(task)
		h.requireState(task.ID, domain.StatePending)
	}

	h.requireStats("q", 3, 0, 0, 0)
	leases := h.dequeue([]string{"q"}, 3)
	require.Equal(t, []string{zero.ID, past.ID, exact.ID}, leaseIDs(leases),
		"tasks whose RunAt is not after now must be pending at once, in enqueue order")
}

func testEnqueueFutureTaskIsScheduled(t *testing.T, h *harness) {
	task := h.newTask("q", "later")
	task.RunAt = h.clock.Now().Add(time.Minute)
	h.enqueue(task)

	h.requireState(task.ID, domain.StateScheduled)
	h.requireStats("q", 0, 1, 0, 0)
	h.requireNothingReady("q")

	h.clock.Advance(time.Minute - time.Second)
	require.Zero(t, h.recover("q").Promoted, "Recover must not promote a task before its RunAt")
	h.requireNothingReady("q")

	h.clock.Advance(time.Second)
	require.Equal(t, 1, h.recover("q").Promoted, "Recover must promote a task whose RunAt has come")
	h.requireState(task.ID, domain.StatePending)
	h.requireStats("q", 1, 0, 0, 0)

	lease := h.dequeueOne("q")
	require.Equal(t, task.ID, lease.Task.ID)
	require.Equal(t, 1, lease.Task.Attempt, "a promoted task's first lease is attempt 1")
}

func testEnqueueDuplicateReturnsFirst(t *testing.T, h *harness) {
	first := h.enqueue(h.newTask("q", "dup"))

	again := h.newTask("q", "dup")
	again.Payload = json.RawMessage(`{"second":true}`)
	res, err := h.broker.Enqueue(h.ctx, again)
	require.NoError(t, err, "enqueueing an existing id must succeed")
	require.True(t, res.Duplicate, "enqueueing an existing id must report Duplicate")
	requireTaskEqual(t, first, res.Task, "a duplicate enqueue must return the first task")

	h.requireStats("q", 1, 0, 0, 0)
	leases := h.dequeue([]string{"q"}, 10)
	require.Len(t, leases, 1, "a duplicate enqueue must store nothing")
	require.JSONEq(t, string(first.Payload), string(leases[0].Task.Payload))
}

// testEnqueueDuplicateInEveryState brings one task per queue into each state
// a broker remembers, then enqueues its id again.
func testEnqueueDuplicateInEveryState(t *testing.T, h *harness) {
	type row struct {
		state   domain.State
		prepare func(task domain.Task)
	}
	rows := []row{
		{domain.StatePending, func(task domain.Task) { h.enqueue(task) }},
		{domain.StateScheduled, func(task domain.Task) {
			task.RunAt = h.clock.Now().Add(time.Hour)
			h.enqueue(task)
		}},
		{domain.StateActive, func(task domain.Task) {
			h.enqueue(task)
			h.dequeueOne(task.Queue)
		}},
		{domain.StateSucceeded, func(task domain.Task) {
			h.enqueue(task)
			h.ack(h.dequeueOne(task.Queue))
		}},
		{domain.StateDead, func(task domain.Task) {
			h.enqueue(task)
			h.bury(h.dequeueOne(task.Queue), "gave up")
		}},
	}
	for _, r := range rows {
		queue := "q-" + string(r.state)
		task := h.newTask(queue, "dup-"+string(r.state))
		r.prepare(task)
		before := h.status(task.ID)
		statsBefore, err := h.broker.Stats(h.ctx, queue)
		require.NoError(t, err)

		again := task
		again.Payload = json.RawMessage(`{"second":true}`)
		res, err := h.broker.Enqueue(h.ctx, again)
		require.NoError(t, err, "re-enqueue of a %s task", r.state)
		require.True(t, res.Duplicate, "re-enqueue of a %s task must report Duplicate", r.state)
		require.Equal(t, task.ID, res.Task.ID)
		require.JSONEq(t, string(task.Payload), string(res.Task.Payload),
			"re-enqueue of a %s task must return the first task", r.state)

		after := h.status(task.ID)
		require.Equal(t, before.State, after.State, "a duplicate enqueue must not change a %s task", r.state)
		require.Equal(t, before.Attempt, after.Attempt, "a duplicate enqueue must not change a %s task", r.state)
		h.requireStats(queue, statsBefore.Pending, statsBefore.Scheduled, statsBefore.Active, statsBefore.Dead)
	}
}
