package redisserver

import (
	"fmt"
	"net/url"
	"os"
	"sync"
	"testing"
)

// Server is one Redis a test talks to. Its methods are safe for concurrent
// use; the ones that hurt the server fail the test when the server is not
// under the harness's control.
type Server struct {
	t    testing.TB
	kind string

	mu sync.Mutex
	b  backend
}

// backend is one way of running Redis.
type backend interface {
	addr() string
	kill() error
	stop() error
	restart() error
}

// Start returns a running Redis for t (see the package doc for which one)
// and stops it when t ends. It fails t when no Redis can be had.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	o := collect(opts)
	if !o.local {
		if raw := os.Getenv(URLEnv); raw != "" {
			return startExternal(t, raw)
		}
		if dockerReachable() {
			return startContainer(t, o)
		}
	}
	p, err := startProcess(t, o.serverArgs())
	if err != nil {
		t.Fatalf("redisserver: no Redis available: not %s, no Docker engine, and redis-server from PATH failed: %v", URLEnv, err)
	}
	return &Server{t: t, kind: "process", b: p}
}

func startExternal(t testing.TB, raw string) *Server {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		t.Fatalf("redisserver: %s=%q is not a redis:// URL: %v", URLEnv, raw, err)
	}
	t.Logf("redisserver: using the existing Redis at %s (%s)", u.Host, URLEnv)
	return &Server{t: t, kind: "external", b: external{host: u.Host, raw: raw}}
}

// Kind says which Redis runs: "process", "container" or "external".
func (s *Server) Kind() string { return s.kind }

// Addr is the server's host:port.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.addr()
}

// URL is a redis:// URL for the server, database 0.
func (s *Server) URL() string {
	if e, ok := s.b.(external); ok {
		return e.raw
	}
	return fmt.Sprintf("redis://%s/0", s.Addr())
}

// Kill ends the server with SIGKILL, as a crash would.
func (s *Server) Kill() { s.do("Kill", backend.kill) }

// Stop shuts the server down cleanly (SIGTERM), flushing its AOF.
func (s *Server) Stop() { s.do("Stop", backend.stop) }

// Restart starts the server again on the same port with the same data
// directory, stopping it first if it runs. It returns once it answers PING
// (after loading its AOF, if any).
func (s *Server) Restart() { s.do("Restart", backend.restart) }

func (s *Server) do(what string, f func(backend) error) {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := f(s.b); err != nil {
		s.t.Fatalf("redisserver: %s: %v", what, err)
	}
}

// external is a server the harness does not own.
type external struct{ host, raw string }

func (e external) addr() string { return e.host }

func (external) kill() error    { return errNotOwned }
func (external) stop() error    { return errNotOwned }
func (external) restart() error { return errNotOwned }

var errNotOwned = fmt.Errorf("the server comes from %s and is not the harness's to hurt; use WithLocalProcess", URLEnv)
