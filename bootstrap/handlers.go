package bootstrap

import (
	"maps"
	"path/filepath"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/ports"
)

// handlersModule provides the handler registry with the built-in handlers,
// each wrapped so it is traced (a CONSUMER span continuing the producer's
// trace) and timed.
var handlersModule = fx.Module("handlers",
	fx.Provide(newRegistry),
)

func newRegistry(cfg Config, log *zap.Logger, m *metrics.Metrics, tp *tracing.Provider) (*application.Registry, error) {
	builtin := handlers.Builtin(log.Named("handler"), handlers.ReportConfig{Dir: cfg.ReportDir})
	if cfg.TestHandlers {
		log.Warn("fault-test handlers registered (test.sleep, test.panic); never enable this in production")
		maps.Copy(builtin, handlers.Fault(markerDir(cfg.ReportDir)))
	}
	wrapped := make(map[string]ports.Handler, len(builtin))
	for name, h := range builtin {
		wrapped[name] = tracing.Handler(tp.TracerProvider(), m.Handler(name, h))
	}
	reg := application.NewRegistry()
	if err := handlers.Register(reg, wrapped); err != nil {
		return nil, err
	}
	return reg, nil
}

// markerDir is where test.sleep writes its run markers: a "runs" folder
// beside the reports.
func markerDir(reportDir string) string {
	if reportDir == "" {
		reportDir = handlers.DefaultReportDir()
	}
	return filepath.Join(reportDir, "runs")
}
