package redisbroker

import (
	"cmp"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// recordingFlusher is a flushFunc that records every batch and can hold
// the first call until released.
type recordingFlusher struct {
	mu      sync.Mutex
	batches [][]int
	entered chan struct{} // closed when the first call starts
	release chan struct{} // the first call returns once this is closed
	err     error
}

func newRecordingFlusher() *recordingFlusher {
	return &recordingFlusher{entered: make(chan struct{}), release: make(chan struct{})}
}

func (r *recordingFlusher) flush(_ context.Context, _ string, items []int) ([]int, error) {
	r.mu.Lock()
	r.batches = append(r.batches, items)
	first := len(r.batches) == 1
	r.mu.Unlock()
	if first {
		close(r.entered)
		<-r.release
	}
	out := make([]int, len(items))
	for i, it := range items {
		out[i] = it * 10
	}
	return out, r.err
}

// TestCoalescerBatchesWhatQueuedDuringAFlight holds the first call in
// flight while more items queue up, and checks they go out in one batch,
// each caller getting its own result.
func TestCoalescerBatchesWhatQueuedDuringAFlight(t *testing.T) {
	t.Parallel()
	r := newRecordingFlusher()
	c := &coalescer[int, int]{flushFunc: r.flush}

	results := make([]int, 6)
	var wg sync.WaitGroup
	wg.Go(func() { results[0], _ = c.do(t.Context(), "q", 0) })
	<-r.entered
	var queued sync.WaitGroup
	for i := 1; i < len(results); i++ {
		queued.Add(1)
		wg.Go(func() {
			queued.Done()
			results[i], _ = c.do(t.Context(), "q", i)
		})
	}
	queued.Wait()
	require.Eventually(t, func() bool { return waitingLen(c, "q") == len(results)-1 }, 5*time.Second, time.Millisecond)
	close(r.release)
	wg.Wait()

	require.Equal(t, []int{0, 10, 20, 30, 40, 50}, results)
	require.Len(t, r.batches, 2, "everything that queued during the first call goes out in the second")
	require.Len(t, r.batches[1], len(results)-1)
	c.mu.Lock()
	defer c.mu.Unlock()
	require.Empty(t, c.queues, "an idle coalescer keeps no queue")
}

// TestCoalescerErrorReachesEveryCaller checks that a failed batch fails
// each of its items.
func TestCoalescerErrorReachesEveryCaller(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := newRecordingFlusher()
	r.err = boom
	close(r.release)
	c := &coalescer[int, int]{flushFunc: r.flush}
	_, err := c.do(t.Context(), "q", 1)
	require.ErrorIs(t, err, boom)
}

// TestCoalescerSurvivesAPanickingFlush checks that a batch whose send
// panics fails its callers and leaves the queue usable.
func TestCoalescerSurvivesAPanickingFlush(t *testing.T) {
	t.Parallel()
	calls := 0
	c := &coalescer[int, int]{flushFunc: func(_ context.Context, _ string, items []int) ([]int, error) {
		if calls++; calls == 1 {
			panic("bad batch")
		}
		return items, nil
	}}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	_, err := c.do(ctx, "q", 1)
	require.ErrorContains(t, err, "bad batch")
	got, err := c.do(ctx, "q", 2)
	require.NoError(t, err, "the queue must not stay busy after a panic")
	require.Equal(t, 2, got)
}

// TestCoalescerSenderCancelledDoesNotFailOthers cancels the caller whose
// call carries the batch while it is in flight: the batch still goes out
// whole, under a context that is not cancelled, and the items that queued
// meanwhile get their own results.
func TestCoalescerSenderCancelledDoesNotFailOthers(t *testing.T) {
	t.Parallel()
	r := newRecordingFlusher()
	var sentCtxErr error
	c := &coalescer[int, int]{flushFunc: func(ctx context.Context, q string, items []int) ([]int, error) {
		res, err := r.flush(ctx, q, items)
		sentCtxErr = cmp.Or(sentCtxErr, ctx.Err())
		return res, err
	}}
	senderCtx, cancel := context.WithCancel(t.Context())
	var wg sync.WaitGroup
	wg.Go(func() { _, _ = c.do(senderCtx, "q", 1) })
	<-r.entered
	results := make([]int, 3)
	errs := make([]error, 3)
	for i := range results {
		wg.Go(func() { results[i], errs[i] = c.do(t.Context(), "q", i+2) })
	}
	require.Eventually(t, func() bool { return waitingLen(c, "q") == 3 }, 5*time.Second, time.Millisecond)
	cancel()
	close(r.release)
	wg.Wait()

	require.NoError(t, sentCtxErr, "a batch is never sent under a cancelled context")
	require.Equal(t, []error{nil, nil, nil}, errs)
	require.Equal(t, []int{20, 30, 40}, results)
}

// TestCoalescerBatchLenHonoursBounds checks the item and byte bounds.
func TestCoalescerBatchLenHonoursBounds(t *testing.T) {
	t.Parallel()
	items := func(n int) []pendingItem[int, int] { return make([]pendingItem[int, int], n) }
	c := &coalescer[int, int]{maxItems: 3}
	require.Equal(t, 3, c.batchLen(items(5)))
	require.Equal(t, 2, c.batchLen(items(2)))

	c = &coalescer[int, int]{sizeFunc: func(int) int { return maxBatchBytes/2 + 1 }}
	require.Equal(t, 1, c.batchLen(items(5)), "a second big item would pass the byte bound")
	c = &coalescer[int, int]{sizeFunc: func(int) int { return 2 * maxBatchBytes }}
	require.Equal(t, 1, c.batchLen(items(5)), "one item always goes, however big")
}

func waitingLen(c *coalescer[int, int], queue string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if q := c.queues[queue]; q != nil {
		return len(q.waiting)
	}
	return 0
}
