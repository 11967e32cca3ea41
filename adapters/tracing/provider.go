package tracing

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"

	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/exporters/stdout/stdouttrace"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	semconv "go.opentelemetry.io/otel/semconv/v1.43.0"
	"go.opentelemetry.io/otel/trace"
	"go.opentelemetry.io/otel/trace/noop"
)

// Provider owns the process's TracerProvider and its exporter.
type Provider struct {
	tp  trace.TracerProvider
	sdk *sdktrace.TracerProvider // nil when tracing is off
}

// NewProvider builds the TracerProvider cfg describes. With the "none"
// exporter (the default) it is a no-op provider that starts nothing. ctx
// bounds the exporter's setup only.
func NewProvider(ctx context.Context, cfg Config) (*Provider, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("tracing: %w", err)
	}
	cfg = cfg.WithDefaults()
	if cfg.Exporter == ExporterNone {
		return &Provider{tp: noop.NewTracerProvider()}, nil
	}
	res, err := newResource(ctx, cfg)
	if err != nil {
		return nil, err
	}
	opts := []sdktrace.TracerProviderOption{sdktrace.WithResource(res), sdktrace.WithSampler(sampler(cfg))}
	switch cfg.Exporter {
	case ExporterConsole:
		exp, err := stdouttrace.New(stdouttrace.WithWriter(firstWriter(cfg)))
		if err != nil {
			return nil, fmt.Errorf("tracing: console exporter: %w", err)
		}
		// Synchronous: console output is for debugging and tests that read
		// it while the process runs.
		opts = append(opts, sdktrace.WithSyncer(exp))
	case ExporterOTLP:
		exp, err := otlptracehttp.New(ctx, otlpOptions(cfg)...)
		if err != nil {
			return nil, fmt.Errorf("tracing: otlp exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
	}
	sdk := sdktrace.NewTracerProvider(opts...)
	return &Provider{tp: sdk, sdk: sdk}, nil
}

// TracerProvider is what the decorators take.
func (p *Provider) TracerProvider() trace.TracerProvider { return p.tp }

// Enabled reports whether spans are recorded and exported.
func (p *Provider) Enabled() bool { return p.sdk != nil }

// Shutdown flushes buffered spans and stops the exporter. It is safe to
// call on a disabled provider.
func (p *Provider) Shutdown(ctx context.Context) error {
	if p.sdk == nil {
		return nil
	}
	if err := p.sdk.Shutdown(ctx); err != nil {
		return fmt.Errorf("tracing: shutdown: %w", err)
	}
	return nil
}

func newResource(ctx context.Context, cfg Config) (*resource.Resource, error) {
	attrs := []resource.Option{
		resource.WithSchemaURL(semconv.SchemaURL),
		resource.WithTelemetrySDK(),
		resource.WithAttributes(semconv.ServiceName(cfg.ServiceName)),
	}
	if cfg.ServiceInstance != "" {
		attrs = append(attrs, resource.WithAttributes(semconv.ServiceInstanceID(cfg.ServiceInstance)))
	}
	res, err := resource.New(ctx, attrs...)
	if err != nil {
		return nil, fmt.Errorf("tracing: resource: %w", err)
	}
	return res, nil
}

func sampler(cfg Config) sdktrace.Sampler {
	ratio, _ := cfg.ratio() // Validate has checked it where it matters
	switch cfg.Sampler {
	case SamplerAlwaysOn:
		return sdktrace.AlwaysSample()
	case SamplerAlwaysOff:
		return sdktrace.NeverSample()
	case SamplerTraceIDRatio:
		return sdktrace.TraceIDRatioBased(ratio)
	case SamplerParentBasedAlwaysOff:
		return sdktrace.ParentBased(sdktrace.NeverSample())
	case SamplerParentBasedTraceIDRatio:
		return sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))
	}
	return sdktrace.ParentBased(sdktrace.AlwaysSample())
}

// otlpOptions points the exporter at the configured endpoint; with none it
// keeps the exporter's default (localhost:4318).
func otlpOptions(cfg Config) []otlptracehttp.Option {
	if cfg.TracesEndpoint != "" {
		return []otlptracehttp.Option{otlptracehttp.WithEndpointURL(cfg.TracesEndpoint)}
	}
	if cfg.Endpoint != "" {
		return []otlptracehttp.Option{otlptracehttp.WithEndpointURL(tracesURL(cfg.Endpoint))}
	}
	return nil
}

// tracesURL appends the OTLP traces path to a base endpoint, as the
// OTEL_EXPORTER_OTLP_ENDPOINT variable requires.
func tracesURL(base string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = strings.TrimSuffix(u.Path, "/") + "/v1/traces"
	return u.String()
}

func firstWriter(cfg Config) io.Writer {
	if cfg.ConsoleWriter != nil {
		return cfg.ConsoleWriter
	}
	return os.Stdout
}
