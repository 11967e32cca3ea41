package httpapi_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestGetTask(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := e.enqueue(t, `{"type":"send_email","payload":{"secret":"p4ss"},"delay":"1s","timeout":"30s",
		"max_attempts":4,"headers":{"authorization":"Bearer t0ken"}}`)
	rec := e.do(t, http.MethodGet, "/task/"+id, "")

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decode[map[string]any](t, rec)
	require.Equal(t, map[string]any{
		"id": id, "type": "send_email", "queue": "default", "state": "scheduled",
		"attempts": 0.0, "max_attempts": 4.0, "last_error": "", "timeout": "30s",
		"created_at": "2030-01-02T03:04:05.123456789Z",
		"run_at":     "2030-01-02T03:04:06.123456789Z",
		"updated_at": "2030-01-02T03:04:05.123456789Z",
	}, got)
	require.NotContains(t, rec.Body.String(), "t0ken", "headers are never shown")
	require.NotContains(t, rec.Body.String(), "p4ss", "payloads are hidden by default")
}

func TestGetTaskAfterFailedAttempt(t *testing.T) {
	t.Parallel()
	e := setup(t)
	id := e.enqueue(t, email)
	ctx := context.Background()
	leases, err := e.broker.Dequeue(ctx, ports.DequeueParams{Queues: []string{"default"}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.NoError(t, e.broker.Retry(ctx, ports.RetryParams{Lease: leases[0], RunAt: t0.Add(time.Hour), Error: "smtp: 451"}))

	got := decode[map[string]any](t, e.do(t, http.MethodGet, "/task/"+id, ""))
	require.Equal(t, "scheduled", got["state"])
	require.EqualValues(t, 1, got["attempts"])
	require.Equal(t, "smtp: 451", got["last_error"])
	require.Equal(t, "2030-01-02T04:04:05.123456789Z", got["run_at"])
}

func TestGetTaskExposesPayloadWhenConfigured(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) { o.cfg.ExposePayload = true })
	id := e.enqueue(t, `{"type":"send_email","payload":{"to":"a@example.com"},"headers":{"authorization":"Bearer t0ken"}}`)
	rec := e.do(t, http.MethodGet, "/task/"+id, "")
	got := decode[map[string]any](t, rec)
	require.Equal(t, map[string]any{"to": "a@example.com"}, got["payload"])
	require.NotContains(t, rec.Body.String(), "t0ken")
}

func TestGetTaskErrors(t *testing.T) {
	t.Parallel()
	e := setup(t)
	requireError(t, e.do(t, http.MethodGet, "/task/nope", ""), http.StatusNotFound, "task_not_found", "")
	requireError(t, e.do(t, http.MethodGet, "/task/-bad", ""), http.StatusBadRequest, "invalid_field", "id")

	e = setup(t, broken(domain.ErrBrokerUnavailable))
	requireError(t, e.do(t, http.MethodGet, "/task/x", ""), http.StatusServiceUnavailable, "broker_unavailable", "")
}
