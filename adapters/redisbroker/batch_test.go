package redisbroker_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TestConcurrentAcksAreFencedEach acks many leases at once, every third
// with a forged token: coalesced into few script calls, each ack must
// still get its own answer.
func TestConcurrentAcksAreFencedEach(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	const n = 120
	for i := range n {
		_, err := f.broker.Enqueue(t.Context(), newTask(f, "q", fmt.Sprintf("t%d", i)))
		require.NoError(t, err)
	}
	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: n, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, n, "one claim leases the whole batch")

	errs := make([]error, n)
	var wg sync.WaitGroup
	for i, l := range leases {
		if i%3 == 0 {
			l.Token += "x"
		}
		wg.Go(func() { errs[i] = f.broker.Ack(t.Context(), l) })
	}
	wg.Wait()
	for i, err := range errs {
		if i%3 == 0 {
			require.ErrorIs(t, err, domain.ErrLeaseLost, "ack %d had a forged token", i)
			continue
		}
		require.NoError(t, err, "ack %d", i)
	}
	st, err := f.broker.Stats(t.Context(), "q")
	require.NoError(t, err)
	require.EqualValues(t, n/3, st.Active, "forged acks leave their leases alone")

	info, err := f.broker.Task(t.Context(), leases[1].Task.ID)
	require.NoError(t, err)
	require.Equal(t, domain.StateSucceeded, info.State)
	require.Equal(t, 1, info.Attempt)
}

// TestAckHonoursItsContext checks that an Ack whose context is already
// over returns the context's error rather than waiting for Redis.
func TestAckHonoursItsContext(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	lease := enqueueAndLease(t, f, "q", "a")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := f.broker.Ack(ctx, lease)
	if err != nil {
		require.ErrorIs(t, err, context.Canceled)
	}
	require.NoError(t, f.broker.Ack(t.Context(), lease), "the lease is still current or already acked by the first call")
}
