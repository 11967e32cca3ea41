package httpclient_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/adapters/httpclient"
	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// setup serves the real HTTP API over the memory broker.
func setup(t *testing.T, ready func(context.Context) error) *httpclient.Client {
	t.Helper()
	b := memory.New(memory.Config{})
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("send_email", ports.HandlerFunc(func(context.Context, domain.Task) error { return nil })))
	enq := application.NewEnqueuer(application.EnqueueConfig{}, b, reg, nil, nil)
	if ready == nil {
		ready = func(context.Context) error { return nil }
	}
	h := httpapi.NewRouter(httpapi.Config{}, httpapi.Deps{
		Enqueuer:    enq,
		Tasks:       application.NewTaskQuery(b),
		Queues:      application.NewQueueOverview(b, []string{"default"}),
		DeadLetters: application.NewDeadLetters(b),
		ReadyFunc:   ready,
	})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return httpclient.New(srv.URL+"/", nil)
}

func TestEnqueueAndReadStatus(t *testing.T) {
	t.Parallel()
	c := setup(t, nil)
	ctx := context.Background()
	task := httpclient.Task{
		Type: "send_email", Payload: map[string]string{"to": "ada@example.com"},
		IdempotencyKey: "welcome-42", MaxAttempts: 3, Delay: time.Minute, Timeout: 5 * time.Second,
	}
	first, err := c.Enqueue(ctx, task)
	require.NoError(t, err)
	require.Equal(t, "welcome-42", first.ID)
	require.Equal(t, "scheduled", first.State)
	require.False(t, first.Duplicate)

	again, err := c.Enqueue(ctx, task)
	require.NoError(t, err)
	require.True(t, again.Duplicate, "the idempotency key makes a retry safe")

	st, err := c.Task(ctx, "welcome-42")
	require.NoError(t, err)
	require.Equal(t, "send_email", st.Type)
	require.Equal(t, 3, st.MaxAttempts)
	require.Equal(t, "scheduled", st.State)
}

func TestAPIErrorsKeepCodeAndField(t *testing.T) {
	t.Parallel()
	c := setup(t, nil)
	_, err := c.Enqueue(context.Background(), httpclient.Task{Type: "launch_rocket", Payload: map[string]any{}})
	var ae *httpclient.APIError
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusUnprocessableEntity, ae.Status)
	require.Equal(t, "type", ae.Field)
	require.False(t, httpclient.Retryable(err))

	_, err = c.Task(context.Background(), "nope")
	require.ErrorAs(t, err, &ae)
	require.Equal(t, http.StatusNotFound, ae.Status)
}

func TestBrokerDownIsRetryable(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":{"code":"broker_unavailable","message":"try later"}}`))
	}))
	t.Cleanup(srv.Close)
	_, err := httpclient.New(srv.URL, nil).Enqueue(context.Background(), httpclient.Task{Type: "x", Payload: map[string]any{}})
	require.True(t, httpclient.Retryable(err), "%v", err)
	require.ErrorContains(t, err, "broker_unavailable")
}
