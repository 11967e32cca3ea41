package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func leaseCases() []testCase {
	return []testCase{
		{"AckRemovesTask", testLeaseAck},
		{"RetryReappearsOnlyAfterRunAt", testLeaseRetry},
		{"ReleaseReturnsToHeadUncounted", testLeaseRelease},
		{"ExtendRenewsOnlyCurrentLeases", testLeaseExtend},
		{"ExtendNothing", testLeaseExtendNothing},
		{"StaleTokenIsLeaseLost", testLeaseStaleToken},
		{"EndedLeaseIsLeaseLost", testLeaseEndedByAck},
	}
}

func testLeaseAck(t *testing.T, h *harness) {
	h.add("q", "a")
	lease := h.dequeueOne("q")
	h.clock.Advance(time.Second)
	h.ack(lease)

	h.requireState("a", domain.StateSucceeded)
	h.requireStats("q", 0, 0, 0, 0)
	h.requireNothingReady("q")

	require.NoError(t, h.broker.Ack(h.ctx, lease), "acking the same lease twice must succeed")
	h.requireState("a", domain.StateSucceeded)
	h.requireStats("q", 0, 0, 0, 0)
}

func testLeaseRetry(t *testing.T, h *harness) {
	h.add("q", "a")
	lease := h.dequeueOne("q")
	h.clock.Advance(time.Second)
	h.retry(lease, h.clock.Now().Add(10*time.Second), "boom")

	info := h.requireState("a", domain.StateScheduled)
	require.Equal(t, "boom", info.LastError, "Retry must record the error as LastError")
	h.requireStats("q", 0, 1, 0, 0)
	h.requireNothingReady("q")

	h.clock.Advance(9 * time.Second)
	require.Zero(t, h.recover("q").Promoted, "a retry must not be promoted before its RunAt")
	h.requireNothingReady("q")

	h.clock.Advance(time.Second)
	require.Equal(t, 1, h.recover("q").Promoted, "a retry must be promoted at its RunAt")
	h.requireState("a", domain.StatePending)

	again := h.dequeueOne("q")
	require.Equal(t, 2, again.Task.Attempt, "the retried lease is the second attempt")
	require.Equal(t, "boom", again.Task.LastError, "the retried task must keep its LastError")
}

func testLeaseRelease(t *testing.T, h *harness) {
	h.add("q", "a", "b")
	lease := h.dequeueOne("q")
	require.Equal(t, "a", lease.Task.ID)
	h.clock.Advance(time.Second)
	require.NoError(t, h.broker.Release(h.ctx, lease), "Release with the current lease")

	info := h.requireState("a", domain.StatePending)
	require.Zero(t, info.Attempt, "Release must not count the attempt")
	h.requireStats("q", 2, 0, 0, 0)

	again := h.dequeueOne("q")
	require.Equal(t, "a", again.Task.ID, "a released task must go back to the head of its queue")
	require.Equal(t, 1, again.Task.Attempt, "a released task's next lease must be attempt 1 again")
	require.ErrorIs(t, h.broker.Ack(h.ctx, lease), domain.ErrLeaseLost, "a released lease is no longer current")
}

func testLeaseExtend(t *testing.T, h *harness) {
	h.add("q", "a", "b")
	la := h.dequeueFor([]string{"q"}, 1, 10*time.Second)[0]
	lb := h.dequeueFor([]string{"q"}, 1, 20*time.Second)[0]
	h.clock.Advance(11 * time.Second)
	require.Equal(t, 1, h.recover("q").Requeued, "a's lease expired and must be given back")

	got, err := h.broker.Extend(h.ctx, ports.ExtendParams{Leases: []ports.Lease{la, lb}, For: 30 * time.Second})
	require.NoError(t, err, "Extend")
	require.Len(t, got, 1, "Extend must return only the leases still current")
	require.Equal(t, "b", got[0].Task.ID)
	require.Equal(t, lb.Token, got[0].Token, "Extend keeps the lease's token")
	requireSameTime(t, h.clock.Now().Add(30*time.Second), got[0].ExpiresAt, "an extended lease expires For after now")

	h.clock.Advance(19 * time.Second) // past b's first expiry, before the extended one
	require.Zero(t, h.recover("q").Requeued, "an extended lease must not expire at its old time")
	require.Equal(t, domain.StateActive, h.status("b").State, "b is still leased")
	h.ack(got[0])
}

