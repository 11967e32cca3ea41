package test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/test/redisserver"
)

// redisBroker returns a broker on srv under a fresh prefix, closed when t
// ends.
func redisBroker(t *testing.T, srv *redisserver.Server) *redisbroker.Broker {
	t.Helper()
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: srv.URL()})
	require.NoError(t, err)
	b, err := redisbroker.New(client, redisbroker.Config{Prefix: fmt.Sprintf("fault-%d", time.Now().UnixNano())})
	require.NoError(t, err)
	t.Cleanup(func() { _ = b.Close() })
	return b
}

func brokerTask(id string, payloadBytes int) domain.Task {
	now := time.Now()
	payload := fmt.Sprintf(`{"pad":%q}`, strings.Repeat("x", payloadBytes))
	return domain.Task{ID: id, Type: "test.job", Payload: json.RawMessage(payload), Queue: "q", MaxAttempts: 3, CreatedAt: now, RunAt: now}
}

func leaseOne(t *testing.T, b ports.QueuePort) ports.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	leases, err := b.Dequeue(ctx, ports.DequeueParams{Queues: []string{"q"}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	return leases[0]
}

// TestRedisDownIsBrokerUnavailable: with Redis gone, Enqueue and the reads
// fail with ErrBrokerUnavailable (the API's 503) instead of hanging or
// claiming success.
func TestRedisDownIsBrokerUnavailable(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess())
	b := redisBroker(t, srv)
	_, err := b.Enqueue(t.Context(), brokerTask("before", 10))
	require.NoError(t, err)
	srv.Kill()

	start := time.Now()
	_, err = b.Enqueue(t.Context(), brokerTask("during", 10))
	t.Logf("Enqueue against a dead Redis failed after %s", time.Since(start))
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable, "Enqueue against a dead Redis")
	_, err = b.Stats(t.Context(), "q")
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable, "Stats against a dead Redis")
	require.ErrorIs(t, b.Ping(t.Context()), domain.ErrBrokerUnavailable, "Ping against a dead Redis")
	_, err = b.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{"q"}, Max: 1, LeaseFor: time.Minute})
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable, "Dequeue against a dead Redis")
}

// TestRedisFullIsBrokerUnavailable fills a Redis capped by maxmemory with
// noeviction: the refused write is ErrBrokerUnavailable and stores nothing.
func TestRedisFullIsBrokerUnavailable(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess(),
		redisserver.WithArgs("--maxmemory", "4mb", "--maxmemory-policy", "noeviction"))
	b := redisBroker(t, srv)
	var err error
	stored := 0
	for i := 0; i < 200 && err == nil; i++ {
		if _, err = b.Enqueue(t.Context(), brokerTask(fmt.Sprintf("t%d", i), 64<<10)); err == nil {
			stored++
		}
	}
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable, "a full Redis must refuse the enqueue")
	require.Contains(t, err.Error(), "OOM", "the cause is kept for the logs")
	stats, serr := b.Stats(t.Context(), "q")
	require.NoError(t, serr)
	require.EqualValues(t, stored, stats.Pending, "a refused enqueue must store nothing")
}

// TestRedisRestartKeepsAckedState kills Redis (SIGKILL, AOF fsync always)
// and restarts it on the same port: the same broker reconnects by itself
// and nothing it acknowledged is lost.
func TestRedisRestartKeepsAckedState(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess(), redisserver.WithAOF())
	b := redisBroker(t, srv)
	for _, id := range []string{"done", "waiting"} {
		_, err := b.Enqueue(t.Context(), brokerTask(id, 10))
		require.NoError(t, err)
	}
	require.NoError(t, b.Ack(t.Context(), leaseOne(t, b)))

	srv.Kill()
	srv.Restart()

	info, err := b.Task(t.Context(), "done")
	require.NoError(t, err, "the broker must reconnect after a restart")
	require.Equal(t, domain.StateSucceeded, info.State, "an acked task must stay succeeded across a crash")
	require.Equal(t, "waiting", leaseOne(t, b).Task.ID, "a pending task must survive a crash")
	_, err = b.Enqueue(t.Context(), brokerTask("after", 10))
	require.NoError(t, err, "Enqueue must work again after the restart")
}

// TestBlockedDequeueRecoversAfterRestart runs a worker-like loop (Dequeue,
// back off on errors, try again) across a Redis restart: it sees errors
// while Redis is down, never hangs, and gets the task enqueued afterwards.
func TestBlockedDequeueRecoversAfterRestart(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess(), redisserver.WithAOF())
	b := redisBroker(t, srv)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()

	type outcome struct {
		lease  ports.Lease
		outage bool
		err    error
	}
	got := make(chan outcome, 1)
	outage := make(chan struct{})
	go func() {
		var o outcome
		for {
			leases, err := b.Dequeue(ctx, ports.DequeueParams{Queues: []string{"q"}, Max: 1, LeaseFor: time.Minute})
			switch {
			case errors.Is(err, domain.ErrBrokerUnavailable):
				if !o.outage {
					close(outage)
				}
				o.outage = true
				time.Sleep(50 * time.Millisecond)
			case err != nil:
				o.err = err
				got <- o
				return
			default:
				o.lease = leases[0]
				got <- o
				return
			}
		}
	}()

	time.Sleep(100 * time.Millisecond) // let the loop block in Dequeue
	srv.Kill()
	select { // keep Redis down until the loop has met the outage
	case <-outage:
	case <-ctx.Done():
		require.FailNow(t, "a Dequeue against a dead Redis must fail, not hang")
	}
	srv.Restart()
	_, err := b.Enqueue(t.Context(), brokerTask("after-restart", 10))
	require.NoError(t, err)

	o := <-got
	require.NoError(t, o.err)
	require.True(t, o.outage, "the loop must have seen ErrBrokerUnavailable while Redis was down")
	require.Equal(t, "after-restart", o.lease.Task.ID, "Dequeue must work again after Redis returns")
}
