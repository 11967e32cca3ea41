package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func dequeueCases() []testCase {
	return []testCase{
		{"FIFOWithinQueue", testDequeueFIFO},
		{"LeasesExactlyMaxWhenAvailable", testDequeueBatch},
		{"EarlierQueuesWinOneAtATime", testDequeuePriority},
		{"EarlierQueuesWinInBatch", testDequeuePriorityBatch},
		{"OnlyListedQueues", testDequeueOnlyListedQueues},
		{"LeaseFields", testDequeueLeaseFields},
		{"LeasedTaskIsInvisible", testDequeueLeasedTaskInvisible},
		{"AttemptCountsEveryLease", testDequeueAttemptCountsEveryLease},
	}
}

func testDequeueFIFO(t *testing.T, h *harness) {
	ids := []string{"a", "b", "c", "d", "e"}
	h.add("q", ids...)
	var got []string
	for range ids {
		got = append(got, h.dequeueOne("q").Task.ID)
	}
	require.Equal(t, ids, got, "tasks of one queue must be leased in enqueue order")
	h.requireNothingReady("q")
}

func testDequeueBatch(t *testing.T, h *harness) {
	h.add("q", "a", "b", "c", "d", "e")
	first := h.dequeue([]string{"q"}, 3)
	require.Equal(t, []string{"a", "b", "c"}, leaseIDs(first),
		"with at least Max pending tasks, one Dequeue must lease exactly Max, oldest first")
	rest := h.dequeue([]string{"q"}, 3)
	require.Equal(t, []string{"d", "e"}, leaseIDs(rest), "Dequeue must lease what is left when fewer than Max remain")
	h.requireNothingReady("q")
	h.requireStats("q", 0, 0, 5, 0)
}

func testDequeuePriority(t *testing.T, h *harness) {
	h.add("low", "l1", "l2")
	h.add("high", "h1", "h2")
	queues := []string{"high", "low"}
	var got []string
	for range 4 {
		got = append(got, h.dequeue(queues, 1)[0].Task.ID)
	}
	require.Equal(t, []string{"h1", "h2", "l1", "l2"}, got,
		"an earlier queue in p.Queues must be served before a later one")
}

// testDequeuePriorityBatch lets an adapter fill a batch from one queue only
// or spill into later queues, but never lets a later queue jump ahead.
func testDequeuePriorityBatch(t *testing.T, h *harness) {
	h.add("low", "l1", "l2")
	h.add("high", "h1", "h2")
	queues := []string{"high", "low"}
	var got []string
	for len(got) < 4 {
		got = append(got, leaseIDs(h.dequeue(queues, 10))...)
	}
	require.Equal(t, []string{"h1", "h2", "l1", "l2"}, got,
		"batches must take every pending task of an earlier queue before any of a later one")
	h.requireNothingReady(queues...)
}

func testDequeueOnlyListedQueues(t *testing.T, h *harness) {
	h.add("other", "x")
	h.requireNothingReady("q")
	h.add("q", "mine")
	leases := h.dequeue([]string{"q"}, 10)
	require.Equal(t, []string{"mine"}, leaseIDs(leases), "Dequeue must take only from the queues it names")
	h.requireStats("other", 1, 0, 0, 0)
}

func testDequeueLeaseFields(t *testing.T, h *harness) {
	h.add("q", "a", "b", "c")
	now := h.clock.Now()
	leases := h.dequeue([]string{"q"}, 3)
	require.Len(t, leases, 3)
	tokens := map[string]bool{}
	for _, l := range leases {
		require.Equal(t, 1, l.Task.Attempt, "the first lease of %s is attempt 1", l.Task.ID)
		require.NotEmpty(t, l.Token, "a lease must carry a fencing token")
		require.False(t, tokens[l.Token], "every lease must have its own token")
		tokens[l.Token] = true
		requireSameTime(t, now.Add(leaseFor), l.ExpiresAt, "ExpiresAt must be now + LeaseFor on the broker clock")
		require.Equal(t, "q", l.Task.Queue)
	}
}

func testDequeueLeasedTaskInvisible(t *testing.T, h *harness) {
	h.add("q", "a")
	lease := h.dequeueOne("q")
	h.requireNothingReady("q")
	h.requireStats("q", 0, 0, 1, 0)
	info := h.requireState("a", domain.StateActive)
	require.Equal(t, 1, info.Attempt, "status must show the attempt the lease counted")
	require.Equal(t, "a", lease.Task.ID)
}

func testDequeueAttemptCountsEveryLease(t *testing.T, h *harness) {
	task := h.newTask("q", "a")
	task.MaxAttempts = 5
	h.enqueue(task)

	first := h.dequeueOne("q")
	require.Equal(t, 1, first.Task.Attempt)
	h.retry(first, h.clock.Now(), "try again")
	h.clock.Advance(time.Second)
	h.recover("q")

	second := h.dequeueOne("q")
	require.Equal(t, 2, second.Task.Attempt, "a lease after a retry is the next attempt")
	h.clock.Advance(leaseFor + time.Second)
	h.recover("q")

	third := h.dequeueOne("q")
	require.Equal(t, 3, third.Task.Attempt, "a lease after an expired lease is the next attempt")
	require.NotEqual(t, second.Token, third.Token, "a new lease must get a new token")
}
