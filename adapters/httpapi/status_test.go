package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func TestListQueues(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.enqueue(t, email)
	e.enqueue(t, `{"type":"send_email","payload":{},"queue":"mail","delay":"1m"}`)
	e.bury(t, "dl-1", "mail", "boom")

	rec := e.do(t, http.MethodGet, "/queues", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"queues":[
		{"queue":"default","pending":1,"scheduled":0,"active":0,"dead":0},
		{"queue":"mail","pending":0,"scheduled":1,"active":0,"dead":1}]}`, rec.Body.String())
}

func TestListQueuesShowsConfiguredQueuesBeforeUse(t *testing.T) {
	t.Parallel()
	rec := setup(t).do(t, http.MethodGet, "/queues", "")
	require.JSONEq(t, `{"queues":[{"queue":"default","pending":0,"scheduled":0,"active":0,"dead":0}]}`, rec.Body.String())
}

func TestListQueuesBrokerUnavailable(t *testing.T) {
	t.Parallel()
	e := setup(t, broken(domain.ErrBrokerUnavailable))
	rec := e.do(t, http.MethodGet, "/queues", "")
	requireError(t, rec, http.StatusServiceUnavailable, "broker_unavailable", "")
	require.Equal(t, "2", rec.Header().Get("Retry-After"))
}

func TestLivez(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) { o.ready = func(context.Context) error { return errors.New("down") } })
	rec := e.do(t, http.MethodGet, "/livez", "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, map[string]string{"status": "ok"}, decode[map[string]string](t, rec), "liveness ignores readiness")
}

func TestReadyz(t *testing.T) {
	t.Parallel()
	rec := setup(t).do(t, http.MethodGet, "/readyz", "")
	require.Equal(t, http.StatusOK, rec.Code, "no ReadyFunc: always ready")

	var sawDeadline bool
	e := setup(t, func(o *options) {
		o.cfg.ReadyTimeout = time.Minute
		o.ready = func(ctx context.Context) error { _, sawDeadline = ctx.Deadline(); return nil }
	})
	rec = e.do(t, http.MethodGet, "/readyz", "")
	require.Equal(t, http.StatusOK, rec.Code)
	require.Equal(t, map[string]string{"status": "ready"}, decode[map[string]string](t, rec))
	require.True(t, sawDeadline, "the check is bounded by ReadyTimeout")
}

func TestReadyzNotReady(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) {
		o.ready = func(context.Context) error {
			return errors.Join(errors.New("ping 10.0.0.9"), domain.ErrBrokerUnavailable)
		}
	})
	rec := e.do(t, http.MethodGet, "/readyz", "")
	got := requireError(t, rec, http.StatusServiceUnavailable, "not_ready", "")
	require.Equal(t, "2", rec.Header().Get("Retry-After"))
	require.NotContains(t, got.Message, "10.0.0.9")
	require.Equal(t, 1, e.logs.FilterMessage("request refused").Len(), "the cause is logged")
}
