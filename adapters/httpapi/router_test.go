package httpapi_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestUnknownRoute(t *testing.T) {
	t.Parallel()
	e := setup(t)
	for _, path := range []string{"/", "/nope", "/task/", "/task/a/b", "/dead-letters/a/requeue/x"} {
		requireError(t, e.do(t, http.MethodGet, path+"?x", ""), http.StatusNotFound, "not_found", "")
	}
}

func TestWrongMethod(t *testing.T) {
	t.Parallel()
	e := setup(t)
	tests := []struct{ method, path, allow string }{
		{http.MethodGet, "/task", "POST"},
		{http.MethodPut, "/task/x", "GET"},
		{http.MethodPost, "/queues", "GET"},
		{http.MethodPatch, "/dead-letters", "GET, DELETE"},
		{http.MethodPost, "/dead-letters/x", "GET, DELETE"},
		{http.MethodGet, "/dead-letters/x/requeue", "POST"},
		{http.MethodDelete, "/livez", "GET"},
		{http.MethodPost, "/readyz", "GET"},
	}
	for _, tt := range tests {
		rec := e.do(t, tt.method, tt.path, "")
		requireError(t, rec, http.StatusMethodNotAllowed, "method_not_allowed", "")
		require.Equal(t, tt.allow, rec.Header().Get("Allow"), "%s %s", tt.method, tt.path)
	}
}

// The error table, end to end: whatever a use case returns, the client
// gets its status and code and never the internal message.
func TestErrorTable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		code   string
		field  string
	}{
		{&domain.ValidationError{Field: "queue", Reason: "bad"}, 400, "invalid_field", "queue"},
		{fmt.Errorf("wrapped: %w", &domain.ValidationError{Field: "type", Reason: "no handler", Err: domain.ErrUnknownTaskType}), 422, "unknown_task_type", "type"},
		{domain.ErrUnknownTaskType, 422, "unknown_task_type", "type"},
		{&domain.ValidationError{Field: "payload", Reason: "big", Err: domain.ErrPayloadTooLarge}, 413, "payload_too_large", "payload"},
		{fmt.Errorf("x: %w", domain.ErrTaskNotFound), 404, "task_not_found", ""},
		{domain.ErrDeadLetterNotFound, 404, "dead_letter_not_found", ""},
		{fmt.Errorf("redis down: %w", domain.ErrBrokerUnavailable), 503, "broker_unavailable", ""},
		{context.DeadlineExceeded, 503, "timeout", ""},
		{context.Canceled, httpapi.StatusClientClosedRequest, "client_closed_request", ""},
		{domain.ErrLeaseLost, 500, "internal", ""},
		{errors.New("disk on fire at /var/lib/x"), 500, "internal", ""},
	}
	for _, tt := range tests {
		t.Run(tt.code+"/"+tt.err.Error(), func(t *testing.T) {
			t.Parallel()
			e := setup(t, func(o *options) {
				o.deps = func(d *httpapi.Deps) { d.Tasks = failingTasks{tt.err} }
			})
			rec := e.do(t, http.MethodGet, "/task/x", "")
			got := requireError(t, rec, tt.status, tt.code, tt.field)
			if tt.status >= 500 {
				require.NotContains(t, got.Message, tt.err.Error())
			}
			require.Equal(t, tt.status == 503, rec.Header().Get("Retry-After") != "")
		})
	}
}

type failingTasks struct{ err error }

func (f failingTasks) Task(context.Context, string) (domain.TaskInfo, error) {
	return domain.TaskInfo{}, f.err
}

func TestInternalErrorsAreLogged(t *testing.T) {
	t.Parallel()
	e := setup(t, broken(errors.New("disk on fire")))
	requireError(t, e.do(t, http.MethodPost, "/task", email), http.StatusInternalServerError, "internal", "")
	logged := e.logs.FilterMessage("request failed").All()
	require.Len(t, logged, 1)
	require.Contains(t, logged[0].ContextMap()["error"], "disk on fire")
}

func TestPanicsAnswer500(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) {
		o.deps = func(d *httpapi.Deps) { d.Queues = panickingQueues{} }
	})
	rec := e.do(t, http.MethodGet, "/queues", "")
	got := requireError(t, rec, http.StatusInternalServerError, "internal", "")
	require.NotContains(t, got.Message, "queue bug")
	require.Equal(t, 1, e.logs.FilterMessage("panic serving request").Len())

	// The router still serves afterwards.
	require.Equal(t, http.StatusOK, e.do(t, http.MethodGet, "/livez", "").Code)
}

type panickingQueues struct{}

func (panickingQueues) Stats(context.Context) ([]ports.QueueStats, error) { panic("queue bug") }

func TestMiddlewaresWrapEveryAnswer(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	var routes []string
	count := mux.MiddlewareFunc(func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			if route := mux.CurrentRoute(r); route != nil {
				tpl, _ := route.GetPathTemplate()
				routes = append(routes, tpl)
			}
			next.ServeHTTP(w, r)
		})
	})
	e := setup(t, func(o *options) { o.mws = []mux.MiddlewareFunc{count} })
	e.do(t, http.MethodGet, "/task/x", "")
	e.do(t, http.MethodGet, "/nope", "")
	e.do(t, http.MethodPut, "/queues", "")
	require.EqualValues(t, 3, calls.Load(), "routes, 404 and 405 alike")
	require.Equal(t, []string{"/task/{id}"}, routes, "matched routes expose their template")
}

func TestNewRouterRefusesMissingDependencies(t *testing.T) {
	t.Parallel()
	require.PanicsWithValue(t, "httpapi: Deps.Tasks is nil", func() {
		setup(t, func(o *options) { o.deps = func(d *httpapi.Deps) { d.Tasks = nil } })
	})
}
