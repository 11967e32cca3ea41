package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func statusCases() []testCase {
	return []testCase{
		{"UnknownIsNotFound", testStatusUnknown},
		{"CarriesTaskData", testStatusCarriesTask},
		{"FollowsLifecycle", testStatusLifecycle},
	}
}

func testStatusUnknown(t *testing.T, h *harness) {
	_, err := h.broker.Task(h.ctx, "never-enqueued")
	require.ErrorIs(t, err, domain.ErrTaskNotFound, "Task of an unknown id")
}

func testStatusCarriesTask(t *testing.T, h *harness) {
	task := h.newTask("q", "a")
	task.Headers["tenant"] = "acme"
	h.enqueue(task)
	info := h.requireState("a", domain.StatePending)
	requireTaskEqual(t, task, info.Task, "TaskInfo must carry the task")
}

// testStatusLifecycle walks one task through every state but dead (see the
// DeadLetter area), advancing the clock before each change so UpdatedAt is
// checked at every step.
func testStatusLifecycle(t *testing.T, h *harness) {
	h.add("q", "a")
	h.requireState("a", domain.StatePending)

	h.clock.Advance(time.Second)
	lease := h.dequeueOne("q")
	info := h.requireState("a", domain.StateActive)
	require.Equal(t, 1, info.Attempt)

	h.clock.Advance(time.Second)
	h.retry(lease, h.clock.Now().Add(5*time.Second), "e1")
	info = h.requireState("a", domain.StateScheduled)
	require.Equal(t, "e1", info.LastError)
	requireSameTime(t, h.clock.Now().Add(5*time.Second), info.RunAt, "a retried task's RunAt is the retry time")

	h.clock.Advance(5 * time.Second)
	h.recover("q")
	h.requireState("a", domain.StatePending)

	h.clock.Advance(time.Second)
	lease = h.dequeueOne("q")
	info = h.requireState("a", domain.StateActive)
	require.Equal(t, 2, info.Attempt)

	h.clock.Advance(time.Second)
	h.ack(lease)
	info = h.requireState("a", domain.StateSucceeded)
	require.Equal(t, 2, info.Attempt, "a succeeded task shows the attempts it took")
}
