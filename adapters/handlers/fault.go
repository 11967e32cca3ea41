package handlers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Task types of the fault-test handlers. They exist so PopBox's own tests
// can hurt real processes; bootstrap registers them only when asked to.
const (
	TypeTestSleep = "test.sleep"
	TypeTestPanic = "test.panic"
)

type sleepPayload struct {
	MS int `json:"ms"`
}

// NewTestSleep returns the test.sleep handler: payload {"ms": N} with
// 0 <= N <= 600000. Each run first writes an empty marker file
// "<dir>/<task id>.run<attempt>.<pid>-<nanotime>" (so a test counts runs
// across processes), then sleeps N ms or until ctx ends, returning ctx's
// error in that case.
func NewTestSleep(dir string) ports.Handler {
	return ports.HandlerFunc(func(ctx context.Context, task domain.Task) error {
		var p sleepPayload
		if err := decodePayload(task.Payload, &p, `{"ms": N}`); err != nil {
			return err
		}
		if p.MS < 0 || p.MS > 600_000 {
			return permanent("ms", "must be between 0 and 600000")
		}
		name := fmt.Sprintf("%s.run%d.%d-%d", task.ID, task.Attempt, os.Getpid(), time.Now().UnixNano())
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("test.sleep: %w", err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			return fmt.Errorf("test.sleep: %w", err)
		}
		t := time.NewTimer(time.Duration(p.MS) * time.Millisecond)
		defer t.Stop()
		select {
		case <-t.C:
			return nil
		case <-ctx.Done():
			return context.Cause(ctx)
		}
	})
}

// NewTestPanic returns the test.panic handler, which panics on every run:
// a poison task.
func NewTestPanic() ports.Handler {
	return ports.HandlerFunc(func(_ context.Context, task domain.Task) error {
		panic("test.panic: poison task " + strconv.Quote(task.ID))
	})
}

// Fault returns the fault-test handlers by task type; test.sleep writes its
// markers under dir.
func Fault(dir string) map[string]ports.Handler {
	return map[string]ports.Handler{
		TypeTestSleep: NewTestSleep(dir),
		TypeTestPanic: NewTestPanic(),
	}
}
