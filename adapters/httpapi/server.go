package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// Timeouts of the Server, chosen for an API whose bodies are at most a few
// MiB and whose handlers answer promptly.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	maxHeaderBytes    = 64 << 10
)

// Server runs an http.Handler on a TCP address. It runs once: Start, then
// Stop.
type Server struct {
	srv *http.Server

	mu       sync.Mutex
	ln       net.Listener
	done     chan struct{} // closed when Serve returns
	serveErr error
}

// NewServer returns a Server for h on addr (host:port; ":0" picks a free
// port, see Addr).
func NewServer(addr string, h http.Handler) *Server {
	return &Server{srv: &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
	}}
}

// Start binds the address and serves in the background. It returns once
// the socket is listening, so a bad or busy address is its error; ctx
// bounds only the bind.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln != nil {
		return errors.New("http server: already started")
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.srv.Addr)
	if err != nil {
		return fmt.Errorf("http server: listen on %q: %w", s.srv.Addr, err)
	}
	s.ln = ln
	s.done = make(chan struct{})
	go s.serve(ln)
	return nil
}

func (s *Server) serve(ln net.Listener) {
	defer close(s.done)
	if err := s.srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		s.mu.Lock()
		s.serveErr = err
		s.mu.Unlock()
	}
}

// Addr is the address the server listens on, with the port it got; "" before
// Start.
func (s *Server) Addr() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.ln == nil {
		return ""
	}
	return s.ln.Addr().String()
}

// Stop stops accepting connections and waits for active requests until
// ctx ends, then closes what is left. It returns ctx's error if requests
// were cut short, and any error that stopped serving early. Stopping a
// server never started does nothing.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	done := s.done
	s.mu.Unlock()
	if done == nil {
		return nil
	}
	err := s.srv.Shutdown(ctx)
	if err != nil {
		err = errors.Join(fmt.Errorf("http server: shutdown: %w", err), s.srv.Close())
	}
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.serveErr != nil {
		err = errors.Join(err, fmt.Errorf("http server: serve: %w", s.serveErr))
	}
	return err
}
