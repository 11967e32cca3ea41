package tracing

import (
	"context"
	"maps"

	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Queue returns next with Enqueue traced: a PRODUCER span "send <queue>",
// child of the span in ctx, whose W3C trace context is injected into a copy
// of the task's headers (the caller's map is never changed). The other
// methods pass through. A disabled tp returns next itself.
func Queue(tp trace.TracerProvider, next ports.QueuePort) ports.QueuePort {
	if disabled(tp) {
		return next
	}
	return &queue{QueuePort: next, tracer: tracer(tp)}
}

type queue struct {
	ports.QueuePort
	tracer trace.Tracer
}

func (q *queue) Enqueue(ctx context.Context, t domain.Task) (ports.EnqueueResult, error) {
	ctx, span := q.tracer.Start(ctx, opSend+" "+t.Queue,
		trace.WithSpanKind(trace.SpanKindProducer),
		trace.WithAttributes(messageAttrs(opSend, semconv.MessagingOperationTypeSend, t)...))
	defer span.End()
	t.Headers = withTraceContext(ctx, t.Headers)
	res, err := q.QueuePort.Enqueue(ctx, t)
	if err != nil {
		fail(span, err)
		return res, err
	}
	span.SetAttributes(AttrDuplicate.Bool(res.Duplicate))
	return res, nil
}

// withTraceContext returns a copy of headers carrying ctx's trace context,
// or headers itself when ctx has no valid span context to carry.
func withTraceContext(ctx context.Context, headers map[string]string) map[string]string {
	if !trace.SpanContextFromContext(ctx).IsValid() {
		return headers
	}
	out := make(map[string]string, len(headers)+2)
	maps.Copy(out, headers)
	propagator.Inject(ctx, propagation.MapCarrier(out))
	return out
}
