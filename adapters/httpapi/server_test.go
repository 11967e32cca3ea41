package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpapi"
)

func TestServerServesAndStops(t *testing.T) {
	t.Parallel()
	e := setup(t)
	srv := httpapi.NewServer("127.0.0.1:0", e.h)
	require.Empty(t, srv.Addr(), "no address before Start")
	require.NoError(t, srv.Start(context.Background()))
	addr := srv.Addr()
	require.NotEqual(t, "127.0.0.1:0", addr, "the bound port is reported")

	client := &http.Client{Timeout: 10 * time.Second}
	resp, err := client.Post("http://"+addr+"/task", "application/json", strings.NewReader(email))
	require.NoError(t, err)
	var got enqueued
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	require.NoError(t, resp.Body.Close())
	require.Equal(t, http.StatusAccepted, resp.StatusCode)
	require.Equal(t, "gen-1", got.ID)
	client.CloseIdleConnections()

	require.NoError(t, srv.Stop(context.Background()))
	_, err = net.DialTimeout("tcp", addr, time.Second)
	require.Error(t, err, "the listener is closed")
}

func TestServerStartSurfacesAddressErrors(t *testing.T) {
	t.Parallel()
	first := httpapi.NewServer("127.0.0.1:0", http.NotFoundHandler())
	require.NoError(t, first.Start(context.Background()))
	t.Cleanup(func() { require.NoError(t, first.Stop(context.Background())) })

	busy := httpapi.NewServer(first.Addr(), http.NotFoundHandler())
	require.ErrorContains(t, busy.Start(context.Background()), first.Addr())
	require.NoError(t, busy.Stop(context.Background()), "a server that never ran stops quietly")

	bad := httpapi.NewServer("not an address", http.NotFoundHandler())
	require.Error(t, bad.Start(context.Background()))
}

func TestServerStartTwice(t *testing.T) {
	t.Parallel()
	srv := httpapi.NewServer("127.0.0.1:0", http.NotFoundHandler())
	require.NoError(t, srv.Start(context.Background()))
	require.Error(t, srv.Start(context.Background()))
	require.NoError(t, srv.Stop(context.Background()))
}

func TestServerStopWaitsForActiveRequests(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	release := make(chan struct{})
	srv := httpapi.NewServer("127.0.0.1:0", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		close(entered)
		<-release
		_, _ = io.WriteString(w, "done")
	}))
	require.NoError(t, srv.Start(context.Background()))

	body := make(chan string, 1)
	go func() {
		resp, err := http.Get("http://" + srv.Addr() + "/")
		if err != nil {
			body <- err.Error()
			return
		}
		b, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		body <- string(b)
	}()
	<-entered

	stopped := make(chan error, 1)
	go func() { stopped <- srv.Stop(context.Background()) }()
	select {
	case err := <-stopped:
		t.Fatalf("Stop returned while a request was active: %v", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(release)
	require.NoError(t, <-stopped)
	require.Equal(t, "done", <-body)
}

func TestServerStopGivesUpWhenContextEnds(t *testing.T) {
	t.Parallel()
	entered := make(chan struct{})
	srv := httpapi.NewServer("127.0.0.1:0", http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		close(entered)
		<-r.Context().Done() // until the connection is closed
	}))
	require.NoError(t, srv.Start(context.Background()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		resp, err := http.Get("http://" + srv.Addr() + "/")
		if err == nil {
			_ = resp.Body.Close()
		}
	}()
	<-entered

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.ErrorIs(t, srv.Stop(ctx), context.Canceled)
	<-done
}
