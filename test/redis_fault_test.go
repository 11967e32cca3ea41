package test

import (
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/test/redisserver"
)

// These tests run the popbox binary as separate API and worker processes on
// a redis-server the harness owns, and hurt one of them.

const (
	faultConcurrency = 4
	faultBatch       = 5
)

// redisEnv is a Redis and a key prefix that popbox processes and the test's
// own broker (for checks) share.
type redisEnv struct {
	srv     *redisserver.Server
	prefix  string
	reports string
	check   *redisbroker.Broker
}

func newRedisEnv(t *testing.T, opts ...redisserver.Option) redisEnv {
	t.Helper()
	srv := redisserver.Start(t, append(opts, redisserver.WithLocalProcess())...)
	prefix := fmt.Sprintf("fault%d", time.Now().UnixNano())
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: srv.URL()})
	require.NoError(t, err)
	check, err := redisbroker.New(client, redisbroker.Config{Prefix: prefix})
	require.NoError(t, err)
	t.Cleanup(func() { _ = check.Close() })
	return redisEnv{srv: srv, prefix: prefix, reports: t.TempDir(), check: check}
}

// args are the flags every popbox process of the env gets.
func (e redisEnv) args(role, addr string, extra ...string) []string {
	args := []string{"--role", role, "--broker", "redis", "--redis-url", e.srv.URL(), "--redis-prefix", e.prefix,
		"--report-dir", e.reports, "--log-level", "warn", "--retry-base", "20ms", "--retry-max-delay", "100ms"}
	if role == "worker" {
		args = append(args, "--metrics-addr", addr, "--lease", "1s",
			"--concurrency", fmt.Sprint(faultConcurrency), "--batch-size", fmt.Sprint(faultBatch))
	} else {
		args = append(args, "--http-addr", addr)
	}
	return append(args, extra...)
}

func (e redisEnv) startAPI(t *testing.T, extra ...string) string {
	t.Helper()
	addr := freeAddr(t)
	startPopbox(t, addr, e.args("api", addr, extra...))
	return "http://" + addr
}

func (e redisEnv) startWorker(t *testing.T, extra ...string) *proc {
	t.Helper()
	addr := freeAddr(t)
	return startPopbox(t, addr, e.args("worker", addr, extra...))
}

// postReport enqueues a generate_report task and returns the status code
// and, on 202, the task id.
func postReport(t *testing.T, base, title string) (int, string) {
	t.Helper()
	code, body, _ := call(t, http.MethodPost, base+"/task", fmt.Sprintf(`{"type":"generate_report","payload":{"title":%q}}`, title))
	id, _ := body["id"].(string)
	return code, id
}

// waitAllSucceeded waits until every id is succeeded and returns how many
// needed more than one attempt.
func (e redisEnv) waitAllSucceeded(t *testing.T, ids []string) int {
	t.Helper()
	rerun := 0
	for _, id := range ids {
		info := waitTaskState(t, e.check, id, domain.StateSucceeded)
		if info.Attempt > 1 {
			rerun++
		}
	}
	return rerun
}

// TestRedisWorkerKilledMidBatch SIGKILLs a worker while it holds leases:
// a second worker must finish every task once the leases expire, and only
// the tasks the dead worker held may run twice.
func TestRedisWorkerKilledMidBatch(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t)
	base := env.startAPI(t)

	const total = 300
	ids := make([]string, 0, total)
	for i := range total {
		code, id := postReport(t, base, fmt.Sprintf("r%d", i))
		require.Equal(t, http.StatusAccepted, code)
		ids = append(ids, id)
	}
	victim := env.startWorker(t) // after the enqueues, so it starts into a backlog
	deadline := time.Now().Add(20 * time.Second)
	for {
		stats, err := env.check.Stats(t.Context(), domain.DefaultQueue)
		require.NoError(t, err)
		if stats.Active > 0 && stats.Pending+stats.Active < total-20 {
			break // holding leases, some tasks done already
		}
		require.True(t, time.Now().Before(deadline), "the worker never held a lease after finishing some tasks")
		time.Sleep(time.Millisecond)
	}
	require.NoError(t, victim.cmd.Process.Kill())
	t.Logf("killed the worker: %v", <-victim.done)
	victim.done <- nil
	after, err := env.check.Stats(t.Context(), domain.DefaultQueue)
	require.NoError(t, err)
	heldAtKill := after.Active
	require.Positive(t, heldAtKill, "the worker must die holding leases, or the test proves nothing")

	env.startWorker(t)
	rerun := env.waitAllSucceeded(t, ids)
	t.Logf("killed worker held %d leases; %d tasks ran more than once", heldAtKill, rerun)
	require.LessOrEqual(t, int64(rerun), heldAtKill, "only tasks the dead worker held may run again")
	require.LessOrEqual(t, rerun, faultConcurrency+faultBatch, "duplicates are bounded by what one worker holds")
}

