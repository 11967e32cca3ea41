package tracing_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestConfigFromEnv_MapsTheStandardVariables(t *testing.T) {
	t.Parallel()
	env := map[string]string{
		"OTEL_TRACES_EXPORTER": "otlp", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://jaeger:4318",
		"OTEL_SERVICE_NAME": "popbox-worker", "OTEL_TRACES_SAMPLER": "traceidratio", "OTEL_TRACES_SAMPLER_ARG": "0.25",
		"OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
	}
	cfg := tracing.ConfigFromEnv(func(k string) string { return env[k] })

	require.Equal(t, tracing.Config{Exporter: "otlp", Endpoint: "http://jaeger:4318", ServiceName: "popbox-worker",
		Sampler: "traceidratio", SamplerArg: "0.25", Protocol: "http/protobuf"}, cfg)
	require.NoError(t, cfg.Validate())
}

func TestConfig_ValidateNamesTheVariable(t *testing.T) {
	t.Parallel()
	for field, cfg := range map[string]tracing.Config{
		"OTEL_TRACES_EXPORTER":        {Exporter: "zipkin"},
		"OTEL_TRACES_SAMPLER":         {Sampler: "sometimes"},
		"OTEL_TRACES_SAMPLER_ARG":     {Sampler: "parentbased_traceidratio", SamplerArg: "2"},
		"OTEL_EXPORTER_OTLP_PROTOCOL": {Exporter: "otlp", Protocol: "grpc"},
	} {
		err := cfg.Validate()
		var verr *domain.ValidationError
		require.ErrorAs(t, err, &verr, field)
		require.Equal(t, field, verr.Field)
		_, err = tracing.NewProvider(t.Context(), cfg)
		require.ErrorIs(t, err, domain.ErrInvalid)
	}
	require.NoError(t, tracing.Config{}.Validate(), "the zero Config disables tracing")
}

func TestNewProvider_NoneCostsNothing(t *testing.T) {
	t.Parallel()
	p, err := tracing.NewProvider(t.Context(), tracing.Config{})
	require.NoError(t, err)
	require.False(t, p.Enabled())
	var q ports.QueuePort = failingQueue{}
	require.Equal(t, q, tracing.Queue(p.TracerProvider(), q), "a disabled provider does not wrap")
	h := ports.Handler(&countingHandler{})
	require.Equal(t, h, tracing.Handler(p.TracerProvider(), h))
	require.NoError(t, p.Shutdown(t.Context()))
}

type countingHandler struct{ n int }

func (c *countingHandler) ProcessTask(context.Context, domain.Task) error { c.n++; return nil }

func TestNewProvider_ConsoleWritesSpansWithTheirTraceID(t *testing.T) {
	t.Parallel()
	var out syncBuffer
	p, err := tracing.NewProvider(t.Context(), tracing.Config{Exporter: "console", ConsoleWriter: &out, ServiceName: "popbox-test"})
	require.NoError(t, err)
	require.True(t, p.Enabled())

	ctx, span := p.TracerProvider().Tracer("test").Start(t.Context(), "unit")
	traceID, spanID, ok := tracing.TraceFields(ctx)
	span.End()
	require.NoError(t, p.Shutdown(t.Context()))

	require.True(t, ok)
	require.Contains(t, out.String(), traceID)
	require.Contains(t, out.String(), spanID)
	require.Contains(t, out.String(), "popbox-test")
	_, _, ok = tracing.TraceFields(t.Context())
	require.False(t, ok)
}

func TestNewProvider_OTLPPostsToTheTracesPathOfTheEndpoint(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var paths []string
	collector := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths = append(paths, r.URL.Path)
		mu.Unlock()
		w.WriteHeader(http.StatusOK)
	}))
	defer collector.Close()

	p, err := tracing.NewProvider(t.Context(), tracing.Config{Exporter: "otlp", Endpoint: collector.URL, Sampler: "always_on"})
	require.NoError(t, err)
	_, span := p.TracerProvider().Tracer("test").Start(t.Context(), "unit")
	span.End()
	require.NoError(t, p.Shutdown(t.Context()), "shutdown flushes the batch")

	mu.Lock()
	defer mu.Unlock()
	require.Equal(t, []string{"/v1/traces"}, paths)
}

func TestTaskTraceID_IsEmptyWithoutTraceContext(t *testing.T) {
	t.Parallel()
	require.Empty(t, tracing.TaskTraceID(domain.Task{}))
	require.Empty(t, tracing.TaskTraceID(domain.Task{Headers: map[string]string{"traceparent": "garbage"}}))
	require.Equal(t, "4bf92f3577b34da6a3ce929d0e0e4736", tracing.TaskTraceID(domain.Task{Headers: map[string]string{
		"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}}))
}

// syncBuffer is a bytes.Buffer safe for the exporter and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
