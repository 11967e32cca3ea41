package tracing_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/stretchr/testify/require"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"
	"go.opentelemetry.io/otel/trace"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
)

type bundle struct {
	tp     *sdktrace.TracerProvider
	spans  *tracetest.InMemoryExporter
	clock  *porttest.FakeClock
	broker *memory.Broker
	queue  ports.QueuePort
}

func setup(t *testing.T) bundle {
	t.Helper()
	spans := tracetest.NewInMemoryExporter()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSyncer(spans))
	t.Cleanup(func() { require.NoError(t, tp.Shutdown(context.Background())) })
	clock := porttest.NewFakeClock(time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	broker := memory.New(memory.Config{Clock: clock})
	return bundle{tp: tp, spans: spans, clock: clock, broker: broker, queue: tracing.Queue(tp, broker)}
}

// api is a one-route API that enqueues what it is posted.
func (b bundle) api() http.Handler {
	r := mux.NewRouter()
	r.HandleFunc("/queues/{queue}/tasks", func(w http.ResponseWriter, r *http.Request) {
		_, err := b.queue.Enqueue(r.Context(), domain.Task{
			ID: r.URL.Query().Get("id"), Type: "send_email", Queue: mux.Vars(r)["queue"], Payload: json.RawMessage(`{}`),
			MaxAttempts: 3, CreatedAt: b.clock.Now(), RunAt: b.clock.Now(), Headers: map[string]string{"origin": "api"},
		})
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.WriteHeader(http.StatusAccepted)
	}).Methods(http.MethodPost)
	r.Use(tracing.Middleware(b.tp))
	return r
}

func (b bundle) lease(t *testing.T) ports.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	leases, err := b.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{"default"}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	return leases[0]
}

func byName(t *testing.T, spans tracetest.SpanStubs, name string) []tracetest.SpanStub {
	t.Helper()
	var out []tracetest.SpanStub
	for _, s := range spans {
		if s.Name == name {
			out = append(out, s)
		}
	}
	require.NotEmpty(t, out, "no span named %q", name)
	return out
}

func attr(s tracetest.SpanStub, key attribute.Key) attribute.Value {
	for _, kv := range s.Attributes {
		if kv.Key == key {
			return kv.Value
		}
	}
	return attribute.Value{}
}

func TestTrace_FollowsATaskFromTheRequestAcrossARetry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	rec := httptest.NewRecorder()
	b.api().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/queues/default/tasks?id=t1", nil))
	require.Equal(t, http.StatusAccepted, rec.Code)

	calls := 0
	h := tracing.Handler(b.tp, ports.HandlerFunc(func(ctx context.Context, _ domain.Task) error {
		calls++
		require.True(t, trace.SpanFromContext(ctx).IsRecording(), "the handler runs inside the consumer span")
		if calls == 1 {
			return errors.New("smtp down")
		}
		return nil
	}))
	first := b.lease(t)
	require.Error(t, h.ProcessTask(t.Context(), first.Task))
	require.NoError(t, b.broker.Retry(t.Context(), ports.RetryParams{Lease: first, RunAt: b.clock.Now().Add(time.Second), Error: "smtp down"}))
	b.clock.Advance(2 * time.Second)
	_, err := b.broker.Recover(t.Context(), []string{"default"})
	require.NoError(t, err)
	second := b.lease(t)
	require.NoError(t, h.ProcessTask(t.Context(), second.Task))

	spans := b.spans.GetSpans()
	server := byName(t, spans, "POST /queues/{queue}/tasks")[0]
	producer := byName(t, spans, "send default")[0]
	consumers := byName(t, spans, "process default")
	require.Len(t, consumers, 2)

	require.Equal(t, trace.SpanKindServer, server.SpanKind)
	require.Equal(t, trace.SpanKindProducer, producer.SpanKind)
	require.Equal(t, server.SpanContext.SpanID(), producer.Parent.SpanID())
	for i, c := range consumers {
		require.Equal(t, trace.SpanKindConsumer, c.SpanKind)
		require.Equal(t, server.SpanContext.TraceID(), c.SpanContext.TraceID(), "attempt %d is in the request's trace", i+1)
		require.Equal(t, producer.SpanContext.SpanID(), c.Parent.SpanID())
		require.Len(t, c.Links, 1)
		require.Equal(t, producer.SpanContext.SpanID(), c.Links[0].SpanContext.SpanID())
		require.Equal(t, int64(i+1), attr(c, tracing.AttrAttempt).AsInt64())
		require.Equal(t, "process", attr(c, "messaging.operation.type").AsString())
		require.Equal(t, "t1", attr(c, "messaging.message.id").AsString())
	}
	require.Equal(t, codes.Error, consumers[0].Status.Code)
	require.Equal(t, "exception", consumers[0].Events[0].Name)
	require.Equal(t, codes.Ok, consumers[1].Status.Code)

	require.Equal(t, "popbox", attr(producer, "messaging.system").AsString())
	require.Equal(t, "default", attr(producer, "messaging.destination.name").AsString())
	require.Equal(t, "send", attr(producer, "messaging.operation.type").AsString())
	require.Equal(t, "/queues/{queue}/tasks", attr(server, "http.route").AsString())
	require.Equal(t, int64(http.StatusAccepted), attr(server, "http.response.status_code").AsInt64())
	require.Equal(t, server.SpanContext.TraceID().String(), tracing.TaskTraceID(second.Task))
	require.Equal(t, "api", second.Task.Headers["origin"], "the caller's headers travel alongside")
}

