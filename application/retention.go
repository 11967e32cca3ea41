package application

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/popbox/popbox/ports"
)

// ErrRetentionStarted is returned by a second Retention.Start.
var ErrRetentionStarted = errors.New("retention already started")

// RetentionConfig bounds the dead letters of every queue.
type RetentionConfig struct {
	MaxAge  time.Duration // dead letters older than this are removed; 0: no age limit
	MaxSize int           // each queue keeps at most this many, newest first; 0: no size limit
	Every   time.Duration // how often retention runs
	// ErrorFunc hears of each failed background run (it is retried at the
	// next period); nil ignores failures.
	ErrorFunc func(err error)
}

// DefaultRetentionConfig keeps dead letters for a week, at most 10,000 per
// queue, checking every minute.
func DefaultRetentionConfig() RetentionConfig {
	return RetentionConfig{MaxAge: 7 * 24 * time.Hour, MaxSize: 10_000, Every: time.Minute}
}

// Validate reports the first field that makes the configuration unusable.
func (c RetentionConfig) Validate() error {
	switch {
	case c.MaxAge < 0:
		return invalidField("max_age", "must not be negative")
	case c.MaxSize < 0:
		return invalidField("max_size", "must not be negative")
	case c.Every <= 0:
		return invalidField("every", "must be positive")
	}
	return nil
}

// Retention periodically expires and trims the dead letters of every queue
// the broker knows.
type Retention struct {
	cfg      RetentionConfig
	queue    ports.QueuePort
	dl       ports.DeadLetterPort
	clock    ports.Clock
	onExpire func(queue string, r ports.ExpireResult)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewRetention returns a Retention; cfg should have passed Validate.
// onExpire, when not nil, hears of every queue where something was removed.
func NewRetention(cfg RetentionConfig, q ports.QueuePort, dl ports.DeadLetterPort, clock ports.Clock,
	onExpire func(queue string, r ports.ExpireResult)) *Retention {
	if clock == nil {
		clock = ports.SystemClock
	}
	if onExpire == nil {
		onExpire = func(string, ports.ExpireResult) {}
	}
	return &Retention{cfg: cfg, queue: q, dl: dl, clock: clock, onExpire: onExpire}
}

// RunOnce applies retention to every queue now. It goes on past a failing
// queue and returns the errors joined.
func (r *Retention) RunOnce(ctx context.Context) error {
	queues, err := r.queue.Queues(ctx)
	if err != nil {
		return fmt.Errorf("retention: list queues: %w", err)
	}
	p := ports.ExpireParams{MaxSize: r.cfg.MaxSize}
	if r.cfg.MaxAge > 0 {
		p.OlderThan = r.clock.Now().Add(-r.cfg.MaxAge)
	}
	var errs []error
	for _, q := range queues {
		p.Queue = q
		res, err := r.dl.Expire(ctx, p)
		if err != nil {
			errs = append(errs, fmt.Errorf("retention: queue %s: %w", q, err))
			continue
		}
		if res != (ports.ExpireResult{}) {
			r.onExpire(q, res)
		}
	}
	return errors.Join(errs...)
}

// Start runs retention every cfg.Every until Stop, and returns at once. A
// failed run is simply tried again at the next period. ctx lends only its
// values; Stop ends the loop.
func (r *Retention) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done != nil {
		return ErrRetentionStarted
	}
	ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	r.done = make(chan struct{})
	go r.loop(ctx)
	return nil
}

func (r *Retention) loop(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.cfg.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := r.RunOnce(ctx); err != nil && ctx.Err() == nil && r.cfg.ErrorFunc != nil {
				r.cfg.ErrorFunc(err) // retried at the next tick
			}
		}
	}
}

// Stop ends the loop and waits for a run in progress, or for ctx to end.
func (r *Retention) Stop(ctx context.Context) error {
	r.mu.Lock()
	cancel, done := r.cancel, r.done
	r.mu.Unlock()
	if cancel == nil {
		return nil
	}
	cancel()
	if err := waitFor(ctx, done); err != nil {
		return fmt.Errorf("stop retention: %w", err)
	}
	return nil
}
