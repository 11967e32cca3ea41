package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func deadLetterCases() []testCase {
	return append([]testCase{
		{"AddMovesLeasedTask", testDeadLetterAdd},
		{"ListNewestFirstInPages", testDeadLetterListPaging},
		{"ListEveryQueueOrOne", testDeadLetterListQueues},
		{"RequeueResetsAttemptAtTail", testDeadLetterRequeue},
		{"DeleteForgetsTask", testDeadLetterDelete},
		{"PurgeOneQueueOrAll", testDeadLetterPurge},
		{"NotFound", testDeadLetterNotFound},
	}, expireCases()...)
}

func testDeadLetterAdd(t *testing.T, h *harness) {
	h.add("q", "a")
	h.retry(h.dequeueOne("q"), h.clock.Now(), "first failure")
	h.clock.Advance(time.Second)
	h.recover("q")
	lease := h.dequeueOne("q")
	h.clock.Advance(time.Second)
	h.bury(lease, "gave up")

	h.requireState("a", domain.StateDead)
	h.requireStats("q", 0, 0, 0, 1)
	h.requireNothingReady("q")

	dl := h.getDeadLetter("a")
	require.Equal(t, "gave up", dl.Reason)
	requireSameTime(t, h.clock.Now(), dl.FailedAt, "FailedAt is the broker clock's now at Add")
	want := h.newTask("q", "a")
	want.Attempt, want.LastError = 2, "gave up"
	want.CreatedAt, want.RunAt = lease.Task.CreatedAt, lease.Task.RunAt
	requireTaskEqual(t, want, dl.Task, "a dead letter keeps the task as last leased, its reason as LastError")
	info := h.status("a")
	require.Equal(t, "gave up", info.LastError, "the task's status shows why it died")
}

func testDeadLetterListPaging(t *testing.T, h *harness) {
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		h.deadLetter("q", id, "reason "+id)
		h.clock.Advance(time.Second)
	}
	pages := []struct {
		offset, limit int
		want          []string
	}{
		{0, 2, []string{"e", "d"}},
		{2, 2, []string{"c", "b"}},
		{4, 2, []string{"a"}},
		{5, 2, []string{}},
		{0, 10, []string{"e", "d", "c", "b", "a"}},
	}
	for _, p := range pages {
		page := h.listDeadLetters("q", p.offset, p.limit)
		require.Equal(t, p.want, deadLetterIDs(page.Items), "List offset=%d limit=%d, newest first", p.offset, p.limit)
		require.EqualValues(t, 5, page.Total, "Total counts every match, not the page")
	}
	page := h.listDeadLetters("q", 0, 1)
	require.Equal(t, "reason e", page.Items[0].Reason, "listed dead letters carry their reason")
}

func testDeadLetterListQueues(t *testing.T, h *harness) {
	h.deadLetter("a", "a1", "x")
	h.clock.Advance(time.Second)
	h.deadLetter("b", "b1", "x")
	h.clock.Advance(time.Second)
	h.deadLetter("a", "a2", "x")

	all := h.listDeadLetters("", 0, 10)
	require.Equal(t, []string{"a2", "b1", "a1"}, deadLetterIDs(all.Items), `List of queue "" spans every queue, newest first`)
	require.EqualValues(t, 3, all.Total)

	onlyA := h.listDeadLetters("a", 0, 10)
	require.Equal(t, []string{"a2", "a1"}, deadLetterIDs(onlyA.Items), "List of a queue shows only that queue")
	require.EqualValues(t, 2, onlyA.Total)

	none := h.listDeadLetters("empty", 0, 10)
	require.Empty(t, none.Items)
	require.Zero(t, none.Total)
}

func testDeadLetterRequeue(t *testing.T, h *harness) {
	h.add("q", "d")
	h.retry(h.dequeueOne("q"), h.clock.Now(), "first failure")
	h.recover("q")
	h.bury(h.dequeueOne("q"), "gave up")
	h.add("q", "waiting")
	h.clock.Advance(time.Second)

	task, err := h.broker.Requeue(h.ctx, "d")
	require.NoError(t, err, "Requeue of a dead letter")
	require.Equal(t, "d", task.ID)
	require.Zero(t, task.Attempt, "Requeue must reset Attempt")
	require.Equal(t, "gave up", task.LastError, "Requeue must keep LastError")

	info := h.requireState("d", domain.StatePending)
	require.Zero(t, info.Attempt)
	h.requireStats("q", 2, 0, 0, 0)
	_, err = h.broker.Get(h.ctx, "d")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound, "a requeued task is no longer a dead letter")

	leases := h.dequeue([]string{"q"}, 2)
	require.Equal(t, []string{"waiting", "d"}, leaseIDs(leases), "Requeue puts the task at the tail of its queue")
	require.Equal(t, 1, leases[1].Task.Attempt, "a requeued task starts again at attempt 1")
}

func testDeadLetterDelete(t *testing.T, h *harness) {
	h.deadLetter("q", "a", "x")
	h.deadLetter("q", "b", "x")
	require.NoError(t, h.broker.Delete(h.ctx, "a"), "Delete of a dead letter")

	_, err := h.broker.Get(h.ctx, "a")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound, "a deleted dead letter is gone")
	_, err = h.broker.Task(h.ctx, "a")
	require.ErrorIs(t, err, domain.ErrTaskNotFound, "a deleted dead letter is forgotten for good")
	require.ErrorIs(t, h.broker.Delete(h.ctx, "a"), domain.ErrDeadLetterNotFound, "deleting twice reports not found")
	h.requireStats("q", 0, 0, 0, 1)
	require.Equal(t, []string{"b"}, deadLetterIDs(h.listDeadLetters("q", 0, 10).Items))
}

func testDeadLetterPurge(t *testing.T, h *harness) {
	h.deadLetter("a", "a1", "x")
	h.deadLetter("a", "a2", "x")
	h.deadLetter("b", "b1", "x")
	h.deadLetter("c", "c1", "x")

	n, err := h.broker.Purge(h.ctx, "a")
	require.NoError(t, err, "Purge(a)")
	require.EqualValues(t, 2, n, "Purge(a) removes a's dead letters and counts them")
	h.requireStats("a", 0, 0, 0, 0)
	h.requireStats("b", 0, 0, 0, 1)
	_, err = h.broker.Get(h.ctx, "a1")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound)

	n, err = h.broker.Purge(h.ctx, "")
	require.NoError(t, err, `Purge("")`)
	require.EqualValues(t, 2, n, `Purge("") removes every queue's dead letters`)
	require.Zero(t, h.listDeadLetters("", 0, 10).Total)
	h.requireStats("c", 0, 0, 0, 0)

	n, err = h.broker.Purge(h.ctx, "")
	require.NoError(t, err)
	require.Zero(t, n, "purging nothing removes nothing")
}

func testDeadLetterNotFound(t *testing.T, h *harness) {
	h.add("q", "pending")
	for _, id := range []string{"unknown", "pending"} {
		_, err := h.broker.Get(h.ctx, id)
		require.ErrorIs(t, err, domain.ErrDeadLetterNotFound, "Get(%s)", id)
		_, err = h.broker.Requeue(h.ctx, id)
		require.ErrorIs(t, err, domain.ErrDeadLetterNotFound, "Requeue(%s)", id)
		require.ErrorIs(t, h.broker.Delete(h.ctx, id), domain.ErrDeadLetterNotFound, "Delete(%s)", id)
	}
	h.requireState("pending", domain.StatePending)
	h.requireStats("q", 1, 0, 0, 0)
}
