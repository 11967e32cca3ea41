package bootstrap

import (
	"context"
	"net/http"
	"net/http/pprof"

	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/httpapi"
)

// pprofModule serves Go's profiler on its own listener, so profiles of a
// busy process can be taken without exposing them on the API's address.
var pprofModule = fx.Module("pprof",
	fx.Invoke(func(lc fx.Lifecycle, cfg Config, log *zap.Logger) {
		mux := http.NewServeMux()
		mux.HandleFunc("/debug/pprof/", pprof.Index)
		mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
		mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
		mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
		mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
		srv := httpapi.NewServer(cfg.PprofAddr, mux)
		lc.Append(fx.Hook{
			OnStart: func(ctx context.Context) error {
				if err := srv.Start(ctx); err != nil {
					return err
				}
				log.Warn("profiler listening; keep this address private", zap.String("addr", srv.Addr()))
				return nil
			},
			OnStop: srv.Stop,
		})
	}),
)
