package redisbroker

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/redis/go-redis/v9"
)

// CheckServer reads each server's version, eviction and persistence
// settings and returns a warning, for operators, per problem: a Redis
// older than 6.2 (claims use LPOP with a count, so every Dequeue would
// fail), a maxmemory-policy other than noeviction (Redis may evict queued
// tasks) and AOF off (a restart loses what was acknowledged since the last
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
	// INFO without a section: Redis before 7.0 refuses several sections
	// in one call, and the default set holds server, memory and
	// persistence.
	info, err := c.Info(ctx).Result()
	if err != nil {
		if isServerRefusal(err) {
			return []string{label + fmt.Sprintf("could not read the server's settings (INFO refused: %v); make sure Redis is %s or later, maxmemory-policy is noeviction and AOF is on", err, minRedisVersion)}, nil
		}
		return nil, interpretError("check server", err)
	}
	fields := parseInfo(info)
	var warnings []string
	if v, ok := fields["redis_version"]; ok && olderThan(v, minRedisVersion) {
		warnings = append(warnings, label+fmt.Sprintf("Redis %s is older than %s, which PopBox needs (LPOP with a count): every Dequeue will fail; upgrade Redis", v, minRedisVersion))
	}
	if policy, ok := fields["maxmemory_policy"]; ok && policy != "noeviction" {
		warnings = append(warnings, label+fmt.Sprintf("maxmemory-policy is %q: Redis may evict queued tasks under memory pressure; set it to noeviction", policy))
	}
	if aof, ok := fields["aof_enabled"]; ok && aof != "1" {
		warnings = append(warnings, label+"appendonly is off: a Redis restart loses tasks stored since the last snapshot; turn AOF on (appendonly yes)")
	}
	return warnings, nil
}

// minRedisVersion is the oldest Redis the scripts run on: claim.lua pops
// a batch with LPOP's count argument, new in 6.2.
const minRedisVersion = "6.2"

// olderThan reports whether version ("major.minor.patch") is below
// floor ("major.minor"). A version it cannot read is not reported.
func olderThan(version, floor string) bool {
	have := strings.SplitN(version, ".", 3)
	want := strings.SplitN(floor, ".", 2)
	if len(have) < 2 {
		return false
	}
	for i := range want {
		h, errH := strconv.Atoi(have[i])
		w, errW := strconv.Atoi(want[i])
		if errH != nil || errW != nil {
			return false
		}
		if h != w {
			return h < w
		}
	}
	return false
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
