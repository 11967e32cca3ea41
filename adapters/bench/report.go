package bench

import (
	"cmp"
	"runtime"
	"runtime/debug"
	"time"
)

// Report is the result of one run; it marshals to the JSON object
// `popbox bench` prints.
type Report struct {
	Phases map[string]PhaseResult `json:"phases"`

	GoVersion    string `json:"go_version"`
	OS           string `json:"os"`
	Arch         string `json:"arch"`
	Cores        int    `json:"cores"`      // logical CPUs of the machine
	GOMAXPROCS   int    `json:"gomaxprocs"` // of the bench process
	Broker       string `json:"broker"`     // "redis" or "memory"
	RedisVersion string `json:"redis_version,omitempty"`
	Commit       string `json:"commit,omitempty"` // VCS revision the binary was built from, "+dirty" when modified
	StartedAt    string `json:"started_at"`       // RFC 3339, UTC

	N           int `json:"n"`
	Concurrency int `json:"concurrency"`
	Producers   int `json:"producers"`
	BatchSize   int `json:"batch_size"` // 0: the worker's default
}

// PhaseResult is what one phase measured. Optional figures are nil where
// they do not apply: Latency only for the latency and pickup phases,
// RedisCPUUsPerTask and RedisCommandsPerTask only on Redis, PeakRSSMB only where a worker ran.
type PhaseResult struct {
	Tasks     int     `json:"tasks"`               // tasks enqueued (and, where a worker ran, acked)
	Processed int     `json:"processed,omitempty"` // tasks whose ack the worker saw; absent for enqueue-only phases
	WallS     float64 `json:"wall_s"`
	TasksPerS float64 `json:"tasks_per_s"`

	Latency           *Latency `json:"latency,omitempty"`
	RedisCPUUsPerTask *float64 `json:"redis_cpu_us_per_task,omitempty"`
	// RedisCommandsPerTask is the calls per task of each command Redis
	// ran, those run by scripts included: a diagnostic of round trips.
	RedisCommandsPerTask map[string]float64 `json:"redis_commands_per_task,omitempty"`
	PeakRSSMB            *float64           `json:"peak_rss_mb,omitempty"`
}

// Latency summarises the time from enqueue to handler start.
type Latency struct {
	P50Ms float64 `json:"p50_ms"`
	P99Ms float64 `json:"p99_ms"`
	MaxMs float64 `json:"max_ms"`
}

func newReport(cfg Config, broker string, started time.Time) Report {
	return Report{
		Phases:      make(map[string]PhaseResult, len(cfg.Phases)),
		GoVersion:   runtime.Version(),
		OS:          runtime.GOOS,
		Arch:        runtime.GOARCH,
		Cores:       runtime.NumCPU(),
		GOMAXPROCS:  runtime.GOMAXPROCS(0),
		Broker:      broker,
		Commit:      cmp.Or(cfg.Commit, commit()),
		StartedAt:   started.UTC().Format(time.RFC3339),
		N:           cfg.N,
		Concurrency: cfg.Concurrency,
		Producers:   cfg.Producers,
		BatchSize:   cfg.BatchSize,
	}
}

// throughput fills in the rate of a phase that moved tasks in wall.
func throughput(tasks int, wall time.Duration) PhaseResult {
	r := PhaseResult{Tasks: tasks, WallS: wall.Seconds()}
	if wall > 0 {
		r.TasksPerS = float64(tasks) / wall.Seconds()
	}
	return r
}

// commit reads the VCS revision stamped into the binary, if any.
func commit() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return ""
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev == "" {
		return ""
	}
	return rev + dirty
}
