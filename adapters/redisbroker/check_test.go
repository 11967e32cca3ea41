package redisbroker_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/test/redisserver"
)

func TestCheckServer(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		opts []redisserver.Option
		want []string // substrings, one per expected warning
	}{
		{"AOFOffWarns", nil, []string{"appendonly is off"}},
		{"SafeSettingsAreQuiet", []redisserver.Option{redisserver.WithAOF()}, nil},
		{"EvictionWarns", []redisserver.Option{redisserver.WithAOF(), redisserver.WithArgs("--maxmemory-policy", "allkeys-lru")},
			[]string{`maxmemory-policy is "allkeys-lru"`}},
		{"RefusedInfoWarns", []redisserver.Option{redisserver.WithArgs("--rename-command", "INFO", "")},
			[]string{"could not read the server's settings"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			srv := redisserver.Start(t, append(c.opts, redisserver.WithLocalProcess())...)
			f := newFixture(t, newClient(t, srv.URL()), redisbroker.Config{})
			warnings, err := f.broker.CheckServer(t.Context())
			require.NoError(t, err)
			require.Len(t, warnings, len(c.want), "warnings: %q", warnings)
			for i, w := range c.want {
				require.Contains(t, warnings[i], w)
			}
		})
	}
}

func TestCheckServerOnCluster(t *testing.T) {
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3)
	f := newFixture(t, newClusterClient(t, cluster.Addrs()), redisbroker.Config{})
	warnings, err := f.broker.CheckServer(t.Context())
	require.NoError(t, err)
	require.Len(t, warnings, 3, "every master without AOF must be named: %q", warnings)
	for _, w := range warnings {
		require.Contains(t, w, "appendonly is off")
	}
}
