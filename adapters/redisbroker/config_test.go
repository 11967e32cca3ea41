package redisbroker_test

import (
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
)

func TestConfigValidateNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg   redisbroker.Config
		field string
	}{
		{redisbroker.Config{Prefix: "a{b}"}, "redis.prefix"},
		{redisbroker.Config{Prefix: "a b"}, "redis.prefix"},
		{redisbroker.Config{CompletedRetention: -time.Second}, "redis.completed_retention"},
		{redisbroker.Config{BlockTimeout: time.Microsecond}, "redis.block_timeout"},
		{redisbroker.Config{BatchLimit: -1}, "redis.batch_limit"},
	}
	for _, c := range cases {
		requireField(t, c.cfg.Validate(), c.field)
	}
	require.NoError(t, redisbroker.Config{}.Validate(), "the zero Config takes defaults")
}

func TestClientConfigValidateNamesTheField(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg   redisbroker.ClientConfig
		field string
	}{
		{redisbroker.ClientConfig{}, "redis.url"},
		{redisbroker.ClientConfig{URL: "http://example"}, "redis.url"},
		{redisbroker.ClientConfig{URL: "redis://h:1/2", ClusterAddrs: []string{"h:1"}}, "redis.url"},
		{redisbroker.ClientConfig{ClusterAddrs: []string{"h:1"}, SentinelAddrs: []string{"s:1"}}, "redis.cluster_addrs"},
		{redisbroker.ClientConfig{SentinelMaster: "m"}, "redis.sentinel_addrs"},
		{redisbroker.ClientConfig{SentinelAddrs: []string{"s:1"}}, "redis.sentinel_master"},
		{redisbroker.ClientConfig{URL: "redis://h:1", ReadTimeout: -1}, "redis.read_timeout"},
	}
	for _, c := range cases {
		requireField(t, c.cfg.Validate(), c.field)
	}
}

func TestNewClientPicksTheMode(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg  redisbroker.ClientConfig
		want any
	}{
		{redisbroker.ClientConfig{URL: "redis://u:p@127.0.0.1:1/3"}, &redis.Client{}},
		{redisbroker.ClientConfig{ClusterAddrs: []string{"127.0.0.1:1", "127.0.0.1:2"}}, &redis.ClusterClient{}},
		{redisbroker.ClientConfig{ClusterAddrs: []string{"127.0.0.1:1"}}, &redis.ClusterClient{}},
		{redisbroker.ClientConfig{SentinelMaster: "m", SentinelAddrs: []string{"127.0.0.1:1"}}, &redis.Client{}},
	}
	for _, c := range cases {
		client, err := redisbroker.NewClient(c.cfg)
		require.NoError(t, err)
		require.IsType(t, c.want, client, "%+v", c.cfg)
		require.NoError(t, client.Close())
	}
}

func TestNewRefusesBlockTimeoutBeyondReadTimeout(t *testing.T) {
	t.Parallel()
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: "redis://127.0.0.1:1", ReadTimeout: time.Second})
	require.NoError(t, err)
	defer func() { _ = client.Close() }()
	_, err = redisbroker.New(client, redisbroker.Config{BlockTimeout: 2 * time.Second})
	requireField(t, err, "redis.block_timeout")
}

func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var verr *domain.ValidationError
	require.True(t, errors.As(err, &verr), "want a ValidationError naming %s, got %v", field, err)
	require.Equal(t, field, verr.Field)
	require.ErrorIs(t, err, domain.ErrInvalid)
}
