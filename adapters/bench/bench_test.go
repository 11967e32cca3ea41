package bench_test

import (
	"context"
	"encoding/json"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/bench"
)

// tinyConfig is a run small enough for a unit test.
func tinyConfig() bench.Config {
	cfg := bench.DefaultConfig()
	cfg.N = 200
	cfg.Concurrency = 8
	cfg.Producers = 3
	cfg.PacedFor = 100 * time.Millisecond
	cfg.PickupRepeats = 3
	cfg.PickupIdle = 10 * time.Millisecond
	cfg.PhaseTimeout = 20 * time.Second
	return cfg
}

// decoded is a report as a consumer of the JSON sees it.
type decoded struct {
	Phases map[string]map[string]any `json:"phases"`
}

func runTiny(t *testing.T, cfg bench.Config) (bench.Report, decoded, map[string]any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rep, err := bench.Run(ctx, cfg, bench.NewMemoryTarget())
	require.NoError(t, err)
	raw, err := json.Marshal(rep)
	require.NoError(t, err)
	var d decoded
	require.NoError(t, json.Unmarshal(raw, &d))
	var all map[string]any
	require.NoError(t, json.Unmarshal(raw, &all))
	return rep, d, all
}

func TestRunOnMemoryReportsEveryPhase(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	rep, d, all := runTiny(t, cfg)

	require.Len(t, d.Phases, len(bench.AllPhases))
	for _, name := range bench.AllPhases {
		p := d.Phases[name]
		require.NotNil(t, p, name)
		require.Greater(t, p["tasks"], 0.0, name)
		require.Greater(t, p["wall_s"], 0.0, name)
		require.Greater(t, p["tasks_per_s"], 0.0, name)
		require.NotContains(t, p, "redis_cpu_us_per_task", "memory has no server: %s", name)
	}
	for _, name := range []string{bench.PhaseEnq1, bench.PhaseEnqG, bench.PhaseDrain, bench.PhaseE2ESplit} {
		require.EqualValues(t, cfg.N, d.Phases[name]["tasks"], name)
	}
	for _, name := range []string{bench.PhaseDrain, bench.PhaseE2ESplit, bench.PhaseLat1000, bench.PhaseLat5000, bench.PhaseFirstPickup} {
		p := d.Phases[name]
		require.Equal(t, p["tasks"], p["processed"], "%s: every enqueued task acked, none twice", name)
		if runtime.GOOS == "linux" {
			require.Greater(t, p["peak_rss_mb"], 0.0, name)
		}
	}
	require.EqualValues(t, 100, d.Phases[bench.PhaseLat1000]["tasks"], "1,000/s for 100ms")
	require.EqualValues(t, 500, d.Phases[bench.PhaseLat5000]["tasks"], "5,000/s for 100ms")
	require.EqualValues(t, cfg.PickupRepeats, d.Phases[bench.PhaseFirstPickup]["tasks"])
	for _, name := range []string{bench.PhaseLat1000, bench.PhaseLat5000, bench.PhaseFirstPickup} {
		lat, ok := d.Phases[name]["latency"].(map[string]any)
		require.True(t, ok, "%s has latency", name)
		require.Greater(t, lat["p50_ms"], 0.0, name)
		require.GreaterOrEqual(t, lat["p99_ms"], lat["p50_ms"], name)
	}
	require.NotContains(t, d.Phases[bench.PhaseEnq1], "latency")

	require.Equal(t, "memory", all["broker"])
	require.Equal(t, runtime.Version(), all["go_version"])
	require.EqualValues(t, runtime.NumCPU(), all["cores"])
	require.EqualValues(t, cfg.N, all["n"])
	require.EqualValues(t, cfg.Producers, all["producers"])
	require.NotContains(t, all, "redis_version")
	require.Equal(t, cfg.N, rep.Phases[bench.PhaseDrain].Processed)
}

func TestRunOnlySelectedPhasesAndDrainFillsItsOwnBacklog(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Phases = []string{bench.PhaseFirstPickup, bench.PhaseDrain}
	rep, d, _ := runTiny(t, cfg)
	require.Len(t, d.Phases, 2)
	require.Equal(t, cfg.N, rep.Phases[bench.PhaseDrain].Tasks)
	require.Equal(t, cfg.N, rep.Phases[bench.PhaseDrain].Processed)
	require.NotContains(t, d.Phases, bench.PhaseEnq1)
}

func TestRunReportsTheCommitItIsGiven(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Phases = []string{bench.PhaseEnq1}
	cfg.Commit = "0123abc+dirty"
	rep, _, all := runTiny(t, cfg)
	require.Equal(t, "0123abc+dirty", rep.Commit)
	require.Equal(t, "0123abc+dirty", all["commit"])
}

func TestRunRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.N = 0
	_, err := bench.Run(context.Background(), cfg, bench.NewMemoryTarget())
	require.ErrorContains(t, err, "n: must be at least 1")
	_, err = bench.Run(context.Background(), tinyConfig(), bench.Target{Name: "none"})
	require.ErrorContains(t, err, "OpenFunc")
}

func TestRunStopsAtAFailingPhase(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Phases = []string{bench.PhaseEnq1, bench.PhaseE2ESplit}
	target := bench.NewMemoryTarget()
	target.SplitWorkerFunc = func(context.Context, bench.SplitParams, func()) (bench.SplitReport, error) {
		return bench.SplitReport{}, context.DeadlineExceeded
	}
	rep, err := bench.Run(context.Background(), cfg, target)
	require.ErrorIs(t, err, context.DeadlineExceeded)
	require.ErrorContains(t, err, "phase e2e_split")
	require.Contains(t, rep.Phases, bench.PhaseEnq1, "phases measured before the failure are kept")
}

func TestRunReportsServerWorkPerTask(t *testing.T) {
	t.Parallel()
	cfg := tinyConfig()
	cfg.Phases = []string{bench.PhaseEnq1, bench.PhaseFirstPickup}
	target := bench.NewMemoryTarget()
	var mu sync.Mutex
	calls := int64(0)
	target.ServerStatsFunc = func(context.Context) (bench.ServerStats, error) {
		mu.Lock()
		defer mu.Unlock()
		calls++
		return bench.ServerStats{
			CPU:      time.Duration(calls) * 10 * time.Millisecond,
			Commands: map[string]int64{"evalsha": calls * 1000, "sadd": 7, "info": calls},
		}, nil
	}
	rep, err := bench.Run(context.Background(), cfg, target)
	require.NoError(t, err)
	enq1 := rep.Phases[bench.PhaseEnq1]
	require.NotNil(t, enq1.RedisCPUUsPerTask)
	require.InDelta(t, 50.0, *enq1.RedisCPUUsPerTask, 1e-9, "10ms over 200 tasks")
	require.Equal(t, map[string]float64{"evalsha": 5}, enq1.RedisCommandsPerTask, "unchanged and INFO calls left out")
	pickup := rep.Phases[bench.PhaseFirstPickup]
	require.Nil(t, pickup.RedisCPUUsPerTask, "an idle worker's waits would swamp a per-task figure")
	require.Nil(t, pickup.RedisCommandsPerTask)
}
