package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func statsCases() []testCase {
	return []testCase{
		{"CountsEachState", testStatsCounts},
		{"UnknownQueueIsEmpty", testStatsUnknownQueue},
		{"QueuesListsEveryQueueSorted", testStatsQueues},
		{"QueuesEmptyAtFirst", testStatsQueuesEmpty},
	}
}

func testStatsCounts(t *testing.T, h *harness) {
	h.add("q", "active", "dead", "p1", "p2")
	h.dequeueOne("q")
	h.bury(h.dequeueOne("q"), "x")
	later := h.newTask("q", "scheduled")
	later.RunAt = h.clock.Now().Add(time.Hour)
	h.enqueue(later)
	h.add("q", "done")
	h.add("other", "o1")

	h.requireStats("q", 3, 1, 1, 1)
	h.requireStats("other", 1, 0, 0, 0)

	leases := h.dequeue([]string{"q"}, 3)
	for _, l := range leases {
		h.ack(l)
	}
	h.requireStats("q", 3-int64(len(leases)), 1, 1, 1)
}

func testStatsUnknownQueue(_ *testing.T, h *harness) {
	h.requireStats("nobody-used-this", 0, 0, 0, 0)
}

func testStatsQueues(t *testing.T, h *harness) {
	h.add("b", "b1")
	h.add("a", "a1")
	h.add("c", "c1")
	later := h.newTask("d", "d1")
	later.RunAt = h.clock.Now().Add(time.Hour)
	h.enqueue(later)
	h.ack(h.dequeueOne("a"))

	queues, err := h.broker.Queues(h.ctx)
	require.NoError(t, err, "Queues")
	require.Equal(t, []string{"a", "b", "c", "d"}, queues,
		"Queues lists every queue that ever received a task, sorted, even when now empty")
}

func testStatsQueuesEmpty(t *testing.T, h *harness) {
	queues, err := h.broker.Queues(h.ctx)
	require.NoError(t, err, "Queues")
	require.Empty(t, queues, "a fresh broker has no queues")
}
