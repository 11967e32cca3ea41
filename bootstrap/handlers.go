package bootstrap

import (
	"fmt"
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

// NamedHandler binds a task type to its handler, for WithHandler.
type NamedHandler struct {
	Type    string
	Handler ports.Handler
}

// WithHandler registers a handler of your own under taskType, beside the
// built-in ones, when you embed PopBox in your program:
//
//	app := bootstrap.New(cfg, bootstrap.WithHandler("resize_image", ports.HandlerFunc(resize)))
//
// Like the built-in handlers it is traced and timed. A duplicate or invalid
// task type makes the app fail to start.
func WithHandler(taskType string, h ports.Handler) fx.Option {
	return fx.Provide(fx.Annotate(
		func() NamedHandler { return NamedHandler{Type: taskType, Handler: h} },
		fx.ResultTags(`group:"handlers"`),
	))
}

type registryDeps struct {
	fx.In
	Config  Config
	Log     *zap.Logger
	Metrics *metrics.Metrics
	Tracing *tracing.Provider
	Extra   []NamedHandler `group:"handlers"`
}

func newRegistry(d registryDeps) (*application.Registry, error) {
	cfg, log, m, tp := d.Config, d.Log, d.Metrics, d.Tracing
	builtin := handlers.Builtin(log.Named("handler"), handlers.ReportConfig{Dir: cfg.ReportDir})
	if cfg.TestHandlers {
		log.Warn("fault-test handlers registered (test.sleep, test.panic); never enable this in production")
		maps.Copy(builtin, handlers.Fault(markerDir(cfg.ReportDir)))
	}
	for _, nh := range d.Extra {
		if _, taken := builtin[nh.Type]; taken || nh.Handler == nil {
			return nil, fmt.Errorf("handler %q: a handler is already registered under that type, or it is nil", nh.Type)
		}
		builtin[nh.Type] = nh.Handler
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
