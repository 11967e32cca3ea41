package bootstrap

import (
	"context"
	"net/http"

	"github.com/google/uuid"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// apiModule provides the use cases behind the HTTP API and runs the server.
var apiModule = fx.Module("api",
	fx.Provide(
		newEnqueuer,
		application.NewTaskQuery,
		func(cfg Config, q ports.QueuePort) *application.QueueOverview {
			return application.NewQueueOverview(q, cfg.Queues)
		},
		application.NewDeadLetters,
		newAPIServer,
		func(s *httpapi.Server) HTTPAddr { return s.Addr },
	),
	fx.Invoke(func(*httpapi.Server) {}),
)

func newEnqueuer(cfg Config, q ports.QueuePort, reg *application.Registry, clock ports.Clock) *application.Enqueuer {
	limits := domain.DefaultLimits
	limits.MaxPayloadBytes = cfg.MaxPayload
	return application.NewEnqueuer(application.EnqueueConfig{
		Limits:       limits,
		DefaultQueue: cfg.Queues[0],
		Retry:        cfg.Retry,
	}, q, reg, clock, newTaskID)
}

// newTaskID returns a UUIDv7: unique, and sortable by creation time.
func newTaskID() string { return uuid.Must(uuid.NewV7()).String() }

type apiDeps struct {
	fx.In
	Lifecycle fx.Lifecycle
	Config    Config
	Log       *zap.Logger
	Enqueuer  *application.Enqueuer
	Tasks     *application.TaskQuery
	Queues    *application.QueueOverview
	Dead      *application.DeadLetters
	Ready     ReadyFunc
	Metrics   *metrics.Metrics
	Tracing   *tracing.Provider
}

func newAPIServer(d apiDeps) (*httpapi.Server, error) {
	traced, counted := tracing.Middleware(d.Tracing.TracerProvider()), d.Metrics.HTTPMiddleware()
	router := httpapi.NewRouter(httpapi.Config{MaxBodyBytes: int64(d.Config.MaxPayload) + 64<<10}, httpapi.Deps{
		Enqueuer:    d.Enqueuer,
		Tasks:       d.Tasks,
		Queues:      d.Queues,
		DeadLetters: d.Dead,
		ReadyFunc:   d.Ready,
		Log:         d.Log.Named("http"),
	}, traced, counted)
	mux := http.NewServeMux()
	mux.Handle("/metrics", d.Metrics.ScrapeHandler())
	// Wrapped again outside the router so requests no route matches (404,
	// 405) are traced and counted too; the inner instances name the route.
	mux.Handle("/", traced(counted(router)))
	srv := httpapi.NewServer(d.Config.HTTPAddr, mux)
	d.Lifecycle.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			if err := srv.Start(ctx); err != nil {
				return err
			}
			d.Log.Info("http api listening", zap.String("addr", srv.Addr()))
			return nil
		},
		OnStop: srv.Stop,
	})
	return srv, nil
}

// HTTPAddr reports the address the API server listens on once started
// (useful with port 0).
type HTTPAddr func() string
