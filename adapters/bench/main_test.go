package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/popbox/popbox/adapters/bench"
	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/domain"
)

// childEnv, when set, makes the test binary act as the child of
// ProcessSplitWorker: it holds the SplitParams as JSON.
const childEnv = "POPBOX_BENCH_TEST_CHILD"

func TestMain(m *testing.M) {
	if raw, ok := os.LookupEnv(childEnv); ok {
		os.Exit(runChild(raw))
	}
	goleak.VerifyTestMain(m)
}

// runChild serves a split worker on its own memory broker, which it feeds
// itself: a memory broker cannot be shared with the parent process.
func runChild(raw string) int {
	var p bench.SplitParams
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	b := memory.New(memory.Config{})
	ctx := context.Background()
	for i := range p.Expect {
		task := domain.Task{
			ID: fmt.Sprintf("t%d", i), Type: bench.NoopType, Queue: p.Queue, Payload: json.RawMessage(`{}`),
			MaxAttempts: 1, CreatedAt: time.Now(),
		}
		if _, err := b.Enqueue(ctx, task); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 2
		}
	}
	if err := bench.ServeSplitWorker(ctx, b, p, 10*time.Second, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 1
	}
	return 0
}
