package tracing

import (
	"context"
	"errors"

	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// errPanicked marks the span of an attempt whose handler panicked.
var errPanicked = errors.New("handler panicked")

// Handler returns next run inside a CONSUMER span "process <queue>" per
// attempt. The span continues the trace whose context the task's headers
// carry (the producer span is its parent) and links to that context, as the
// messaging conventions ask. An error is recorded on the span and marks it
// failed; a panic does too and then propagates for the worker to recover. A
// disabled tp returns next itself.
func Handler(tp trace.TracerProvider, next ports.Handler) ports.Handler {
	if disabled(tp) {
		return next
	}
	return &handler{next: next, tracer: tracer(tp)}
}

type handler struct {
	next   ports.Handler
	tracer trace.Tracer
}

func (h *handler) ProcessTask(ctx context.Context, t domain.Task) (err error) {
	ctx, span := h.start(ctx, t)
	panicked := true
	defer func() {
		switch {
		case panicked:
			fail(span, errPanicked)
		case err != nil:
			fail(span, err)
		default:
			span.SetStatus(codes.Ok, "")
		}
		span.End()
	}()
	err = h.next.ProcessTask(ctx, t)
	panicked = false
	return err
}

func (h *handler) start(ctx context.Context, t domain.Task) (context.Context, trace.Span) {
	attrs := append(messageAttrs(opProcess, semconv.MessagingOperationTypeProcess, t), AttrAttempt.Int(t.Attempt))
	opts := []trace.SpanStartOption{trace.WithSpanKind(trace.SpanKindConsumer), trace.WithAttributes(attrs...)}
	producer := propagator.Extract(ctx, propagation.MapCarrier(t.Headers))
	if sc := trace.SpanContextFromContext(producer); sc.IsValid() {
		opts = append(opts, trace.WithLinks(trace.Link{SpanContext: sc}))
		ctx = producer
	}
	return h.tracer.Start(ctx, opProcess+" "+t.Queue, opts...)
}
