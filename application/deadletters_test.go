package application_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

// brokerBundle is a memory broker on a fake clock.
type brokerBundle struct {
	t      *testing.T
	broker *memory.Broker
	clock  *porttest.FakeClock
}

func setupBroker(t *testing.T) brokerBundle {
	t.Helper()
	clock := porttest.NewFakeClock(epoch)
	return brokerBundle{t: t, broker: memory.New(memory.Config{Clock: clock}), clock: clock}
}

// put enqueues a pending task.
func (b brokerBundle) put(queue, id string) domain.Task {
	b.t.Helper()
	now := b.clock.Now()
	res, err := b.broker.Enqueue(b.t.Context(), domain.Task{
		ID: id, Type: "job", Payload: json.RawMessage(`{}`), Queue: queue,
		MaxAttempts: 1, CreatedAt: now, RunAt: now,
	})
	require.NoError(b.t, err)
	return res.Task
}

// kill enqueues a task and moves it into the dead letters.
func (b brokerBundle) kill(queue, id string) {
	b.t.Helper()
	b.put(queue, id)
	leases, err := b.broker.Dequeue(b.t.Context(), ports.DequeueParams{Queues: []string{queue}, Max: 1, LeaseFor: time.Minute})
	require.NoError(b.t, err)
	require.Len(b.t, leases, 1)
	require.NoError(b.t, b.broker.Add(b.t.Context(), ports.DeadLetterParams{Lease: leases[0], Reason: "broken " + id}))
}

func TestDeadLettersListPages(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	for i := range 3 {
		b.kill("mail", fmt.Sprintf("m%d", i))
		b.clock.Advance(time.Second)
	}
	b.kill("reports", "r0")
	dl := application.NewDeadLetters(b.broker)

	page, err := dl.List(t.Context(), ports.ListDeadLettersParams{})
	require.NoError(t, err)
	require.EqualValues(t, 4, page.Total)
	require.Len(t, page.Items, 4)
	require.Equal(t, "r0", page.Items[0].Task.ID, "newest first")

	page, err = dl.List(t.Context(), ports.ListDeadLettersParams{Queue: "mail", Offset: 1, Limit: 1})
	require.NoError(t, err)
	require.EqualValues(t, 3, page.Total)
	require.Len(t, page.Items, 1)
	require.Equal(t, "m1", page.Items[0].Task.ID)

	page, err = dl.List(t.Context(), ports.ListDeadLettersParams{Limit: 1_000_000})
	require.NoError(t, err, "large limits are capped, not refused")
	require.Len(t, page.Items, 4)
}

// countingDeadLetters records the params List receives.
type countingDeadLetters struct {
	ports.DeadLetterPort
	got []ports.ListDeadLettersParams
}

func (c *countingDeadLetters) List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	c.got = append(c.got, p)
	return c.DeadLetterPort.List(ctx, p)
}

func TestDeadLettersListDefaultsAndCapsLimit(t *testing.T) {
	t.Parallel()
	spy := &countingDeadLetters{DeadLetterPort: setupBroker(t).broker}
	dl := application.NewDeadLetters(spy)
	for _, limit := range []int{0, 7, 5000} {
		_, err := dl.List(t.Context(), ports.ListDeadLettersParams{Limit: limit})
		require.NoError(t, err)
	}
	require.Equal(t, application.DefaultDeadLetterLimit, spy.got[0].Limit)
	require.Equal(t, 7, spy.got[1].Limit)
	require.Equal(t, application.MaxDeadLetterLimit, spy.got[2].Limit)
}

func TestDeadLettersListRejectsBadParams(t *testing.T) {
	t.Parallel()
	dl := application.NewDeadLetters(setupBroker(t).broker)
	cases := []struct {
		field string
		p     ports.ListDeadLettersParams
	}{
		{"limit", ports.ListDeadLettersParams{Limit: -1}},
		{"offset", ports.ListDeadLettersParams{Offset: -1}},
		{"offset", ports.ListDeadLettersParams{Offset: application.MaxDeadLetterOffset + 1}},
		{"offset", ports.ListDeadLettersParams{Offset: math.MaxInt}},
		{"queue", ports.ListDeadLettersParams{Queue: "no spaces"}},
	}
	for _, tc := range cases {
		_, err := dl.List(t.Context(), tc.p)
		requireField(t, err, tc.field)
	}
}

func TestDeadLettersGetRequeueDelete(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.kill("mail", "a")
	b.kill("mail", "b")
	dl := application.NewDeadLetters(b.broker)

	got, err := dl.Get(t.Context(), "a")
	require.NoError(t, err)
	require.Equal(t, "broken a", got.Reason)

	task, err := dl.Requeue(t.Context(), "a")
	require.NoError(t, err)
	require.Equal(t, 0, task.Attempt)
	info, err := b.broker.Task(t.Context(), "a")
	require.NoError(t, err)
	require.Equal(t, domain.StatePending, info.State)

	require.NoError(t, dl.Delete(t.Context(), "b"))
	_, err = dl.Get(t.Context(), "b")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound)
	_, err = dl.Requeue(t.Context(), "b")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound)
	require.ErrorIs(t, dl.Delete(t.Context(), "b"), domain.ErrDeadLetterNotFound)
}

func TestDeadLettersRejectInvalidIDs(t *testing.T) {
	t.Parallel()
	dl := application.NewDeadLetters(setupBroker(t).broker)
	_, err := dl.Get(t.Context(), "")
	requireField(t, err, "id")
	_, err = dl.Requeue(t.Context(), "a b")
	requireField(t, err, "id")
	requireField(t, dl.Delete(t.Context(), "/x"), "id")
}

func TestDeadLettersPurge(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.kill("mail", "m1")
	b.kill("mail", "m2")
	b.kill("reports", "r1")
	dl := application.NewDeadLetters(b.broker)

	_, err := dl.Purge(t.Context(), "bad queue")
	requireField(t, err, "queue")

	n, err := dl.Purge(t.Context(), "mail")
	require.NoError(t, err)
	require.EqualValues(t, 2, n)
	n, err = dl.Purge(t.Context(), "")
	require.NoError(t, err)
	require.EqualValues(t, 1, n)
	page, err := dl.List(t.Context(), ports.ListDeadLettersParams{})
	require.NoError(t, err)
	require.Zero(t, page.Total)
}
