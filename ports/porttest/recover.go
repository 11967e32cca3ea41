package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func recoverCases() []testCase {
	return []testCase{
		{"ExpiredLeaseIsGivenBack", testRecoverExpiredLease},
		{"ExpiredLastAttemptIsDeadLettered", testRecoverExpiredLastAttempt},
		{"OnlyNamedQueues", testRecoverOnlyNamedQueues},
		{"NothingToDo", testRecoverNothingToDo},
	}
}

func testRecoverExpiredLease(t *testing.T, h *harness) {
	h.add("q", "a")
	first := h.dequeueOne("q")

	h.clock.Advance(leaseFor - time.Second)
	require.Equal(t, ports.RecoverResult{}, h.recover("q"), "Recover must not touch a lease that has not expired")
	h.requireNothingReady("q")

	h.clock.Advance(2 * time.Second)
	require.Equal(t, ports.RecoverResult{Requeued: 1}, h.recover("q"), "Recover must give back a task whose lease expired")
	info := h.requireState("a", domain.StatePending)
	require.Equal(t, 1, info.Attempt, "the expired lease still counts as an attempt")
	h.requireStats("q", 1, 0, 0, 0)

	second := h.dequeueOne("q")
	require.Equal(t, 2, second.Task.Attempt, "the lease after an expired one is the next attempt")
	require.NotEqual(t, first.Token, second.Token)
}

func testRecoverExpiredLastAttempt(t *testing.T, h *harness) {
	task := h.newTask("q", "last")
	task.MaxAttempts = 1
	h.enqueue(task)
	h.dequeueOne("q")

	h.clock.Advance(leaseFor + time.Second)
	require.Equal(t, ports.RecoverResult{DeadLettered: 1}, h.recover("q"),
		"a lease that expires on the last attempt must send the task to the dead letters")
	h.requireState("last", domain.StateDead)
	h.requireStats("q", 0, 0, 0, 1)
	h.requireNothingReady("q")

	dl := h.getDeadLetter("last")
	require.Equal(t, domain.ReasonLeaseExpired, dl.Reason)
	requireSameTime(t, h.clock.Now(), dl.FailedAt, "FailedAt is when Recover found the expired lease")
	require.Equal(t, 1, dl.Task.Attempt)
}

func testRecoverOnlyNamedQueues(t *testing.T, h *harness) {
	h.add("a", "in-a")
	h.add("b", "in-b")
	h.dequeueOne("a")
	h.dequeueOne("b")
	h.clock.Advance(leaseFor + time.Second)

	require.Equal(t, 1, h.recover("a").Requeued)
	h.requireStats("b", 0, 0, 1, 0)
	require.Equal(t, 1, h.recover("b").Requeued)
	h.requireStats("a", 1, 0, 0, 0)
	h.requireStats("b", 1, 0, 0, 0)
}

func testRecoverNothingToDo(t *testing.T, h *harness) {
	require.Equal(t, ports.RecoverResult{}, h.recover("q"), "Recover of an unknown queue does nothing")
	h.add("q", "a")
	h.dequeueOne("q")
	h.clock.Advance(leaseFor + time.Second)
	require.Equal(t, 1, h.recover("q").Requeued)
	require.Equal(t, ports.RecoverResult{}, h.recover("q"), "a second Recover must find nothing left to do")
}
