package redisbroker_test

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TestAckForgetsOnlyTasksPastRetention acks tasks at different times and
// checks that a later Ack forgets exactly those whose retention passed,
// oldest first, keeping the rest readable.
func TestAckForgetsOnlyTasksPastRetention(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	f := newFixture(t, newClient(t, srv.URL()), redisbroker.Config{CompletedRetention: time.Hour})
	require.NoError(t, f.broker.Ack(t.Context(), enqueueAndLease(t, f, "q", "old")))
	f.clock.Advance(30 * time.Minute)
	require.NoError(t, f.broker.Ack(t.Context(), enqueueAndLease(t, f, "q", "newer")))
	f.clock.Advance(30*time.Minute + time.Second)

	require.NoError(t, f.broker.Ack(t.Context(), enqueueAndLease(t, f, "q", "latest")))

	_, err := f.broker.Task(t.Context(), "old")
	require.ErrorIs(t, err, domain.ErrTaskNotFound, "past retention: forgotten by the ack")
	for _, id := range []string{"newer", "latest"} {
		info, err := f.broker.Task(t.Context(), id)
		require.NoError(t, err, "%s is within retention", id)
		require.Equal(t, domain.StateSucceeded, info.State)
	}
	k := redisbroker.QueueKeys(f.prefix, "q")
	left, err := f.client.LRange(t.Context(), k["done"], 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []string{"newer", "latest"}, left)
}

// TestRecoverDropsStrayIDs puts ids without a task into the scheduled and
// lease sets, as an operator's edit might, and checks Recover drops them
// instead of making them pending, so Dequeue keeps working.
func TestRecoverDropsStrayIDs(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", "real"))
	require.NoError(t, err)
	k := redisbroker.QueueKeys(f.prefix, "q")
	past := float64(f.clock.Now().Add(-time.Minute).UnixMilli())
	require.NoError(t, f.client.ZAdd(t.Context(), k["scheduled"], redis.Z{Score: past, Member: "ghost1"}).Err())
	require.NoError(t, f.client.ZAdd(t.Context(), k["leases"], redis.Z{Score: past, Member: "ghost2"}).Err())

	res, err := f.broker.Recover(t.Context(), []string{"q"})
	require.NoError(t, err)
	require.Equal(t, ports.RecoverResult{}, res, "strays are not counted as recovered tasks")
	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: 10, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	require.Equal(t, "real", leases[0].Task.ID)
}

// TestRecoverLeavesTasksOfAnotherStateAlone lists a leased task in the
// scheduled set and a pending task in the lease set, as stray entries
// would: Recover must neither take the lease away nor list the pending
// task twice.
func TestRecoverLeavesTasksOfAnotherStateAlone(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	busy := enqueueAndLease(t, f, "q", "busy")
	_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", "waiting"))
	require.NoError(t, err)
	k := redisbroker.QueueKeys(f.prefix, "q")
	past := float64(f.clock.Now().Add(-time.Minute).UnixMilli())
	require.NoError(t, f.client.ZAdd(t.Context(), k["scheduled"], redis.Z{Score: past, Member: "busy"}).Err())
	require.NoError(t, f.client.ZAdd(t.Context(), k["leases"], redis.Z{Score: past, Member: "waiting"}).Err())

	res, err := f.broker.Recover(t.Context(), []string{"q"})
	require.NoError(t, err)
	require.Equal(t, ports.RecoverResult{}, res)
	pending, err := f.client.LRange(t.Context(), k["pending"], 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []string{"waiting"}, pending)
	require.NoError(t, f.broker.Ack(t.Context(), busy), "the lease is still current")
}
