package bootstrap_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/fx"

	"github.com/popbox/popbox/bootstrap"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestEveryRoleWiresUp(t *testing.T) {
	t.Parallel()
	cases := []struct{ role, broker string }{
		{bootstrap.RoleBoth, bootstrap.BrokerMemory},
		{bootstrap.RoleBoth, bootstrap.BrokerRedis},
		{bootstrap.RoleAPI, bootstrap.BrokerRedis},
		{bootstrap.RoleWorker, bootstrap.BrokerRedis},
	}
	for _, tc := range cases {
		t.Run(tc.role+"/"+tc.broker, func(t *testing.T) {
			t.Parallel()
			cfg, err := load(t, []string{"--role", tc.role, "--broker", tc.broker}, map[string]string{"POPBOX_REDIS_URL": "redis://127.0.0.1:1/0"})
			require.NoError(t, err)
			require.NoError(t, fx.ValidateApp(bootstrap.Options(cfg)))
		})
	}
}

// TestBothRolesServeAndRunATask starts the real wiring on the memory broker,
// enqueues over HTTP and waits for the worker to finish the task.
func TestBothRolesServeAndRunATask(t *testing.T) {
	t.Parallel()
	cfg, err := load(t, []string{"--http-addr", "127.0.0.1:0", "--log-level", "error", "--report-dir", t.TempDir()}, nil)
	require.NoError(t, err)
	var addr bootstrap.HTTPAddr
	app := fx.New(bootstrap.Options(cfg), fx.Populate(&addr), fx.NopLogger)
	require.NoError(t, app.Err())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, app.Start(ctx))
	defer func() { require.NoError(t, app.Stop(ctx)) }()

	base := "http://" + addr()
	resp, err := http.Post(base+"/task", "application/json",
		strings.NewReader(`{"type":"generate_report","payload":{"title":"t"}}`))
	require.NoError(t, err)
	body, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode, string(body))
	loc := resp.Header.Get("Location")
	require.NotEmpty(t, loc)

	require.Eventually(t, func() bool {
		r, err := http.Get(base + loc)
		if err != nil {
			return false
		}
		b, _ := io.ReadAll(r.Body)
		_ = r.Body.Close()
		return strings.Contains(string(b), `"succeeded"`)
	}, 5*time.Second, 20*time.Millisecond)
	matches, _ := filepath.Glob(filepath.Join(cfg.ReportDir, "*.txt"))
	require.Len(t, matches, 1)

	r, err := http.Get(base + "/metrics")
	require.NoError(t, err)
	m, _ := io.ReadAll(r.Body)
	_ = r.Body.Close()
	require.Contains(t, string(m), "popbox_")
}

// TestEmbeddedHandlerRuns embeds PopBox the way README.md shows: a handler
// of the program's own, registered with WithHandler, receives its tasks.
func TestEmbeddedHandlerRuns(t *testing.T) {
	t.Parallel()
	cfg, err := load(t, []string{"--http-addr", "127.0.0.1:0", "--log-level", "error"}, nil)
	require.NoError(t, err)
	got := make(chan domain.Task, 1)
	resize := ports.HandlerFunc(func(_ context.Context, task domain.Task) error {
		got <- task
		return nil
	})
	var addr bootstrap.HTTPAddr
	app := fx.New(bootstrap.Options(cfg), bootstrap.WithHandler("resize_image", resize), fx.Populate(&addr), fx.NopLogger)
	require.NoError(t, app.Err())
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, app.Start(ctx))
	defer func() { require.NoError(t, app.Stop(ctx)) }()

	resp, err := http.Post("http://"+addr()+"/task", "application/json",
		strings.NewReader(`{"type":"resize_image","payload":{"w":640}}`))
	require.NoError(t, err)
	_ = resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	select {
	case task := <-got:
		require.JSONEq(t, `{"w":640}`, string(task.Payload))
	case <-ctx.Done():
		t.Fatal("the embedded handler never ran")
	}
}

func TestWithHandlerRefusesABuiltinType(t *testing.T) {
	t.Parallel()
	cfg, err := load(t, []string{"--http-addr", "127.0.0.1:0"}, nil)
	require.NoError(t, err)
	app := fx.New(bootstrap.Options(cfg), bootstrap.WithHandler("send_email", ports.HandlerFunc(func(context.Context, domain.Task) error { return nil })), fx.NopLogger)
	require.ErrorContains(t, app.Err(), "send_email")
}

func TestPprofServedOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	pprofAddr := l.Addr().String()
	require.NoError(t, l.Close())
	cfg, err := load(t, []string{"--http-addr", "127.0.0.1:0", "--pprof-addr", pprofAddr, "--log-level", "error"}, nil)
	require.NoError(t, err)
	var addr bootstrap.HTTPAddr
	app := fx.New(bootstrap.Options(cfg), fx.Populate(&addr), fx.NopLogger)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, app.Start(ctx))
	defer func() { require.NoError(t, app.Stop(ctx)) }()

	r, err := http.Get("http://" + pprofAddr + "/debug/pprof/")
	require.NoError(t, err)
	_ = r.Body.Close()
	require.Equal(t, http.StatusOK, r.StatusCode)
	r, err = http.Get("http://" + addr() + "/debug/pprof/")
	require.NoError(t, err)
	_ = r.Body.Close()
	require.Equal(t, http.StatusNotFound, r.StatusCode, "never on the API's address")
}
