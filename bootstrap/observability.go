package bootstrap

import (
	"context"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/adapters/logging"
	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// observabilityModule provides the clock, the logger, the Prometheus
// registry with PopBox's metrics, and the tracer provider.
var observabilityModule = fx.Module("observability",
	fx.Provide(
		newLogger,
		newPromRegistry,
		newMetrics,
		newTracing,
		newWorkerObserver,
	),
)

func newLogger(cfg Config) (*zap.Logger, error) {
	log, err := logging.NewLogger(logging.Config{Level: cfg.LogLevel, Format: cfg.LogFormat})
	if err != nil {
		return nil, err
	}
	return log.With(zap.String("role", cfg.Role)), nil
}

func newPromRegistry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return reg
}

func newMetrics(cfg Config, reg *prometheus.Registry, clock ports.Clock) (*metrics.Metrics, error) {
	return metrics.New(reg, metrics.Options{
		Queues:    cfg.Queues,
		TaskTypes: []string{handlers.TypeSendEmail, handlers.TypeGenerateReport},
		Clock:     clock,
	})
}

func newTracing(lc fx.Lifecycle, cfg Config) (*tracing.Provider, error) {
	tp, err := tracing.NewProvider(context.Background(), tracing.Config{
		Exporter:    cfg.TracesExporter,
		Endpoint:    cfg.OTLPEndpoint,
		ServiceName: cfg.ServiceName,
		Sampler:     cfg.TracesSampler,
		SamplerArg:  cfg.SamplerArg,
	})
	if err != nil {
		return nil, err
	}
	lc.Append(fx.StopHook(tp.Shutdown))
	return tp, nil
}

func newWorkerObserver(log *zap.Logger) ports.WorkerObserver {
	return logging.NewWorkerObserver(log.Named("worker"),
		logging.WithContextFields(traceLogFields),
		logging.WithTaskFields(func(task domain.Task) []zap.Field {
			if id := tracing.TaskTraceID(task); id != "" {
				return []zap.Field{zap.String("task_trace_id", id)}
			}
			return nil
		}))
}

// traceLogFields puts the active span's ids on log lines.
func traceLogFields(ctx context.Context) []zap.Field {
	traceID, spanID, ok := tracing.TraceFields(ctx)
	if !ok {
		return nil
	}
	return []zap.Field{zap.String("trace_id", traceID), zap.String("span_id", spanID)}
}
