package test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/test/redisserver"
)

// The hot-path benchmarks of issue 5, on the Redis broker and on memory,
// for benchstat to compare commits:
//
//	go test ./test -run '^$' -bench 'Enqueue|DequeueAck' -count 10 > new.txt
//	benchstat old.txt new.txt
//
// On Redis they also report the server's CPU per operation (redis-us/op,
// from INFO cpu), the figure issue 5 bounds.

// hotPathBroker is a broker under benchmark and, for Redis, a way to read
// the server's CPU time.
type hotPathBroker struct {
	ports.Broker
	serverCPU func() time.Duration // nil for memory
}

// hotPathTargets lists the brokers the hot-path benchmarks run on. Each
// call of a target's open gives a fresh broker (a new key prefix on the
// Redis started once for the whole benchmark).
func hotPathTargets(b *testing.B) []struct {
	name string
	open func(b *testing.B) hotPathBroker
} {
	srv := redisserver.Start(b)
	var seq atomic.Int64
	return []struct {
		name string
		open func(b *testing.B) hotPathBroker
	}{
		{"redis", func(b *testing.B) hotPathBroker {
			return openRedisHotPath(b, srv.URL(), fmt.Sprintf("hotpath-%d-%d", time.Now().UnixNano(), seq.Add(1)))
		}},
		{"memory", func(*testing.B) hotPathBroker { return hotPathBroker{Broker: memory.New(memory.Config{})} }},
	}
}

func openRedisHotPath(b *testing.B, url, prefix string) hotPathBroker {
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: url})
	require.NoError(b, err)
	broker, err := redisbroker.New(client, redisbroker.Config{Prefix: prefix})
	require.NoError(b, err)
	admin, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: url})
	require.NoError(b, err)
	b.Cleanup(func() {
		ctx := context.Background()
		for iter := admin.Scan(ctx, 0, prefix+":*", 1000).Iterator(); iter.Next(ctx); {
			admin.Unlink(ctx, iter.Val())
		}
		_ = admin.Close()
		_ = broker.Close()
	})
	return hotPathBroker{Broker: broker, serverCPU: func() time.Duration {
		info, err := admin.Info(context.Background(), "cpu").Result()
		require.NoError(b, err)
		return parseRedisCPU(b, info)
	}}
}

// parseRedisCPU sums used_cpu_sys and used_cpu_user of an INFO cpu reply.
func parseRedisCPU(b *testing.B, info string) time.Duration {
	var total float64
	for _, line := range strings.Split(info, "\n") {
		name, value, _ := strings.Cut(strings.TrimSpace(line), ":")
		if name == "used_cpu_sys" || name == "used_cpu_user" {
			v, err := strconv.ParseFloat(value, 64)
			require.NoError(b, err)
			total += v
		}
	}
	require.Positive(b, total, "INFO cpu reports used_cpu_sys and used_cpu_user")
	return time.Duration(total * float64(time.Second))
}

// measure runs the timed part of a benchmark of b.N operations and
// reports the server CPU per operation when there is a server.
func (h hotPathBroker) measure(b *testing.B, run func()) {
	b.ReportAllocs()
	var cpu0 time.Duration
	if h.serverCPU != nil {
		cpu0 = h.serverCPU()
	}
	b.ResetTimer()
	run()
	b.StopTimer()
	if h.serverCPU != nil {
		b.ReportMetric(float64(h.serverCPU()-cpu0)/float64(time.Microsecond)/float64(b.N), "redis-us/op")
	}
}

func hotPathTask(id string) domain.Task {
	now := time.Now()
	return domain.Task{
		ID: id, Type: "bench_noop", Queue: "hot", Payload: json.RawMessage(`{"n":1}`),
		MaxAttempts: 3, CreatedAt: now, RunAt: now,
	}
}

func hotPathIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = "t" + strconv.Itoa(i)
	}
	return ids
}

