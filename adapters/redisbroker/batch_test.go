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

// TestConcurrentEnqueuesStoreEachIDOnce enqueues many tasks at once, each
// id four times and some of them delayed: coalesced into few script
// calls, every id is stored once and its copies report the stored task.
func TestConcurrentEnqueuesStoreEachIDOnce(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	const ids, copies = 50, 4
	results := make([]ports.EnqueueResult, ids*copies)
	errs := make([]error, len(results))
	var wg sync.WaitGroup
	for i := range results {
		task := newTask(f, "q", fmt.Sprintf("t%d", i%ids))
		task.Payload = []byte(fmt.Sprintf(`{"copy":%d}`, i/ids))
		if i%ids%5 == 0 {
			task.RunAt = f.clock.Now().Add(time.Hour)
		}
		wg.Go(func() { results[i], errs[i] = f.broker.Enqueue(t.Context(), task) })
	}
	wg.Wait()
	for _, err := range errs {
		require.NoError(t, err)
	}

	stored := map[string]string{}
	for _, res := range results {
		if !res.Duplicate {
			require.NotContains(t, stored, res.Task.ID, "id %s stored twice", res.Task.ID)
			stored[res.Task.ID] = string(res.Task.Payload)
		}
	}
	require.Len(t, stored, ids)
	for _, res := range results {
		require.Equal(t, stored[res.Task.ID], string(res.Task.Payload), "a duplicate reports the stored task")
	}
	st, err := f.broker.Stats(t.Context(), "q")
	require.NoError(t, err)
	require.EqualValues(t, ids*4/5, st.Pending)
	require.EqualValues(t, ids/5, st.Scheduled)
}
