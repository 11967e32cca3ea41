package test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

// runsOf counts the test.sleep run markers a task left.
func runsOf(t *testing.T, dir, id string) int {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return 0
	}
	require.NoError(t, err)
	n := 0
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), id+".run") {
			n++
		}
	}
	return n
}

// TestRedisSlowHandlerKeepsLeaseAcrossProcesses runs a task three times as
// long as the worker's lease in a real worker process: the heartbeat must
// keep the lease, so the task runs exactly once.
func TestRedisSlowHandlerKeepsLeaseAcrossProcesses(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t)
	base := env.startAPI(t, "--test-handlers")
	env.startWorker(t, "--test-handlers") // lease 1s
	env.startWorker(t, "--test-handlers") // a second worker that would steal an expired lease

	code, body, _ := call(t, http.MethodPost, base+"/task", `{"type":"test.sleep","payload":{"ms":3000}}`)
	require.Equal(t, http.StatusAccepted, code, body)
	id := body["id"].(string)
	done := waitState(t, base, id, "succeeded")
	require.EqualValues(t, 1, done["attempts"], "the lease was never lost")
	require.Equal(t, 1, runsOf(t, filepath.Join(env.reports, "runs"), id), "the handler ran once")
}

// TestRedisPoisonTaskDeadLetteredWorkerLivesOn sends a task that panics on
// every run to a real worker process: it ends in the dead letters after its
// attempts, and the same worker process goes on to run the next task.
func TestRedisPoisonTaskDeadLetteredWorkerLivesOn(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t)
	base := env.startAPI(t, "--test-handlers")
	worker := env.startWorker(t, "--test-handlers")

	code, body, _ := call(t, http.MethodPost, base+"/task", `{"type":"test.panic","payload":{},"max_attempts":3}`)
	require.Equal(t, http.StatusAccepted, code, body)
	id := body["id"].(string)
	dead := waitState(t, base, id, "dead")
	require.EqualValues(t, 3, dead["attempts"])
	require.Contains(t, dead["last_error"], "panic")
	_, dl, _ := call(t, http.MethodGet, base+"/dead-letters/"+id, "")
	require.Contains(t, dl["reason"], "poison task")

	code, next := postReport(t, base, "after the poison")
	require.Equal(t, http.StatusAccepted, code)
	waitState(t, base, next, "succeeded")
	r, err := http.Get(fmt.Sprintf("http://%s/livez", worker.Addr))
	require.NoError(t, err)
	_ = r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode, "the worker process is still alive")
}

// TestRedisGracefulShutdownGivesTasksBack sends SIGTERM to a worker process
// whose handlers outlast its shutdown grace: it must exit cleanly within
// the grace, give its tasks back without counting the attempt, and a new
// worker must finish every one of them.
func TestRedisGracefulShutdownGivesTasksBack(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t)
	base := env.startAPI(t, "--test-handlers")
	ids := make([]string, 0, faultConcurrency)
	for range faultConcurrency {
		code, body, _ := call(t, http.MethodPost, base+"/task", `{"type":"test.sleep","payload":{"ms":1500}}`)
		require.Equal(t, http.StatusAccepted, code, body)
		ids = append(ids, body["id"].(string))
	}
	first := env.startWorker(t, "--test-handlers", "--shutdown-grace", "300ms")
	runs := filepath.Join(env.reports, "runs")
	require.Eventually(t, func() bool {
		for _, id := range ids {
			if runsOf(t, runs, id) == 0 {
				return false
			}
		}
		return true
	}, 10*time.Second, 10*time.Millisecond, "every task must be running before the SIGTERM")

	require.NoError(t, first.stop(), "SIGTERM must end the worker cleanly")
	// Pending, not succeeded: the worker gave the tasks back after its grace
	// instead of waiting for the handlers.
	for _, id := range ids {
		info := waitTaskState(t, env.check, id, domain.StatePending)
		require.Zero(t, info.Attempt, "a task given back at shutdown does not count the attempt")
	}

	env.startWorker(t, "--test-handlers")
	for _, id := range ids {
		done := waitTaskState(t, env.check, id, domain.StateSucceeded)
		require.Equal(t, 1, done.Attempt)
		require.Equal(t, 2, runsOf(t, runs, id), "cut short once, then run to the end")
	}
}