func TestMiddleware_ContinuesAnIncomingTraceparent(t *testing.T) {
	t.Parallel()
	b := setup(t)
	req := httptest.NewRequest(http.MethodPost, "/queues/default/tasks?id=t2", nil)
	req.Header.Set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
	b.api().ServeHTTP(httptest.NewRecorder(), req)

	server := byName(t, b.spans.GetSpans(), "POST /queues/{queue}/tasks")[0]
	require.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", server.SpanContext.TraceID().String())
	require.Equal(t, "00f067aa0ba902b7", server.Parent.SpanID().String())
	require.True(t, server.Parent.IsRemote())
}

func TestMiddleware_OuterInstanceTracesUnmatchedRequests(t *testing.T) {
	t.Parallel()
	b := setup(t)
	h := tracing.Middleware(b.tp)(b.api())

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/nowhere", nil))
	require.Equal(t, http.StatusNotFound, rec.Code)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPost, "/queues/default/tasks?id=t3", nil))

	spans := b.spans.GetSpans()
	require.Len(t, byName(t, spans, "GET"), 1)
	require.Len(t, byName(t, spans, "POST /queues/{queue}/tasks"), 1)
	require.Len(t, spans, 3, "one server span per request, plus the producer span")
}

func TestQueue_NeverChangesTheCallersHeaders(t *testing.T) {
	t.Parallel()
	b := setup(t)
	headers := map[string]string{"origin": "test"}
	ctx, span := b.tp.Tracer("test").Start(t.Context(), "caller")
	res, err := b.queue.Enqueue(ctx, domain.Task{ID: "t4", Type: "x", Queue: "default", Payload: json.RawMessage(`{}`), MaxAttempts: 1, Headers: headers})
	span.End()
	require.NoError(t, err)

	require.Equal(t, map[string]string{"origin": "test"}, headers)
	require.True(t, strings.HasPrefix(res.Task.Headers["traceparent"], "00-"+span.SpanContext().TraceID().String()))
}

func TestQueue_RecordsBrokerErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	_, err := b.queue.Enqueue(t.Context(), domain.Task{ID: "t5", Type: "x", Queue: "default", MaxAttempts: 1, Payload: json.RawMessage(`{}`)})
	require.NoError(t, err)
	_, err = tracing.Queue(b.tp, failingQueue{b.broker}).Enqueue(t.Context(), domain.Task{ID: "t6", Queue: "default"})
	require.ErrorIs(t, err, domain.ErrBrokerUnavailable)

	spans := byName(t, b.spans.GetSpans(), "send default")
	require.Len(t, spans, 2)
	require.Equal(t, codes.Unset, spans[0].Status.Code)
	require.False(t, attr(spans[0], tracing.AttrDuplicate).AsBool())
	require.Equal(t, codes.Error, spans[1].Status.Code)
	require.Equal(t, domain.ErrBrokerUnavailable.Error(), attr(spans[1], "error.type").AsString())
}

type failingQueue struct{ ports.QueuePort }

func (failingQueue) Enqueue(context.Context, domain.Task) (ports.EnqueueResult, error) {
	return ports.EnqueueResult{}, domain.ErrBrokerUnavailable
}

func TestHandler_APanicFailsTheSpanAndPropagates(t *testing.T) {
	t.Parallel()
	b := setup(t)
	h := tracing.Handler(b.tp, ports.HandlerFunc(func(context.Context, domain.Task) error { panic("bug") }))

	require.PanicsWithValue(t, "bug", func() { _ = h.ProcessTask(t.Context(), domain.Task{ID: "p", Queue: "default", Attempt: 1}) })
	span := byName(t, b.spans.GetSpans(), "process default")[0]
	require.Equal(t, codes.Error, span.Status.Code)
	require.False(t, span.Parent.IsValid(), "a task without trace headers starts a new trace")
}