func testLeaseExtendNothing(t *testing.T, h *harness) {
	got, err := h.broker.Extend(h.ctx, ports.ExtendParams{For: time.Minute})
	require.NoError(t, err, "Extend of no leases")
	require.Empty(t, got)
}

// testLeaseStaleToken presents a lease that expired and was reclaimed and
// handed to another worker: every operation must refuse it and leave the new
// holder's state alone.
func testLeaseStaleToken(t *testing.T, h *harness) {
	ops := []struct {
		name string
		op   func(stale ports.Lease) error
	}{
		{"Ack", func(l ports.Lease) error { return h.broker.Ack(h.ctx, l) }},
		{"Retry", func(l ports.Lease) error {
			return h.broker.Retry(h.ctx, ports.RetryParams{Lease: l, RunAt: h.clock.Now().Add(time.Hour), Error: "stale"})
		}},
		{"Release", func(l ports.Lease) error { return h.broker.Release(h.ctx, l) }},
		{"DeadLetterAdd", func(l ports.Lease) error {
			return h.broker.Add(h.ctx, ports.DeadLetterParams{Lease: l, Reason: "stale"})
		}},
		{"Extend", func(l ports.Lease) error {
			got, err := h.broker.Extend(h.ctx, ports.ExtendParams{Leases: []ports.Lease{l}, For: time.Hour})
			if err == nil && len(got) == 0 {
				return domain.ErrLeaseLost // Extend reports a lost lease by leaving it out
			}
			return err
		}},
	}
	for _, o := range ops {
		name, op := o.name, o.op
		queue, id := "q-"+name, "stale-"+name
		h.add(queue, id)
		stale := h.dequeueOne(queue)
		h.clock.Advance(leaseFor + time.Second)
		require.Equal(t, 1, h.recover(queue).Requeued)
		current := h.dequeueOne(queue)

		require.ErrorIs(t, op(stale), domain.ErrLeaseLost, "%s with a reclaimed lease must fail with ErrLeaseLost", name)
		info := h.requireState(id, domain.StateActive)
		require.Equal(t, 2, info.Attempt, "%s with a stale lease must not change the task", name)
		require.Empty(t, info.LastError, "%s with a stale lease must not change the task", name)
		h.requireStats(queue, 0, 0, 1, 0)
		h.ack(current)
		h.requireState(id, domain.StateSucceeded)
	}
}

// testLeaseEndedByAck presents a lease whose task already succeeded.
func testLeaseEndedByAck(t *testing.T, h *harness) {
	h.add("q", "a")
	lease := h.dequeueOne("q")
	h.ack(lease)

	err := h.broker.Retry(h.ctx, ports.RetryParams{Lease: lease, RunAt: h.clock.Now(), Error: "late"})
	require.ErrorIs(t, err, domain.ErrLeaseLost, "Retry after Ack must fail with ErrLeaseLost")
	require.ErrorIs(t, h.broker.Release(h.ctx, lease), domain.ErrLeaseLost, "Release after Ack must fail with ErrLeaseLost")
	err = h.broker.Add(h.ctx, ports.DeadLetterParams{Lease: lease, Reason: "late"})
	require.ErrorIs(t, err, domain.ErrLeaseLost, "dead-letter Add after Ack must fail with ErrLeaseLost")
	got, err := h.broker.Extend(h.ctx, ports.ExtendParams{Leases: []ports.Lease{lease}, For: time.Minute})
	require.NoError(t, err)
	require.Empty(t, got, "Extend must leave out a lease whose task succeeded")

	info := h.requireState("a", domain.StateSucceeded)
	require.Empty(t, info.LastError)
	h.requireStats("q", 0, 0, 0, 0)
}
