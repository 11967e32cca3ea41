package bootstrap

import (
	"go.uber.org/dig"
	"go.uber.org/fx"
	"go.uber.org/fx/fxevent"
	"go.uber.org/zap"
)

// New builds the fx application for cfg's role. extra options let tests
// replace or observe parts (fx.Replace, fx.Populate).
func New(cfg Config, extra ...fx.Option) *fx.App {
	return fx.New(Options(cfg), fx.Options(extra...))
}

// Options returns the fx options that make up a process with cfg's role:
// the shared core, the API when the role is api or both, the worker when it
// is worker or both.
func Options(cfg Config) fx.Option {
	opts := []fx.Option{
		fx.Supply(cfg),
		fx.WithLogger(func(log *zap.Logger) fxevent.Logger {
			if !log.Core().Enabled(zap.DebugLevel) {
				return fxevent.NopLogger
			}
			return &fxevent.ZapLogger{Logger: log.Named("fx")}
		}),
		observabilityModule,
		brokerModule(cfg.Broker),
		handlersModule,
	}
	// fx stops hooks in reverse order of registration: the API is added
	// after the worker so that at shutdown it stops taking tasks first, and
	// the worker still runs (or gives back) whatever was accepted.
	if cfg.Role != RoleAPI {
		opts = append(opts, workerModule)
	}
	if cfg.Role != RoleWorker {
		opts = append(opts, apiModule)
	}
	if cfg.Role == RoleWorker && cfg.MetricsAddr != "" {
		opts = append(opts, workerHTTPModule)
	}
	if cfg.PprofAddr != "" {
		opts = append(opts, pprofModule)
	}
	return fx.Options(opts...)
}

// RootCause strips fx's wiring chain from an error of New or Start, leaving
// what an operator must fix (e.g. "redis.url: invalid database number").
func RootCause(err error) error { return dig.RootCause(err) }
