package bootstrap

import (
	"context"
	"net/http"
	"time"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/ports"
)

// workerModule runs the worker and dead-letter retention.
var workerModule = fx.Module("worker",
	fx.Provide(newWorker, newRetention),
	fx.Invoke(func(*application.Worker, *application.Retention) {}),
)

// workerConfig maps the process settings onto the worker's.
func workerConfig(cfg Config) application.WorkerConfig {
	wc := application.DefaultWorkerConfig()
	wc.Queues = cfg.Queues
	wc.Strategy = cfg.QueueStrategy
	wc.Weights = cfg.QueueWeights
	wc.Concurrency = cfg.Concurrency
	wc.BatchSize = cfg.BatchSize
	wc.LeaseFor = cfg.LeaseFor
	wc.HeartbeatEvery = cfg.LeaseFor / 3
	wc.DefaultTimeout = cfg.TaskTimeout
	wc.ShutdownGrace = cfg.ShutdownGrace
	wc.Retry = cfg.Retry
	return wc
}

type workerDeps struct {
	fx.In
	Lifecycle   fx.Lifecycle
	Config      Config
	Log         *zap.Logger
	Queue       ports.QueuePort
	DeadLetters ports.DeadLetterPort
	Handlers    *application.Registry
	Clock       ports.Clock
	Observer    ports.WorkerObserver
	Metrics     *metrics.Metrics
}

func newWorker(d workerDeps) (*application.Worker, error) {
	wc := workerConfig(d.Config)
	w, err := application.NewWorker(wc, application.WorkerDeps{
		Queue:       d.Queue,
		DeadLetters: d.DeadLetters,
		Handlers:    d.Handlers,
		Clock:       d.Clock,
		Observer:    d.Observer,
	})
	if err != nil {
		return nil, err
	}
	d.Metrics.SetConcurrency(wc.Concurrency)
	d.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			d.Log.Info("worker starting",
				zap.Strings("queues", wc.Queues), zap.String("strategy", wc.Strategy),
				zap.Int("concurrency", wc.Concurrency), zap.Duration("lease", wc.LeaseFor),
				zap.Stringer("retry", wc.Retry))
			return w.Start(context.WithoutCancel(ctx))
		},
		OnStop: w.Stop,
	})
	return w, nil
}

func newRetention(lc fx.Lifecycle, cfg Config, log *zap.Logger, q ports.QueuePort, dl ports.DeadLetterPort, clock ports.Clock) *application.Retention {
	r := application.NewRetention(application.RetentionConfig{
		MaxAge: cfg.DeadMaxAge, MaxSize: cfg.DeadMaxSize, Every: time.Minute,
		ErrorFunc: func(err error) { log.Warn("dead-letter retention failed; retrying in a minute", zap.Error(err)) },
	}, q, dl, clock, func(queue string, res ports.ExpireResult) {
		log.Info("dead letters removed by retention", zap.String("queue", queue),
			zap.Int64("expired", res.Expired), zap.Int64("trimmed", res.Trimmed))
	})
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error { return r.Start(context.WithoutCancel(ctx)) },
		OnStop:  r.Stop,
	})
	return r
}

// workerHTTPModule serves /metrics, /livez and /readyz on a worker-only
// process, which has no API server.
var workerHTTPModule = fx.Module("worker-http",
	fx.Invoke(func(lc fx.Lifecycle, cfg Config, log *zap.Logger, m *metrics.Metrics, ready ReadyFunc) {
		mux := http.NewServeMux()
		mux.Handle("/metrics", m.ScrapeHandler())
		mux.HandleFunc("/livez", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) })
		mux.HandleFunc("/readyz", func(w http.ResponseWriter, r *http.Request) {
			if err := ready(r.Context()); err != nil {
				http.Error(w, "broker unavailable", http.StatusServiceUnavailable)
				return
			}
			w.WriteHeader(http.StatusOK)
		})
		srv := httpapi.NewServer(cfg.MetricsAddr, mux)
		lc.Append(fx.Hook{
			OnStart: func(ctx context.Context) error {
				if err := srv.Start(ctx); err != nil {
					return err
				}
				log.Info("worker metrics listening", zap.String("addr", srv.Addr()))
				return nil
			},
			OnStop: srv.Stop,
		})
	}),
)
