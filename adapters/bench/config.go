package bench

import (
	"fmt"
	"slices"
	"time"

	"github.com/popbox/popbox/domain"
)

// The phases, named as the JSON report names them, in the order Run runs
// them.
const (
	PhaseEnq1        = "enq1"         // N enqueues from one producer
	PhaseEnqG        = "enqG"         // N enqueues from Producers concurrent producers
	PhaseDrain       = "drain"        // a fresh worker empties the backlog of enq1
	PhaseE2ESplit    = "e2e_split"    // producers here, the worker in another process
	PhaseLat1000     = "lat1000"      // enqueue paced at 1,000 tasks/s
	PhaseLat5000     = "lat5000"      // enqueue paced at 5,000 tasks/s
	PhaseFirstPickup = "first_pickup" // an idle worker, one enqueue at a time
)

// AllPhases lists every phase in run order.
var AllPhases = []string{PhaseEnq1, PhaseEnqG, PhaseDrain, PhaseE2ESplit, PhaseLat1000, PhaseLat5000, PhaseFirstPickup}

// pacedRates are the enqueue rates, in tasks per second, of the latency
// phases.
var pacedRates = map[string]int{PhaseLat1000: 1000, PhaseLat5000: 5000}

// Config sets the size and shape of a bench run. Start from DefaultConfig;
// Validate names the first unusable field.
type Config struct {
	N           int      // tasks of enq1, enqG, drain and e2e_split; default 50,000
	Concurrency int      // handlers a worker runs at once; default 50
	Producers   int      // concurrent producers of enqG, e2e_split and the paced phases; default 8
	BatchSize   int      // most tasks a worker leases per Dequeue; 0: the worker's default
	Phases      []string // phases to run, any order (they run in AllPhases order); default all

	PacedFor      time.Duration // how long lat1000 and lat5000 enqueue; default 3s
	PickupRepeats int           // first pickups measured (the median is reported); default 5
	PickupIdle    time.Duration // how long the worker idles before each pickup; default 1s
	PhaseTimeout  time.Duration // longest wait for a phase's tasks to be acked; default 2m

	// Commit is reported as Report.Commit; empty means the VCS revision
	// stamped into the binary, if any.
	Commit string
}

// DefaultConfig is the run issue 5 describes.
func DefaultConfig() Config {
	return Config{
		N:             50_000,
		Concurrency:   50,
		Producers:     8,
		Phases:        slices.Clone(AllPhases),
		PacedFor:      3 * time.Second,
		PickupRepeats: 5,
		PickupIdle:    time.Second,
		PhaseTimeout:  2 * time.Minute,
	}
}

// Validate reports the first field that makes the run impossible, as a
// *domain.ValidationError naming it.
func (c Config) Validate() error {
	switch {
	case c.N < 1:
		return invalid("n", "must be at least 1")
	case c.Concurrency < 1:
		return invalid("concurrency", "must be at least 1")
	case c.Producers < 1:
		return invalid("producers", "must be at least 1")
	case c.BatchSize < 0:
		return invalid("batch", "must not be negative")
	case c.PacedFor <= 0:
		return invalid("paced_for", "must be positive")
	case c.PickupRepeats < 1:
		return invalid("pickup_repeats", "must be at least 1")
	case c.PickupIdle < 0:
		return invalid("pickup_idle", "must not be negative")
	case c.PhaseTimeout <= 0:
		return invalid("phase_timeout", "must be positive")
	}
	return validatePhases(c.Phases)
}

func validatePhases(phases []string) error {
	if len(phases) == 0 {
		return invalid("phases", "must name at least one phase")
	}
	for i, p := range phases {
		if !slices.Contains(AllPhases, p) {
			return invalid("phases", "unknown phase %q (known: %v)", p, AllPhases)
		}
		if slices.Contains(phases[:i], p) {
			return invalid("phases", "%q is listed twice", p)
		}
	}
	return nil
}

// runs reports whether the phase is selected.
func (c Config) runs(phase string) bool { return slices.Contains(c.Phases, phase) }

func invalid(field, format string, args ...any) error {
	return &domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
