package redisserver

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcredis "github.com/testcontainers/testcontainers-go/modules/redis"
)

// image is the Redis image the container path runs.
const image = "redis:7"

var (
	dockerOnce sync.Once
	dockerOK   bool
)

// dockerReachable reports, once per test binary, whether a Docker engine
// answers. testcontainers may panic when none is configured; that counts as
// unreachable.
func dockerReachable() bool {
	dockerOnce.Do(func() {
		defer func() {
			if recover() != nil {
				dockerOK = false
			}
		}()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		provider, err := testcontainers.ProviderDocker.GetProvider()
		if err != nil {
			return
		}
		defer func() { _ = provider.Close() }()
		dockerOK = provider.Health(ctx) == nil
	})
	return dockerOK
}

// container is Redis in Docker. Docker may map a restarted container to a
// new host port, so addr is read again after every restart; fault tests that
// need the port kept use WithLocalProcess.
type container struct {
	c    *tcredis.RedisContainer
	host string
}

func startContainer(t testing.TB, o options) *Server {
	t.Helper()
	ctx := context.Background()
	c, err := tcredis.Run(ctx, image, testcontainers.WithCmdArgs(o.serverArgs()...))
	if c != nil {
		t.Cleanup(func() { _ = testcontainers.TerminateContainer(c) })
	}
	if err != nil {
		t.Fatalf("redisserver: Docker answers but the %s container failed: %v", image, err)
	}
	b := &container{c: c}
	if err := b.refresh(ctx); err != nil {
		t.Fatalf("redisserver: %v", err)
	}
	t.Logf("redisserver: started container %s (%s) on %s", c.GetContainerID(), image, b.host)
	return &Server{t: t, kind: "container", b: b}
}

func (b *container) refresh(ctx context.Context) error {
	raw, err := b.c.ConnectionString(ctx)
	if err != nil {
		return fmt.Errorf("container address: %w", err)
	}
	b.host = strings.TrimSuffix(strings.TrimPrefix(raw, "redis://"), "/")
	return nil
}

func (b *container) addr() string { return b.host }

func (b *container) kill() error {
	zero := time.Duration(0)
	return b.c.Stop(context.Background(), &zero)
}

func (b *container) stop() error {
	grace := stopWithin
	return b.c.Stop(context.Background(), &grace)
}

func (b *container) restart() error {
	ctx := context.Background()
	if err := b.stop(); err != nil {
		return err
	}
	if err := b.c.Start(ctx); err != nil {
		return err
	}
	if err := b.refresh(ctx); err != nil {
		return err
	}
	return waitReady(b.host, nil)
}
