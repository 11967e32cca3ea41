// Package tracing follows a task with OpenTelemetry from the HTTP request
// that enqueued it into every attempt of its handler, in one trace.
//
// NewProvider builds a TracerProvider from a Config that mirrors the
// standard OTEL_* environment variables (ConfigFromEnv maps them; only
// bootstrap should call it with os.Getenv). The default exporter is "none":
// a no-op provider with which every decorator here returns its argument
// unwrapped, so tracing that is off costs nothing.
//
// The decorators:
//   - Middleware starts an HTTP server span per request, named by the mux
//     route template and continuing an incoming W3C traceparent.
//   - Queue starts a PRODUCER span ("send <queue>") around Enqueue and
//     injects the W3C trace context into a copy of the task's headers.
//   - Handler extracts that context and runs each attempt inside a CONSUMER
//     span ("process <queue>") that is the producer span's child and also
//     links to it, so retries, which carry the same headers, join the same
//     trace.
//
// Span names and attributes follow the OpenTelemetry messaging and HTTP
// semantic conventions of go.opentelemetry.io/otel/semconv/v1.43.0.
// TraceFields and TaskTraceID give loggers the ids to print.
package tracing