// BenchmarkEnqueue stores one new task per operation: from one goroutine
// (a round trip each), and from GOMAXPROCS goroutines at once.
func BenchmarkEnqueue(b *testing.B) {
	for _, target := range hotPathTargets(b) {
		b.Run(target.name+"/serial", func(b *testing.B) {
			h := target.open(b)
			ids := hotPathIDs(b.N)
			ctx := context.Background()
			h.measure(b, func() {
				for i := range b.N {
					if _, err := h.Enqueue(ctx, hotPathTask(ids[i])); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
		b.Run(target.name+"/parallel", func(b *testing.B) {
			h := target.open(b)
			ids := hotPathIDs(b.N)
			var next atomic.Int64
			ctx := context.Background()
			h.measure(b, func() {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						if _, err := h.Enqueue(ctx, hotPathTask(ids[next.Add(1)-1])); err != nil {
							b.Error(err)
							return
						}
					}
				})
			})
		})
	}
}

// BenchmarkDequeueAck leases and acks one task per operation, leasing up
// to batch tasks per Dequeue, from a backlog filled before the timer. The
// acks of one Dequeue go one after another ("serial") or all at once from
// their own goroutines, as a worker's handlers send them ("concurrent"),
// which lets the broker coalesce them.
func BenchmarkDequeueAck(b *testing.B) {
	for _, target := range hotPathTargets(b) {
		for _, batch := range []int{1, 10} {
			for _, concurrent := range []bool{false, true} {
				if batch == 1 && concurrent {
					continue
				}
				mode := "serial"
				if concurrent {
					mode = "concurrent"
				}
				b.Run(fmt.Sprintf("%s/batch%d/%s", target.name, batch, mode), func(b *testing.B) {
					h := target.open(b)
					fillHotPath(b, h, b.N)
					h.measure(b, func() { dequeueAckAll(b, h, batch, concurrent) })
				})
			}
		}
	}
}

// dequeueAckAll leases and acks b.N tasks, batch at a time.
func dequeueAckAll(b *testing.B, h hotPathBroker, batch int, concurrent bool) {
	ctx := context.Background()
	for done := 0; done < b.N; {
		leases, err := h.Dequeue(ctx, ports.DequeueParams{
			Queues: []string{"hot"}, Max: min(batch, b.N-done), LeaseFor: time.Minute,
		})
		if err != nil {
			b.Fatal(err)
		}
		errs := make([]error, len(leases))
		var wg sync.WaitGroup
		for i, l := range leases {
			if concurrent {
				wg.Go(func() { errs[i] = h.Ack(ctx, l) })
			} else {
				errs[i] = h.Ack(ctx, l)
			}
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				b.Fatal(err)
			}
		}
		done += len(leases)
	}
}

// fillHotPath enqueues n tasks from a few goroutines.
func fillHotPath(b *testing.B, h hotPathBroker, n int) {
	ids := hotPathIDs(n)
	var next atomic.Int64
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < n; i = int(next.Add(1) - 1) {
				if _, err := h.Enqueue(context.Background(), hotPathTask(ids[i])); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		b.Fatal(err)
	}
}

// TestBenchCommandOnRedis runs a tiny `popbox bench` against a real Redis:
// every phase reports, every task is acked, e2e_split's worker runs as a
// child process, and the run's keys are gone afterwards.
func TestBenchCommandOnRedis(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	prefix := fmt.Sprintf("benchcmd-%d", time.Now().UnixNano())
	cmd := exec.Command(popboxBinary(t), "bench", "--redis", srv.URL(), "--prefix", prefix,
		"--n", "300", "--concurrency", "10", "--producers", "3", "--paced-for", "200ms",
		"--pickup-repeats", "2", "--pickup-idle", "50ms", "--phase-timeout", "30s")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "cmd/popbox must dispatch `popbox bench ...` to bootstrap.RunBench; stderr:\n%s", stderr.String())

	var rep struct {
		Phases map[string]struct {
			Tasks     int                `json:"tasks"`
			Processed int                `json:"processed"`
			TasksPerS float64            `json:"tasks_per_s"`
			CPU       *float64           `json:"redis_cpu_us_per_task"`
			Commands  map[string]float64 `json:"redis_commands_per_task"`
			RSS       *float64           `json:"peak_rss_mb"`
			Latency   map[string]float64 `json:"latency"`
		} `json:"phases"`
		Broker string `json:"broker"`
	}
	require.NoError(t, json.Unmarshal(stdout.Bytes(), &rep), "stdout holds one JSON object:\n%s", stdout.String())
	require.Equal(t, "redis", rep.Broker)
	require.Len(t, rep.Phases, 7)
	for name, p := range rep.Phases {
		require.Positive(t, p.Tasks, name)
		require.Positive(t, p.TasksPerS, name)
		if name != "first_pickup" {
			require.NotNil(t, p.CPU, "%s reports Redis CPU", name)
			require.NotEmpty(t, p.Commands, "%s reports Redis commands", name)
		}
		if name != "enq1" && name != "enqG" {
			require.Equal(t, p.Tasks, p.Processed, "%s: every task acked", name)
			require.NotNil(t, p.RSS, name)
		}
	}
	require.Contains(t, rep.Phases["lat1000"].Latency, "p99_ms")

	admin, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: srv.URL()})
	require.NoError(t, err)
	defer func() { _ = admin.Close() }()
	var left []string
	iter := admin.Scan(context.Background(), 0, prefix+":*", 1000).Iterator()
	for iter.Next(context.Background()) {
		left = append(left, iter.Val())
	}
	require.NoError(t, iter.Err())
	require.Empty(t, left, "the bench deletes its keys")
}
