package bootstrap

import (
	"context"
	"time"

	"github.com/redis/go-redis/v9"
	"go.uber.org/fx"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/adapters/metrics"
	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/adapters/tracing"
	"github.com/popbox/popbox/ports"
)

// ReadyFunc reports whether the broker can take work, for /readyz.
type ReadyFunc func(ctx context.Context) error

// rawBroker is the undecorated broker adapter.
type rawBroker struct{ ports.Broker }

// brokerModule provides the broker's ports, decorated with metrics and
// tracing, and its readiness check.
func brokerModule(kind string) fx.Option {
	provideRaw := fx.Provide(func() ports.Clock { return ports.SystemClock }, newMemoryBroker)
	if kind == BrokerRedis {
		provideRaw = fx.Provide(newRedisClient, newServerClock, newRedisBroker)
	}
	return fx.Module("broker",
		provideRaw,
		fx.Provide(
			func(b rawBroker, m *metrics.Metrics, tp *tracing.Provider) ports.QueuePort {
				return tracing.Queue(tp.TracerProvider(), m.Queue(b))
			},
			func(b rawBroker, m *metrics.Metrics) ports.DeadLetterPort { return m.DeadLetters(b) },
			func(b rawBroker) ports.TaskStatusPort { return b },
		),
		fx.Invoke(func(cfg Config, b rawBroker, m *metrics.Metrics) error {
			return m.CollectQueues(b, nil)
		}),
	)
}

func newMemoryBroker(cfg Config, clock ports.Clock) (rawBroker, ReadyFunc, error) {
	mc := memory.Config{Clock: clock, CompletedRetention: cfg.CompletedTTL}
	if err := mc.Validate(); err != nil {
		return rawBroker{}, nil, err
	}
	return rawBroker{memory.New(mc)}, func(context.Context) error { return nil }, nil
}

func newRedisClient(cfg Config, log *zap.Logger) (redis.UniversalClient, error) {
	redis.SetLogger(redisLog{log.Named("go-redis").Sugar()})
	return redisbroker.NewClient(redisbroker.ClientConfig{
		URL:            cfg.RedisURL,
		SentinelMaster: cfg.RedisSentinelMaster,
		SentinelAddrs:  cfg.RedisSentinelAddrs,
		ClusterAddrs:   cfg.RedisClusterAddrs,
	})
}

// newServerClock gives every decision about time (leases, retries,
// retention) the Redis server's clock, so processes on hosts whose clocks
// drift apart still agree; it resyncs every 30 s.
func newServerClock(lc fx.Lifecycle, client redis.UniversalClient, log *zap.Logger) ports.Clock {
	c := redisbroker.NewServerClock(client, ports.SystemClock)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	lc.Append(fx.Hook{
		OnStart: func(start context.Context) error {
			if err := c.Sync(start); err == nil {
				if off := c.Offset(); off > time.Second || off < -time.Second {
					log.Warn("this host's clock differs from the Redis server's; PopBox follows Redis's", zap.Duration("offset", off))
				}
			}
			go func() { defer close(done); c.Run(ctx, 30*time.Second) }()
			return nil
		},
		OnStop: func(context.Context) error { cancel(); <-done; return nil },
	})
	return c
}

func newRedisBroker(lc fx.Lifecycle, cfg Config, client redis.UniversalClient, clock ports.Clock, log *zap.Logger) (rawBroker, ReadyFunc, error) {
	b, err := redisbroker.New(client, redisbroker.Config{
		Prefix:             cfg.RedisPrefix,
		Clock:              clock,
		CompletedRetention: cfg.CompletedTTL,
	})
	if err != nil {
		_ = client.Close()
		return rawBroker{}, nil, err
	}
	lc.Append(fx.Hook{
		OnStart: func(ctx context.Context) error {
			// An unreachable Redis is not fatal: the API answers 503 and
			// workers reconnect by themselves once it is back.
			ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
			defer cancel()
			warnings, err := b.CheckServer(ctx)
			if err != nil {
				log.Error("redis is not reachable yet; continuing, tasks will be refused with 503 until it is", zap.Error(err))
			}
			for _, w := range warnings {
				log.Warn("redis server check: this Redis can lose tasks or is unsupported", zap.String("warning", w))
			}
			return nil
		},
		OnStop: func(context.Context) error { return b.Close() },
	})
	return rawBroker{b}, b.Ping, nil
}

// redisLog sends go-redis's own messages (dial failures, reconnects) into
// the process's structured log instead of plain stderr lines.
type redisLog struct{ log *zap.SugaredLogger }

func (l redisLog) Printf(_ context.Context, format string, v ...any) { l.log.Warnf(format, v...) }
