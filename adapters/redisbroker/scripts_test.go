package redisbroker_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TestEnqueueScriptTwiceStoresOnce replays the enqueue script as a go-redis
// retry would after a lost reply: the second run must store nothing.
func TestEnqueueScriptTwiceStoresOnce(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	k := redisbroker.QueueKeys(f.prefix, "q")
	keys := []string{k["pending"], k["scheduled"], k["tasks"], k["wake"]}
	args := []any{f.clock.Now().UnixMilli(), "t1", `{"type":"x","payload":{}}`, 0, 3, 0, ""}

	first, err := redisbroker.EnqueueScript.Run(t.Context(), f.client, keys, args...).Slice()
	require.NoError(t, err)
	require.Equal(t, []any{[]any{int64(1), "pending"}}, first)

	rerun, err := redisbroker.EnqueueScript.Run(t.Context(), f.client, keys, args...).Slice()
	require.NoError(t, err)
	require.Len(t, rerun, 1)
	again := rerun[0].([]any)
	require.EqualValues(t, 0, again[0], "a re-run must report the existing task")
	require.True(t, strings.HasPrefix(again[2].(string), "pending|"), "the existing task is pending: %v", again[2])

	n, err := f.client.LLen(t.Context(), k["pending"]).Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, n, "a re-run must not push the id twice")
}

// TestAckScriptTwiceSucceeds replays the ack script: the second run must
// report success without changing anything.
func TestAckScriptTwiceSucceeds(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	lease := enqueueAndLease(t, f, "q", "a")
	k := redisbroker.QueueKeys(f.prefix, "q")
	now := f.clock.Now().UnixMilli()
	keys := []string{k["leases"], k["done"], k["tasks"]}
	args := []any{now, now - time.Hour.Milliseconds(), 100, "a", lease.Token}

	for run := 1; run <= 2; run++ {
		ok, err := redisbroker.AckScript.Run(t.Context(), f.client, keys, args...).Int64Slice()
		require.NoError(t, err)
		require.Equal(t, []int64{1}, ok, "run %d of the same ack must succeed", run)
	}
	done, err := f.client.LLen(t.Context(), k["done"]).Result()
	require.NoError(t, err)
	require.EqualValues(t, 1, done)
	info, err := f.broker.Task(t.Context(), "a")
	require.NoError(t, err)
	require.Equal(t, domain.StateSucceeded, info.State)
}

// TestAckScriptWithAPairTwiceRecordsOneSuccess sends one lease twice in
// one batch, as a retried Ack coalesced with its first try does: both
// succeed and the task joins the done list once.
func TestAckScriptWithAPairTwiceRecordsOneSuccess(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	lease := enqueueAndLease(t, f, "q", "a")
	k := redisbroker.QueueKeys(f.prefix, "q")
	now := f.clock.Now().UnixMilli()
	keys := []string{k["leases"], k["done"], k["tasks"]}
	args := []any{now, now - time.Hour.Milliseconds(), 100, "a", lease.Token, "a", "forged", "a", lease.Token}

	ok, err := redisbroker.AckScript.Run(t.Context(), f.client, keys, args...).Int64Slice()
	require.NoError(t, err)
	require.Equal(t, []int64{1, 0, 1}, ok)
	done, err := f.client.LRange(t.Context(), k["done"], 0, -1).Result()
	require.NoError(t, err)
	require.Equal(t, []string{"a"}, done)
}

func TestForgedTokenIsLeaseLost(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	lease := enqueueAndLease(t, f, "q", "a")
	forged := lease
	forged.Token = lease.Token + "x"

	require.ErrorIs(t, f.broker.Ack(t.Context(), forged), domain.ErrLeaseLost)
	require.ErrorIs(t, f.broker.Release(t.Context(), forged), domain.ErrLeaseLost)
	err := f.broker.Retry(t.Context(), ports.RetryParams{Lease: forged, RunAt: f.clock.Now(), Error: "x"})
	require.ErrorIs(t, err, domain.ErrLeaseLost)
	require.ErrorIs(t, f.broker.Add(t.Context(), ports.DeadLetterParams{Lease: forged, Reason: "x"}), domain.ErrLeaseLost)
	require.NoError(t, f.broker.Ack(t.Context(), lease), "the real token still works")
}

// TestScriptsSurviveFlushedCache empties the server's script cache, as a
// restart does, and checks the pipelined path (Extend) and the plain path
// (Ack) both load the scripts again.
func TestScriptsSurviveFlushedCache(t *testing.T) {
	t.Parallel()
	f, _ := setup(t)
	lease := enqueueAndLease(t, f, "q", "a")
	require.NoError(t, f.client.ScriptFlush(t.Context()).Err())

	got, err := f.broker.Extend(t.Context(), ports.ExtendParams{Leases: []ports.Lease{lease}, For: time.Minute})
	require.NoError(t, err)
	require.Len(t, got, 1, "Extend must renew the lease after the script cache was flushed")

	require.NoError(t, f.client.ScriptFlush(t.Context()).Err())
	require.NoError(t, f.broker.Ack(t.Context(), lease))
}

// TestCompletedTasksAreForgottenAfterRetention checks that retention is
// judged by the injected clock.
func TestCompletedTasksAreForgottenAfterRetention(t *testing.T) {
	t.Parallel()
	srv := startServer(t)
	f := newFixture(t, newClient(t, srv.URL()), redisbroker.Config{CompletedRetention: time.Hour})
	require.NoError(t, f.broker.Ack(t.Context(), enqueueAndLease(t, f, "q", "a")))

	f.clock.Advance(time.Hour - time.Second)
	_, err := f.broker.Recover(t.Context(), []string{"q"})
	require.NoError(t, err)
	_, err = f.broker.Task(t.Context(), "a")
	require.NoError(t, err, "a succeeded task is remembered within its retention")

	f.clock.Advance(2 * time.Second)
	_, err = f.broker.Recover(t.Context(), []string{"q"})
	require.NoError(t, err)
	_, err = f.broker.Task(t.Context(), "a")
	require.ErrorIs(t, err, domain.ErrTaskNotFound, "a succeeded task is forgotten after its retention")

	res, err := f.broker.Enqueue(t.Context(), newTask(f, "q", "a"))
	require.NoError(t, err)
	require.False(t, res.Duplicate, "a forgotten id may be enqueued again")
}
