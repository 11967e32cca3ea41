package porttest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/ports"
)

func blockingCases() []testCase {
	return []testCase{
		{"CancelUnblocksWithCtxErr", testBlockingCancel},
		{"DeadlineUnblocksWithCtxErr", testBlockingDeadline},
		{"WokenByEnqueue", testBlockingWokenByEnqueue},
		{"WokenByEnqueueOnAnyListedQueue", testBlockingWokenOnAnyQueue},
		{"WokenByRecover", testBlockingWokenByRecover},
	}
}

// settle gives a just-started Dequeue a moment to begin waiting. The tests
// pass whether or not it has; the pause only makes them exercise the wait.
const settle = 30 * time.Millisecond

type dequeueResult struct {
	leases []ports.Lease
	err    error
}

// startDequeue runs Dequeue in the background; the result arrives on the
// returned channel.
func (h *harness) startDequeue(ctx context.Context, queues ...string) <-chan dequeueResult {
	done := make(chan dequeueResult, 1)
	go func() {
		leases, err := h.broker.Dequeue(ctx, ports.DequeueParams{Queues: queues, Max: 10, LeaseFor: leaseFor})
		done <- dequeueResult{leases, err}
	}()
	return done
}

// await waits for a background Dequeue, failing the test if it hangs.
func (h *harness) await(done <-chan dequeueResult, what string) dequeueResult {
	h.t.Helper()
	select {
	case r := <-done:
		return r
	case <-time.After(returnBound):
		require.FailNow(h.t, "Dequeue did not return within "+returnBound.String()+": "+what)
		return dequeueResult{}
	}
}

func testBlockingCancel(t *testing.T, h *harness) {
	ctx, cancel := context.WithCancel(h.ctx)
	done := h.startDequeue(ctx, "q")
	time.Sleep(settle)
	cancel()
	r := h.await(done, "a cancelled Dequeue must return promptly")
	require.ErrorIs(t, r.err, context.Canceled, "a cancelled Dequeue must return ctx.Err()")
	require.Empty(t, r.leases, "a cancelled Dequeue must lease nothing")

	h.add("q", "after")
	require.Equal(t, "after", h.dequeueOne("q").Task.ID, "a cancelled Dequeue must not take later tasks")
}

func testBlockingDeadline(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(h.ctx, absentWait)
	defer cancel()
	r := h.await(h.startDequeue(ctx, "q"), "a Dequeue past its deadline must return promptly")
	require.ErrorIs(t, r.err, context.DeadlineExceeded, "a Dequeue past its deadline must return ctx.Err()")
	require.Empty(t, r.leases)
}

func testBlockingWokenByEnqueue(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(h.ctx, returnBound)
	defer cancel()
	done := h.startDequeue(ctx, "q")
	time.Sleep(settle)
	h.add("q", "wake")
	r := h.await(done, "a waiting Dequeue must be woken by an Enqueue")
	require.NoError(t, r.err, "a waiting Dequeue must be woken by an Enqueue")
	require.Equal(t, []string{"wake"}, leaseIDs(r.leases))
}

func testBlockingWokenOnAnyQueue(t *testing.T, h *harness) {
	ctx, cancel := context.WithTimeout(h.ctx, returnBound)
	defer cancel()
	done := h.startDequeue(ctx, "high", "low")
	time.Sleep(settle)
	h.add("low", "wake")
	r := h.await(done, "a Dequeue waiting on several queues must be woken by an Enqueue into any of them")
	require.NoError(t, r.err, "a Dequeue waiting on several queues must be woken by an Enqueue into any of them")
	require.Equal(t, []string{"wake"}, leaseIDs(r.leases))
}

func testBlockingWokenByRecover(t *testing.T, h *harness) {
	task := h.newTask("q", "due")
	task.RunAt = h.clock.Now().Add(time.Minute)
	h.enqueue(task)

	ctx, cancel := context.WithTimeout(h.ctx, returnBound)
	defer cancel()
	done := h.startDequeue(ctx, "q")
	time.Sleep(settle)
	h.clock.Advance(time.Minute)
	h.recover("q")
	r := h.await(done, "a waiting Dequeue must be woken when Recover promotes a task")
	require.NoError(t, r.err, "a waiting Dequeue must be woken when Recover promotes a task")
	require.Equal(t, []string{"due"}, leaseIDs(r.leases))
}
