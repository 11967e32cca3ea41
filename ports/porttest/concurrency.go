package porttest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/ports"
)

func concurrencyCases() []testCase {
	return []testCase{
		{"ConsumersNeverShareATask", testConcurrentConsumers},
		{"EnqueueSameIDStoresOnce", testConcurrentEnqueueSameID},
		{"RecoverFromManyAtOnce", testConcurrentRecover},
	}
}

const (
	consumers      = 8
	consumedTasks  = 500
	concurrentWait = 60 * time.Second // bounds the whole run; never a speed requirement
)

// testConcurrentConsumers lets several workers lease and ack a backlog at
// once: each task must be leased exactly once and all must be taken.
func testConcurrentConsumers(t *testing.T, h *harness) {
	for i := range consumedTasks {
		h.add("q", fmt.Sprintf("t%03d", i))
	}
	ctx, cancel := context.WithTimeout(h.ctx, concurrentWait)
	defer cancel()

	var (
		mu    sync.Mutex
		seen  = map[string]int{}
		taken atomic.Int64
		wg    sync.WaitGroup
		errs  = make(chan error, consumers)
	)
	for w := range consumers {
		wg.Go(func() {
			errs <- h.consume(ctx, cancel, 1+w%4, &taken, func(id string) {
				mu.Lock()
				seen[id]++
				mu.Unlock()
			})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "a consumer failed")
	}

	require.Len(t, seen, consumedTasks, "together the consumers must lease every task")
	for id, n := range seen {
		require.Equal(t, 1, n, "task %s was leased %d times by concurrent consumers", id, n)
	}
	h.requireStats("q", 0, 0, 0, 0)
}

// consume leases and acks until every task is taken (then it cancels ctx for
// the others) or ctx ends.
func (h *harness) consume(ctx context.Context, done context.CancelFunc, max int, taken *atomic.Int64, record func(id string)) error {
	for {
		leases, err := h.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{"q"}, Max: max, LeaseFor: time.Hour})
		if errors.Is(err, context.Canceled) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("dequeue after %d of %d tasks: %w", taken.Load(), consumedTasks, err)
		}
		for _, l := range leases {
			record(l.Task.ID)
			// Every lease is acked before it is counted, so ctx is still live here.
			if err := h.broker.Ack(ctx, l); err != nil {
				return fmt.Errorf("ack %s: %w", l.Task.ID, err)
			}
		}
		if taken.Add(int64(len(leases))) >= consumedTasks {
			done()
			return nil
		}
	}
}

func testConcurrentEnqueueSameID(t *testing.T, h *harness) {
	var (
		fresh atomic.Int64
		wg    sync.WaitGroup
		errs  = make(chan error, consumers)
	)
	for range consumers {
		wg.Go(func() {
			res, err := h.broker.Enqueue(h.ctx, h.newTask("q", "same"))
			if err == nil && !res.Duplicate {
				fresh.Add(1)
			}
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "concurrent Enqueue of one id")
	}
	require.EqualValues(t, 1, fresh.Load(), "exactly one concurrent Enqueue of an id must store it")
	h.requireStats("q", 1, 0, 0, 0)
}

func testConcurrentRecover(t *testing.T, h *harness) {
	const n = 20
	for i := range n {
		h.add("q", fmt.Sprintf("t%02d", i))
	}
	require.Len(t, h.dequeue([]string{"q"}, n), n)
	h.clock.Advance(leaseFor + time.Second)

	var (
		requeued atomic.Int64
		wg       sync.WaitGroup
		errs     = make(chan error, 4)
	)
	for range 4 {
		wg.Go(func() {
			res, err := h.broker.Recover(h.ctx, []string{"q"})
			requeued.Add(int64(res.Requeued))
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err, "concurrent Recover")
	}
	require.EqualValues(t, n, requeued.Load(), "concurrent Recover calls must give each expired task back exactly once")
	h.requireStats("q", n, 0, 0, 0)
}
