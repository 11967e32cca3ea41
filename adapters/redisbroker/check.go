package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// CheckServer reads each server's eviction and persistence settings and
// returns a warning, for operators, per setting that can lose tasks:
// a maxmemory-policy other than noeviction (Redis may evict queued tasks)
// and AOF off (a restart loses what was acknowledged since the last
// snapshot). It reads INFO, which managed services that disable CONFIG
// still serve; a server that refuses INFO too yields a warning, not an
// error. An error means Redis could not be reached. In Cluster mode every
// master is checked.
func (b *Broker) CheckServer(ctx context.Context) ([]string, error) {
	cc, ok := b.client.(*redis.ClusterClient)
	if !ok {
		return checkNode(ctx, b.client, "")
	}
	var (
		mu       sync.Mutex
		warnings []string
	)
	err := cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
		w, err := checkNode(ctx, node, node.Options().Addr+": ")
		mu.Lock()
		defer mu.Unlock()
		warnings = append(warnings, w...)
		return err
	})
	slices.Sort(warnings)
	return warnings, err
}

// infoReader is the part of a client checkNode needs.
type infoReader interface {
	Info(ctx context.Context, sections ...string) *redis.StringCmd
}

func checkNode(ctx context.Context, c infoReader, label string) ([]string, error) {
	info, err := c.Info(ctx, "memory", "persistence").Result()
	if err != nil {
		if isServerRefusal(err) {
			return []string{label + fmt.Sprintf("could not read the server's settings (INFO refused: %v); make sure maxmemory-policy is noeviction and AOF is on", err)}, nil
		}
		return nil, interpretError("check server", err)
	}
	fields := parseInfo(info)
	var warnings []string
	if policy, ok := fields["maxmemory_policy"]; ok && policy != "noeviction" {
		warnings = append(warnings, label+fmt.Sprintf("maxmemory-policy is %q: Redis may evict queued tasks under memory pressure; set it to noeviction", policy))
	}
	if aof, ok := fields["aof_enabled"]; ok && aof != "1" {
		warnings = append(warnings, label+"appendonly is off: a Redis restart loses tasks stored since the last snapshot; turn AOF on (appendonly yes)")
	}
	return warnings, nil
}

// isServerRefusal tells an error reply from Redis (the server answered,
// but no) from a failure to reach it.
func isServerRefusal(err error) bool {
	var rerr redis.Error
	return errors.As(err, &rerr)
}

// parseInfo splits INFO's "key:value" lines.
func parseInfo(info string) map[string]string {
	fields := map[string]string{}
	for _, line := range strings.Split(info, "\n") {
		k, v, ok := strings.Cut(strings.TrimSpace(line), ":")
		if ok && !strings.HasPrefix(k, "#") {
			fields[k] = v
		}
	}
	return fields
}
