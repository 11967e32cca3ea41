package bench

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/popbox/popbox/ports"
)

// Run measures target with the phases cfg selects, in AllPhases order, and
// returns the report. Each phase uses its own queue. It stops at the first
// phase that fails, returning the phases measured so far with the error.
// It neither cleans up nor closes target: the caller owns it.
func Run(ctx context.Context, cfg Config, target Target) (Report, error) {
	if err := cfg.Validate(); err != nil {
		return Report{}, fmt.Errorf("bench config: %w", err)
	}
	if target.OpenFunc == nil {
		return Report{}, errors.New("bench: target has no OpenFunc")
	}
	rep := newReport(cfg, target.Name, time.Now())
	if target.Name == "redis" {
		rep.RedisVersion = target.Version
	}
	b, closeBroker, err := target.OpenFunc(ctx)
	if err != nil {
		return rep, fmt.Errorf("bench: open broker: %w", err)
	}
	defer func() { _ = closeBroker() }()
	prod, err := newProducer(b)
	if err != nil {
		return rep, err
	}
	r := &runner{cfg: cfg, target: target, broker: b, prod: prod}
	for _, phase := range AllPhases {
		if !cfg.runs(phase) {
			continue
		}
		res, err := r.run(ctx, phase)
		if err != nil {
			return rep, fmt.Errorf("phase %s: %w", phase, err)
		}
		rep.Phases[phase] = res
	}
	return rep, nil
}

// runner holds what the phases share: the producers' broker and the
// queues phases left behind.
type runner struct {
	cfg    Config
	target Target
	broker ports.Broker
	prod   *producer

	enq1Filled bool // enq1 left N pending tasks in its queue
}

func (r *runner) run(ctx context.Context, phase string) (PhaseResult, error) {
	switch phase {
	case PhaseEnq1:
		return r.enqueuePhase(ctx, phase, 1)
	case PhaseEnqG:
		return r.enqueuePhase(ctx, phase, r.cfg.Producers)
	case PhaseDrain:
		return r.drain(ctx)
	case PhaseE2ESplit:
		return r.e2eSplit(ctx)
	case PhaseLat1000, PhaseLat5000:
		return r.paced(ctx, phase, pacedRates[phase])
	case PhaseFirstPickup:
		return r.firstPickup(ctx)
	}
	return PhaseResult{}, fmt.Errorf("unknown phase %q", phase)
}

// queueOf is the queue a phase works on; drain drains enq1's.
func queueOf(phase string) string {
	if phase == PhaseDrain {
		phase = PhaseEnq1
	}
	return "bench-" + phase
}

// meter measures the broker server's work across a phase.
type meter struct {
	stats  func(ctx context.Context) (ServerStats, error) // nil: no server
	before ServerStats
}

// startMeter resets this process's peak RSS and reads the server's
// counters.
func (r *runner) startMeter(ctx context.Context) (meter, error) {
	resetPeakRSS()
	m := meter{stats: r.target.ServerStatsFunc}
	if m.stats == nil {
		return m, nil
	}
	var err error
	m.before, err = m.stats(ctx)
	return m, err
}

// finish records in res the server's CPU and commands per task since
// startMeter; it leaves them nil without a server.
func (m meter) finish(ctx context.Context, res *PhaseResult, tasks int) error {
	if m.stats == nil || tasks == 0 {
		return nil
	}
	after, err := m.stats(ctx)
	if err != nil {
		return err
	}
	us := float64(after.CPU-m.before.CPU) / float64(time.Microsecond) / float64(tasks)
	res.RedisCPUUsPerTask = &us
	res.RedisCommandsPerTask = make(map[string]float64)
	for cmd, calls := range after.Commands {
		if d := calls - m.before.Commands[cmd]; d > 0 && cmd != "info" {
			res.RedisCommandsPerTask[cmd] = float64(d) / float64(tasks)
		}
	}
	return nil
}

// checkEmpty fails unless queue has nothing pending, active or scheduled:
// every task the phase enqueued was acked.
func (r *runner) checkEmpty(ctx context.Context, queue string) error {
	st, err := r.broker.Stats(ctx, queue)
	if err != nil {
		return err
	}
	if st.Pending+st.Active+st.Scheduled+st.Dead != 0 {
		return fmt.Errorf("queue %s not empty after the phase: %+v", queue, st)
	}
	return nil
}
