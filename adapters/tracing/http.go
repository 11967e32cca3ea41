package tracing

import (
	"context"
	"net/http"

	"github.com/gorilla/mux"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/propagation"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"

	"github.com/popbox/popbox/adapters/httpstatus"
)

// Middleware traces each request in a SERVER span named "<method> <route
// template>" (just "<method>" when no route matched) that continues the
// trace of an incoming W3C traceparent header. The span is in the request's
// context, so Enqueue's producer span becomes its child. A 5xx status marks
// the span failed.
//
// Given to the router it sees requests that matched a route. Wrapping the
// whole router with it too also traces unmatched requests: the outer
// instance then starts the span and the inner one names it. A disabled tp
// returns handlers unwrapped.
func Middleware(tp trace.TracerProvider) mux.MiddlewareFunc {
	if disabled(tp) {
		return func(next http.Handler) http.Handler { return next }
	}
	tr := tracer(tp)
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if span, ok := r.Context().Value(serverSpanKey{}).(trace.Span); ok {
				nameByRoute(span, r)
				next.ServeHTTP(w, r)
				return
			}
			serveTraced(tr, next, w, r)
		})
	}
}

type serverSpanKey struct{}

func serveTraced(tr trace.Tracer, next http.Handler, w http.ResponseWriter, r *http.Request) {
	ctx := propagator.Extract(r.Context(), propagation.HeaderCarrier(r.Header))
	ctx, span := tr.Start(ctx, r.Method,
		trace.WithSpanKind(trace.SpanKindServer),
		trace.WithAttributes(
			semconv.HTTPRequestMethodKey.String(r.Method),
			semconv.URLPath(r.URL.Path),
			semconv.ServerAddress(r.Host),
			semconv.UserAgentOriginal(r.UserAgent()),
		))
	nameByRoute(span, r)
	rec := httpstatus.NewRecorder(w)
	panicked := true
	defer func() {
		code := rec.Status()
		if panicked && !rec.Wrote() {
			code = http.StatusInternalServerError
		}
		span.SetAttributes(semconv.HTTPResponseStatusCode(code))
		if code >= http.StatusInternalServerError {
			span.SetStatus(codes.Error, http.StatusText(code))
		}
		span.End()
	}()
	next.ServeHTTP(rec, r.WithContext(context.WithValue(ctx, serverSpanKey{}, span)))
	panicked = false
}

// nameByRoute names span after the route r matched, if any.
func nameByRoute(span trace.Span, r *http.Request) {
	route := mux.CurrentRoute(r)
	if route == nil {
		return
	}
	if tpl, err := route.GetPathTemplate(); err == nil {
		span.SetName(r.Method + " " + tpl)
		span.SetAttributes(semconv.HTTPRoute(tpl))
	}
}
