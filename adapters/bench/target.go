package bench

import (
	"context"
	"time"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/ports"
)

// OpenFunc connects to the broker under measure, for one role: the
// producers, or one worker. It returns the broker and a function that
// releases the connection.
type OpenFunc func(ctx context.Context) (ports.Broker, func() error, error)

// Target is the broker a run measures and what the run needs around it.
// OpenFunc is required; the other functions are optional.
type Target struct {
	Name    string // "redis" or "memory"; reported as Report.Broker
	Version string // server version, reported for Redis

	OpenFunc OpenFunc
	// ServerStatsFunc returns the broker server's counters so far; nil
	// when there is no server (memory). Phases report their differences
	// per task.
	ServerStatsFunc func(ctx context.Context) (ServerStats, error)
	// SplitWorkerFunc runs the worker of the e2e_split phase; nil runs it
	// in this process (InProcessSplitWorker), which is all a memory broker
	// allows.
	SplitWorkerFunc SplitWorkerFunc
	// CleanupFunc removes everything the run stored and releases the
	// target. Run does not call it: the caller owns the target.
	CleanupFunc func(ctx context.Context) error
}

// ServerStats are a broker server's cumulative counters.
type ServerStats struct {
	CPU      time.Duration    // CPU time the server used, system and user
	Commands map[string]int64 // calls per command name, lower case
}

// NewMemoryTarget measures a fresh in-memory broker. Every role shares it,
// and e2e_split runs its worker in this process.
func NewMemoryTarget() Target {
	b := memory.New(memory.Config{})
	return Target{
		Name: "memory",
		OpenFunc: func(context.Context) (ports.Broker, func() error, error) {
			return b, func() error { return nil }, nil
		},
	}
}
