package redisbroker_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/ports/porttest"
	"github.com/popbox/popbox/test/redisserver"
)

// A process whose clock is an hour ahead agrees with Redis after one Sync.
func TestServerClockFollowsRedis(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	client := newClient(t, srv.URL())
	skewed := porttest.NewFakeClock(time.Now().Add(time.Hour))
	c := redisbroker.NewServerClock(client, skewed)
	require.WithinDuration(t, time.Now().Add(time.Hour), c.Now(), time.Second, "before Sync it is the local clock")

	require.NoError(t, c.Sync(context.Background()))
	server, err := client.Time(context.Background()).Result()
	require.NoError(t, err)
	require.WithinDuration(t, server, c.Now(), time.Second)
	require.InDelta(t, -time.Hour.Seconds(), c.Offset().Seconds(), 1)

	skewed.Advance(time.Minute)
	require.WithinDuration(t, server.Add(time.Minute), c.Now(), time.Second, "it keeps following the local clock's pace")
}

func TestServerClockKeepsOffsetWhenRedisIsDown(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess())
	client := newClient(t, srv.URL())
	c := redisbroker.NewServerClock(client, porttest.NewFakeClock(time.Now().Add(-time.Hour)))
	require.NoError(t, c.Sync(context.Background()))
	before := c.Offset()
	srv.Stop()
	require.Error(t, c.Sync(context.Background()))
	require.Equal(t, before, c.Offset())
}
