package tracing

import (
	"context"

	"go.opentelemetry.io/otel/propagation"
	"go.opentelemetry.io/otel/trace"

	"github.com/popbox/popbox/domain"
)

// TraceFields returns the hex trace and span ids of the span in ctx, for
// logs; ok is false when ctx carries no valid span context.
func TraceFields(ctx context.Context) (traceID, spanID string, ok bool) {
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return "", "", false
	}
	return sc.TraceID().String(), sc.SpanID().String(), true
}

// TaskTraceID returns the hex id of the trace whose context the task's
// headers carry, or "" if they carry none.
func TaskTraceID(t domain.Task) string {
	if len(t.Headers) == 0 {
		return ""
	}
	ctx := propagator.Extract(context.Background(), propagation.MapCarrier(t.Headers))
	sc := trace.SpanContextFromContext(ctx)
	if !sc.IsValid() {
		return ""
	}
	return sc.TraceID().String()
}