// TestRedisRestartWhileTasksFlow SIGKILLs redis-server (AOF, fsync always)
// and restarts it while a client posts tasks: every task the API accepted
// must complete, refused requests must be 503, and API and worker must
// recover without a restart of their own.
func TestRedisRestartWhileTasksFlow(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t, redisserver.WithAOF())
	base := env.startAPI(t)
	env.startWorker(t)

	var (
		mu       sync.Mutex
		accepted []string
		refused  = map[int]int{}
	)
	post := func(i int) {
		code, id := postReport(t, base, fmt.Sprintf("flow-%d", i))
		mu.Lock()
		defer mu.Unlock()
		if code == http.StatusAccepted {
			accepted = append(accepted, id)
		} else {
			refused[code]++
		}
	}
	for i := range 50 {
		post(i)
	}
	env.srv.Kill()
	for i := 50; i < 60; i++ {
		post(i) // Redis is down: each must be refused
	}
	env.srv.Restart()
	require.Eventually(t, func() bool {
		code, _, _ := call(t, http.MethodGet, base+"/readyz", "")
		return code == http.StatusOK
	}, 20*time.Second, 20*time.Millisecond, "the API must become ready again by itself")
	for i := 60; i < 110; i++ {
		post(i)
	}

	require.Equal(t, map[int]int{http.StatusServiceUnavailable: 10}, refused, "requests while Redis is down must get 503, and only those")
	require.Len(t, accepted, 100)
	env.waitAllSucceeded(t, accepted)
}

// TestRedisStoppedAPIAnswers503 stops Redis under an API process: enqueues
// and readiness answer 503 with a JSON error, never 2xx, until Redis is back.
func TestRedisStoppedAPIAnswers503(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t, redisserver.WithAOF())
	base := env.startAPI(t)
	code, _ := postReport(t, base, "before")
	require.Equal(t, http.StatusAccepted, code)

	env.srv.Stop()
	for i := range 5 {
		start := time.Now()
		code, body, _ := call(t, http.MethodPost, base+"/task", fmt.Sprintf(`{"type":"generate_report","payload":{"title":"down-%d"}}`, i))
		t.Logf("503 after %s", time.Since(start))
		require.Equal(t, http.StatusServiceUnavailable, code, "POST /task with Redis down: %v", body)
		errBody, _ := body["error"].(map[string]any)
		require.NotEmpty(t, errBody["code"], "a 503 carries a JSON error")
		require.False(t, strings.Contains(fmt.Sprint(body), "down-"), "the error must not echo the payload")
	}
	code, _, _ = call(t, http.MethodGet, base+"/readyz", "")
	require.Equal(t, http.StatusServiceUnavailable, code, "readiness must fail while Redis is down")

	env.srv.Restart()
	require.Eventually(t, func() bool {
		code, _ := postReport(t, base, "after")
		return code == http.StatusAccepted
	}, 20*time.Second, 50*time.Millisecond, "the API must accept tasks again once Redis is back")
	stats, err := env.check.Stats(t.Context(), domain.DefaultQueue)
	require.NoError(t, err)
	require.EqualValues(t, 2, stats.Pending, "only the accepted tasks are stored")
}
