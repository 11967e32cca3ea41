package redisbroker

import (
	"context"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"
)

// oldServer answers INFO as Redis before 7.0 does: no section or one
// section, and a syntax error for several.
type oldServer struct{ sections map[string]string }

type replyError string

func (e replyError) Error() string { return string(e) }
func (replyError) RedisError()     {}

func (s oldServer) Info(ctx context.Context, sections ...string) *redis.StringCmd {
	cmd := redis.NewStringCmd(ctx, "info")
	switch len(sections) {
	case 0:
		var all []string
		for _, text := range s.sections {
			all = append(all, text)
		}
		cmd.SetVal(strings.Join(all, "\r\n"))
	case 1:
		cmd.SetVal(s.sections[sections[0]])
	default:
		cmd.SetErr(replyError("ERR syntax error"))
	}
	return cmd
}

func newOldServer(version string) oldServer {
	return oldServer{sections: map[string]string{
		"server":      "# Server\r\nredis_version:" + version + "\r\n",
		"memory":      "# Memory\r\nmaxmemory_policy:noeviction\r\n",
		"persistence": "# Persistence\r\naof_enabled:1\r\n",
	}}
}

// TestCheckNodeReadsRedisBeforeSeven checks that a Redis 6.2 server, the
// oldest supported, is read rather than reported as refusing INFO, and is
// found safe.
func TestCheckNodeReadsRedisBeforeSeven(t *testing.T) {
	t.Parallel()
	warnings, err := checkNode(t.Context(), newOldServer("6.2.14"), "")
	require.NoError(t, err)
	require.Empty(t, warnings)
}

// TestCheckNodeWarnsOnRedisTooOld checks the version floor.
func TestCheckNodeWarnsOnRedisTooOld(t *testing.T) {
	t.Parallel()
	for _, v := range []string{"6.0.16", "5.0.14", "4.0.0"} {
		warnings, err := checkNode(t.Context(), newOldServer(v), "")
		require.NoError(t, err)
		require.Len(t, warnings, 1, "version %s: %q", v, warnings)
		require.Contains(t, warnings[0], "older than 6.2")
	}
}

func TestOlderThan(t *testing.T) {
	t.Parallel()
	cases := []struct {
		version string
		want    bool
	}{
		{"6.0.16", true}, {"5.0.0", true}, {"6.2.0", false}, {"6.2.14", false},
		{"7.0.15", false}, {"10.0.0", false}, {"255.255.255", false}, {"garbage", false},
	}
	for _, c := range cases {
		require.Equal(t, c.want, olderThan(c.version, minRedisVersion), c.version)
	}
}
