package tracing

import (
	"errors"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"

	"github.com/popbox/popbox/domain"
)

// ScopeName names the instrumentation scope of every PopBox span.
const ScopeName = "github.com/popbox/popbox"

// MessagingSystem is PopBox's messaging.system attribute value.
const MessagingSystem = "popbox"

// Operation names, per the messaging conventions' {operation} {destination}
// span names.
const (
	opSend    = "send"
	opProcess = "process"
)

// PopBox-specific attributes, for what the conventions have no key.
var (
	AttrTaskType  = attribute.Key("popbox.task.type")
	AttrAttempt   = attribute.Key("popbox.task.attempt")
	AttrDuplicate = attribute.Key("popbox.task.duplicate")
)

// propagator carries W3C trace context and baggage. It is fixed, not the
// global one, so tracing works the same however the process is wired.
var propagator = propagation.NewCompositeTextMapPropagator(propagation.TraceContext{}, propagation.Baggage{})

// Propagator is the propagator PopBox injects into and extracts from task
// headers and HTTP requests.
func Propagator() propagation.TextMapPropagator { return propagator }

func tracer(tp trace.TracerProvider) trace.Tracer { return tp.Tracer(ScopeName) }

// disabled reports whether tp records nothing, so decorators can step aside.
func disabled(tp trace.TracerProvider) bool {
	switch tp.(type) {
	case nil, noop.TracerProvider, *noop.TracerProvider:
		return true
	}
	return false
}

// messageAttrs are the messaging attributes of an operation on t.
func messageAttrs(op string, opType attribute.KeyValue, t domain.Task) []attribute.KeyValue {
	return []attribute.KeyValue{
		semconv.MessagingSystemKey.String(MessagingSystem),
		semconv.MessagingDestinationName(t.Queue),
		semconv.MessagingOperationName(op),
		opType,
		semconv.MessagingMessageID(t.ID),
		AttrTaskType.String(t.Type),
	}
}

// fail records err on span and marks it failed.
func fail(span trace.Span, err error) {
	span.RecordError(err)
	span.SetStatus(codes.Error, err.Error())
	span.SetAttributes(semconv.ErrorTypeKey.String(errorType(err)))
}

// errorType is a low-cardinality description of err for error.type.
func errorType(err error) string {
	for _, s := range []error{domain.ErrSkipRetry, domain.ErrBrokerUnavailable, domain.ErrInvalid,
		domain.ErrPayloadTooLarge, domain.ErrUnknownTaskType, domain.ErrLeaseLost} {
		if errors.Is(err, s) {
			return s.Error()
		}
	}
	return semconv.ErrorTypeOther.Value.AsString()
}
