package application_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// expiries records what retention reports, per queue.
type expiries struct {
	mu  sync.Mutex
	got map[string]ports.ExpireResult
}

func (e *expiries) add(queue string, r ports.ExpireResult) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.got == nil {
		e.got = map[string]ports.ExpireResult{}
	}
	prev := e.got[queue]
	e.got[queue] = ports.ExpireResult{Expired: prev.Expired + r.Expired, Trimmed: prev.Trimmed + r.Trimmed}
}

func (e *expiries) snapshot() map[string]ports.ExpireResult {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := map[string]ports.ExpireResult{}
	for k, v := range e.got {
		out[k] = v
	}
	return out
}

func TestRetentionExpiresOldAndTrimsMany(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.kill("old", "o1")
	b.kill("old", "o2")
	b.clock.Advance(2 * time.Hour)
	for i := range 4 {
		b.kill("many", fmt.Sprintf("n%d", i))
		b.clock.Advance(time.Second)
	}
	b.put("quiet", "q1")

	var seen expiries
	r := application.NewRetention(application.RetentionConfig{MaxAge: time.Hour, MaxSize: 3, Every: time.Hour},
		b.broker, b.broker, b.clock, seen.add)
	require.NoError(t, r.RunOnce(t.Context()))

	require.Equal(t, map[string]ports.ExpireResult{
		"old":  {Expired: 2},
		"many": {Trimmed: 1},
	}, seen.snapshot(), "queues with nothing removed are not reported")

	page, err := b.broker.List(t.Context(), ports.ListDeadLettersParams{Limit: 10})
	require.NoError(t, err)
	require.EqualValues(t, 3, page.Total)
	require.Equal(t, "n3", page.Items[0].Task.ID)
	require.Equal(t, "n1", page.Items[2].Task.ID, "the oldest of queue many was trimmed")
}

func TestRetentionRunsPeriodicallyUntilStopped(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.kill("mail", "m1")
	b.clock.Advance(2 * time.Hour)

	var seen expiries
	r := application.NewRetention(application.RetentionConfig{MaxAge: time.Hour, Every: 5 * time.Millisecond},
		b.broker, b.broker, b.clock, seen.add)
	require.NoError(t, r.Start(t.Context()))
	require.ErrorIs(t, r.Start(t.Context()), application.ErrRetentionStarted)
	require.Eventually(t, func() bool { return seen.snapshot()["mail"].Expired == 1 }, waitBound, 5*time.Millisecond)

	b.kill("mail", "m2")
	b.clock.Advance(2 * time.Hour)
	require.Eventually(t, func() bool { return seen.snapshot()["mail"].Expired == 2 }, waitBound, 5*time.Millisecond)
	require.NoError(t, r.Stop(context.Background()))
	require.NoError(t, r.Stop(context.Background()), "stopping twice is fine")
}

func TestRetentionStopBeforeStart(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	r := application.NewRetention(application.DefaultRetentionConfig(), b.broker, b.broker, b.clock, nil)
	require.NoError(t, r.Stop(context.Background()))
	require.NoError(t, r.RunOnce(t.Context()), "a nil onExpire is allowed")
}

// failingExpire is a dead-letter port whose Expire always fails.
type failingExpire struct{ ports.DeadLetterPort }

func (failingExpire) Expire(context.Context, ports.ExpireParams) (ports.ExpireResult, error) {
	return ports.ExpireResult{}, fmt.Errorf("expire: %w", domain.ErrBrokerUnavailable)
}

func TestRetentionReportsFailedRuns(t *testing.T) {
	t.Parallel()
	b := setupBroker(t)
	b.kill("mail", "m1")
	errs := make(chan error, 10)
	cfg := application.RetentionConfig{MaxAge: time.Hour, Every: 5 * time.Millisecond, ErrorFunc: func(err error) {
		select {
		case errs <- err:
		default:
		}
	}}
	r := application.NewRetention(cfg, b.broker, failingExpire{b.broker}, b.clock, nil)
	require.NoError(t, r.Start(t.Context()))
	defer func() { require.NoError(t, r.Stop(context.Background())) }()
	select {
	case err := <-errs:
		require.ErrorIs(t, err, domain.ErrBrokerUnavailable)
	case <-time.After(waitBound):
		t.Fatal("a failed retention run was not reported")
	}
}
