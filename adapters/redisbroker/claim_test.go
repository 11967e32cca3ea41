package redisbroker_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
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
