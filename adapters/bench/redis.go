package bench

import (
	"bufio"
	"context"
	"crypto/rand"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/ports"
)

// NewRunPrefix returns a key prefix no other run uses, so a run can share a
// Redis with anything else and clean up exactly what it stored.
func NewRunPrefix() string { return "popbox-bench-" + strings.ToLower(rand.Text()[:12]) }

// OpenRedis returns a Redis broker with its own connection pool on the
// single server at url, its keys under prefix. The returned function
// closes it.
func OpenRedis(url, prefix string) (ports.Broker, func() error, error) {
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: url})
	if err != nil {
		return nil, nil, fmt.Errorf("redis client: %w", err)
	}
	b, err := redisbroker.New(client, redisbroker.Config{Prefix: prefix})
	if err != nil {
		_ = client.Close()
		return nil, nil, fmt.Errorf("redis broker: %w", err)
	}
	return b, b.Close, nil
}

// NewRedisTarget measures the single Redis server at url, keeping every
// key under prefix (see NewRunPrefix). It checks that the server answers.
// Its CleanupFunc deletes every key under prefix (SCAN on the run's own
// prefix: this is the bench, not the production path) and closes the
// admin connection. The caller sets SplitWorkerFunc to run e2e_split's
// worker in another process.
func NewRedisTarget(ctx context.Context, url, prefix string) (Target, error) {
	admin, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: url})
	if err != nil {
		return Target{}, fmt.Errorf("redis client: %w", err)
	}
	info, err := admin.Info(ctx, "server").Result()
	if err != nil {
		_ = admin.Close()
		return Target{}, fmt.Errorf("redis at %s: %w", url, err)
	}
	return Target{
		Name:            "redis",
		Version:         infoFields(info)["redis_version"],
		OpenFunc:        func(context.Context) (ports.Broker, func() error, error) { return OpenRedis(url, prefix) },
		ServerStatsFunc: func(ctx context.Context) (ServerStats, error) { return redisStats(ctx, admin) },
		CleanupFunc: func(ctx context.Context) error {
			err := deletePrefix(ctx, admin, prefix)
			if cerr := admin.Close(); err == nil {
				err = cerr
			}
			return err
		},
	}, nil
}

// redisStats reads used_cpu_sys + used_cpu_user from INFO cpu and the
// calls of every command from INFO commandstats (commands that scripts run
// count there too).
func redisStats(ctx context.Context, c redis.UniversalClient) (ServerStats, error) {
	info, err := c.Info(ctx, "cpu", "commandstats").Result()
	if err != nil {
		return ServerStats{}, fmt.Errorf("INFO: %w", err)
	}
	fields := infoFields(info)
	var total float64
	for _, name := range []string{"used_cpu_sys", "used_cpu_user"} {
		v, err := strconv.ParseFloat(fields[name], 64)
		if err != nil {
			return ServerStats{}, fmt.Errorf("INFO cpu: %s: %w", name, err)
		}
		total += v
	}
	st := ServerStats{CPU: time.Duration(total * float64(time.Second)), Commands: make(map[string]int64)}
	for name, value := range fields {
		cmd, ok := strings.CutPrefix(name, "cmdstat_")
		if !ok {
			continue
		}
		calls, _, _ := strings.Cut(strings.TrimPrefix(value, "calls="), ",")
		if n, err := strconv.ParseInt(calls, 10, 64); err == nil {
			st.Commands[cmd] = n
		}
	}
	return st, nil
}

// infoFields parses the name:value lines of an INFO reply.
func infoFields(info string) map[string]string {
	out := make(map[string]string)
	sc := bufio.NewScanner(strings.NewReader(info))
	for sc.Scan() {
		name, value, ok := strings.Cut(strings.TrimSpace(sc.Text()), ":")
		if ok && !strings.HasPrefix(name, "#") {
			out[name] = value
		}
	}
	return out
}

// deletePrefix unlinks every key under prefix.
func deletePrefix(ctx context.Context, c redis.UniversalClient, prefix string) error {
	iter := c.Scan(ctx, 0, globEscape(prefix)+":*", 1000).Iterator()
	batch := make([]string, 0, 500)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := c.Unlink(ctx, batch...).Err()
		batch = batch[:0]
		return err
	}
	for iter.Next(ctx) {
		batch = append(batch, iter.Val())
		if len(batch) == cap(batch) {
			if err := flush(); err != nil {
				return fmt.Errorf("cleanup %s: %w", prefix, err)
			}
		}
	}
	if err := iter.Err(); err != nil {
		return fmt.Errorf("cleanup %s: %w", prefix, err)
	}
	if err := flush(); err != nil {
		return fmt.Errorf("cleanup %s: %w", prefix, err)
	}
	return nil
}

// globEscape quotes the characters SCAN MATCH treats specially.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}
