package redisbroker_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TestClaimLeasesAnIDListedTwiceOnce lists one pending id twice, as a
// stray copy would, and checks that one claim leases it once: a batched
// claim reads every task before it writes, so the second copy must be
// dropped by id, not by state.
func TestClaimLeasesAnIDListedTwiceOnce(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", "a"))
	require.NoError(t, err)
	k := redisbroker.QueueKeys(f.prefix, "q")
	require.NoError(t, f.client.RPush(t.Context(), k["pending"], "a").Err())

	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: 10, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1, "one task, one lease")
	require.Equal(t, 1, leases[0].Task.Attempt)
	require.NoError(t, f.broker.Ack(t.Context(), leases[0]), "the lease handed out is the current one")
}

// TestDequeueDrainsEarlierQueueBeyondOneBatch asks for more tasks than one
// claim script carries and checks that the earlier queue is drained before
// the later one is touched.
func TestDequeueDrainsEarlierQueueBeyondOneBatch(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	const many = 1001
	for i := range many {
		_, err := f.broker.Enqueue(t.Context(), newTask(f, "first", fmt.Sprintf("t%d", i)))
		require.NoError(t, err)
	}
	_, err := f.broker.Enqueue(t.Context(), newTask(f, "second", "later"))
	require.NoError(t, err)

	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{
		Queues: []string{"first", "second"}, Max: many, LeaseFor: time.Minute,
	})
	require.NoError(t, err)
	require.Len(t, leases, many)
	for i, l := range leases {
		require.Equal(t, "first", l.Task.Queue, "lease %d", i)
		require.Equal(t, fmt.Sprintf("t%d", i), l.Task.ID, "FIFO within the queue")
	}
	info, err := f.broker.Task(t.Context(), "later")
	require.NoError(t, err)
	require.Equal(t, domain.StatePending, info.State)
}

// TestDequeueHandsOutGoodLeasesBesideUndecodableData puts a task whose
// data cannot be decoded ahead of a good one: the good lease must still
// be handed out (the worker dispatches leases that come with an error),
// not left leased in Redis until it expires.
func TestDequeueHandsOutGoodLeasesBesideUndecodableData(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	k := redisbroker.QueueKeys(f.prefix, "q")
	require.NoError(t, f.client.HSet(t.Context(), k["tasks"], "bad", "not task data", "bad|meta", "pending|0|3|0|0|").Err())
	require.NoError(t, f.client.RPush(t.Context(), k["pending"], "bad").Err())
	_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", "good"))
	require.NoError(t, err)

	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: 10, LeaseFor: time.Minute})
	require.Error(t, err, "the undecodable task is reported")
	require.Len(t, leases, 1)
	require.Equal(t, "good", leases[0].Task.ID)
}

// TestExtendRenewsMoreLeasesThanOneScriptCanUnpack extends more leases of
// one queue than a single script could take (Lua's unpack stops near 8000
// values, two per lease), as a worker with thousands of executors does.
func TestExtendRenewsMoreLeasesThanOneScriptCanUnpack(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	const many = 4100
	for i := range many {
		_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", fmt.Sprintf("t%d", i)))
		require.NoError(t, err)
	}
	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: many, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, many)

	renewed, err := f.broker.Extend(t.Context(), ports.ExtendParams{Leases: leases, For: time.Hour})
	require.NoError(t, err)
	require.Len(t, renewed, many)
	require.True(t, renewed[many-1].ExpiresAt.Equal(f.clock.Now().Add(time.Hour)))
}
