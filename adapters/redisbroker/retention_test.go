package redisbroker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
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
