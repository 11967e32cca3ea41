package bench_test

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/bench"
)

// childCommand re-runs this test binary as a split worker child.
func childCommand(t *testing.T) func(p bench.SplitParams) *exec.Cmd {
	exe, err := os.Executable()
	require.NoError(t, err)
	return func(p bench.SplitParams) *exec.Cmd {
		raw, err := json.Marshal(p)
		require.NoError(t, err)
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), childEnv+"="+string(raw))
		cmd.Stderr = os.Stderr
		return cmd
	}
}

func TestProcessSplitWorkerRunsTheChildToCompletion(t *testing.T) {
	t.Parallel()
	split := bench.ProcessSplitWorker(childCommand(t))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ready := 0
	before := time.Now()
	rep, err := split(ctx, bench.SplitParams{Queue: "q", Concurrency: 4, Expect: 25}, func() { ready++ })
	require.NoError(t, err)
	require.Equal(t, 1, ready)
	require.Equal(t, 25, rep.Processed)
	require.True(t, rep.LastAck.After(before), "last ack %s is wall-clock time", rep.LastAck)
	if runtime.GOOS == "linux" {
		require.Greater(t, rep.PeakRSSMB, 0.0)
	}
}

func TestProcessSplitWorkerFailsWhenTheChildSaysNothing(t *testing.T) {
	t.Parallel()
	split := bench.ProcessSplitWorker(func(bench.SplitParams) *exec.Cmd { return exec.Command("true") })
	_, err := split(context.Background(), bench.SplitParams{Queue: "q", Concurrency: 1, Expect: 1}, func() {})
	require.ErrorContains(t, err, "exited before reporting")
}

func TestProcessSplitWorkerReportsAChildsError(t *testing.T) {
	t.Parallel()
	split := bench.ProcessSplitWorker(func(bench.SplitParams) *exec.Cmd {
		return exec.Command("sh", "-c", `echo '{"event":"error","error":"no redis"}'; exit 1`)
	})
	_, err := split(context.Background(), bench.SplitParams{Queue: "q", Concurrency: 1, Expect: 1}, func() {})
	require.ErrorContains(t, err, "no redis")
}

func TestServeSplitWorkerGivesUpWhenStdinCloses(t *testing.T) {
	t.Parallel()
	in, inW, err := os.Pipe()
	require.NoError(t, err)
	defer func() { _ = in.Close() }()
	require.NoError(t, inW.Close())
	out := &syncBuffer{}
	target := bench.NewMemoryTarget()
	b, closeB, err := target.OpenFunc(context.Background())
	require.NoError(t, err)
	defer func() { require.NoError(t, closeB()) }()
	err = bench.ServeSplitWorker(context.Background(), b, bench.SplitParams{Queue: "q", Concurrency: 1, Expect: 1}, 10*time.Second, in, out)
	require.ErrorContains(t, err, "parent closed stdin")
	require.Contains(t, out.String(), `"event":"ready"`)
	require.Contains(t, out.String(), `"event":"error"`)
}
