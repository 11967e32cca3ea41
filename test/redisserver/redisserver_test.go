package redisserver_test

import (
	"context"
	"sync/atomic"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/test/redisserver"
)

func ping(t *testing.T, addr string) error {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1, DialerRetries: 1})
	defer func() { _ = c.Close() }()
	return c.Ping(context.Background()).Err()
}

func TestLocalProcessKillAndRestartKeepsAOFData(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t, redisserver.WithLocalProcess(), redisserver.WithAOF())
	require.Equal(t, "process", srv.Kind())
	c := redis.NewClient(&redis.Options{Addr: srv.Addr()})
	defer func() { _ = c.Close() }()
	require.NoError(t, c.Set(t.Context(), "k", "v", 0).Err())

	srv.Kill()
	require.Error(t, ping(t, srv.Addr()), "a killed server must not answer")
	addr := srv.Addr()
	srv.Restart()
	require.Equal(t, addr, srv.Addr(), "Restart keeps the port")
	v, err := c.Get(t.Context(), "k").Result()
	require.NoError(t, err)
	require.Equal(t, "v", v, "with AOF a write survives SIGKILL and restart")

	srv.Stop()
	require.Error(t, ping(t, srv.Addr()), "a stopped server must not answer")
}

func TestExternalURLIsUsedAsIs(t *testing.T) {
	own := redisserver.Start(t, redisserver.WithLocalProcess())
	t.Setenv(redisserver.URLEnv, own.URL())
	srv := redisserver.Start(t)
	require.Equal(t, "external", srv.Kind())
	require.Equal(t, own.URL(), srv.URL())
	require.NoError(t, ping(t, srv.Addr()))
}

func TestClusterServesEveryNode(t *testing.T) {
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3)
	require.Len(t, cluster.Addrs(), 3)
	c := redis.NewClusterClient(&redis.ClusterOptions{Addrs: cluster.Addrs()})
	defer func() { _ = c.Close() }()
	for _, key := range []string{"a", "b", "c", "d", "e", "f"} {
		require.NoError(t, c.Set(t.Context(), key, key, 0).Err())
	}
	var masters atomic.Int32 // ForEachMaster calls in parallel
	require.NoError(t, c.ForEachMaster(t.Context(), func(ctx context.Context, node *redis.Client) error {
		masters.Add(1)
		return node.Ping(ctx).Err()
	}))
	require.EqualValues(t, 3, masters.Load())
}
