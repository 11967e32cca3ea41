package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

// t0 has nanoseconds so the RFC 3339 timestamps must keep them.
var t0 = time.Date(2030, 1, 2, 3, 4, 5, 123456789, time.UTC)

// options vary what setup builds.
type options struct {
	cfg     httpapi.Config
	enqueue application.EnqueueConfig
	broker  func(ports.Broker) ports.Broker // wraps the memory broker
	ready   func(context.Context) error
	mws     []mux.MiddlewareFunc
	deps    func(*httpapi.Deps) // last word on the dependencies
}

// env is a router over the real use cases and a memory broker.
type env struct {
	h      http.Handler
	broker *memory.Broker
	clock  *porttest.FakeClock
	logs   *observer.ObservedLogs
}

func setup(t *testing.T, opts ...func(*options)) *env {
	t.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	clock := porttest.NewFakeClock(t0)
	mem := memory.New(memory.Config{Clock: clock})
	var broker ports.Broker = mem
	if o.broker != nil {
		broker = o.broker(mem)
	}
	reg := application.NewRegistry()
	noop := ports.HandlerFunc(func(context.Context, domain.Task) error { return nil })
	require.NoError(t, reg.Register("send_email", noop))
	require.NoError(t, reg.Register("generate_report", noop))
	var seq int
	newID := func() string { seq++; return fmt.Sprintf("gen-%d", seq) }

	core, logs := observer.New(zapcore.DebugLevel)
	deps := httpapi.Deps{
		Enqueuer:    application.NewEnqueuer(o.enqueue, broker, reg, clock, newID),
		Tasks:       application.NewTaskQuery(broker),
		Queues:      application.NewQueueOverview(broker, []string{"default"}),
		DeadLetters: application.NewDeadLetters(broker),
		ReadyFunc:   o.ready,
		Log:         zap.New(core),
	}
	if o.deps != nil {
		o.deps(&deps)
	}
	return &env{h: httpapi.NewRouter(o.cfg, deps, o.mws...), broker: mem, clock: clock, logs: logs}
}

// do sends a request; body "" sends none. headers alternate name, value.
// A JSON body gets Content-Type application/json unless headers set one.
func (e *env) do(t *testing.T, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.doCtx(t, context.Background(), method, path, body, headers...)
}

func (e *env) doCtx(t *testing.T, ctx context.Context, method, path, body string, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequestWithContext(ctx, method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Add(headers[i], headers[i+1])
		if headers[i] == "Content-Type" {
			req.Header.Set(headers[i], headers[i+1])
		}
	}
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	return rec
}

// enqueue posts a task and requires it accepted, returning its id.
func (e *env) enqueue(t *testing.T, body string, headers ...string) string {
	t.Helper()
	rec := e.do(t, http.MethodPost, "/task", body, headers...)
	require.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	return decode[map[string]any](t, rec)["id"].(string)
}

// bury enqueues a task in queue and moves it to the dead letters.
func (e *env) bury(t *testing.T, id, queue, reason string) {
	t.Helper()
	e.enqueue(t, fmt.Sprintf(`{"id":%q,"type":"send_email","payload":{"to":"a@example.com"},"queue":%q}`, id, queue))
	ctx := context.Background()
	leases, err := e.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{queue}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	e.clock.Advance(time.Second) // dead letters list newest first
	require.NoError(t, e.broker.Add(ctx, ports.DeadLetterParams{Lease: leases[0], Reason: reason}))
}

func decode[T any](t *testing.T, rec *httptest.ResponseRecorder) T {
	t.Helper()
	require.Equal(t, "application/json; charset=utf-8", rec.Header().Get("Content-Type"))
	var v T
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &v), rec.Body.String())
	return v
}

// apiError is the error body every failure answers.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

// requireError asserts rec is the JSON error with status, code and field.
func requireError(t *testing.T, rec *httptest.ResponseRecorder, status int, code, field string) apiError {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	body := decode[struct {
		Error apiError `json:"error"`
	}](t, rec)
	require.Equal(t, code, body.Error.Code, rec.Body.String())
	require.Equal(t, field, body.Error.Field, rec.Body.String())
	require.NotEmpty(t, body.Error.Message)
	return body.Error
}

// brokenBroker fails every call the API makes with err.
type brokenBroker struct {
	ports.Broker
	err error
}

func (b brokenBroker) fail() error { return b.err }

func (b brokenBroker) Enqueue(context.Context, domain.Task) (ports.EnqueueResult, error) {
	return ports.EnqueueResult{}, b.fail()
}
func (b brokenBroker) Task(context.Context, string) (domain.TaskInfo, error) {
	return domain.TaskInfo{}, b.fail()
}
func (b brokenBroker) Stats(context.Context, string) (ports.QueueStats, error) {
	return ports.QueueStats{}, b.fail()
}
func (b brokenBroker) Queues(context.Context) ([]string, error) { return nil, b.fail() }
func (b brokenBroker) List(context.Context, ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	return ports.DeadLetterPage{}, b.fail()
}
func (b brokenBroker) Get(context.Context, string) (domain.DeadLetter, error) {
	return domain.DeadLetter{}, b.fail()
}
func (b brokenBroker) Requeue(context.Context, string) (domain.Task, error) {
	return domain.Task{}, b.fail()
}
func (b brokenBroker) Delete(context.Context, string) error         { return b.fail() }
func (b brokenBroker) Purge(context.Context, string) (int64, error) { return 0, b.fail() }

func broken(err error) func(*options) {
	return func(o *options) {
		o.broker = func(b ports.Broker) ports.Broker { return brokenBroker{Broker: b, err: err} }
	}
}
