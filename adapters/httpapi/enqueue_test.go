package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
)

const email = `{"type":"send_email","payload":{"to":"a@example.com","subject":"s","body":"b"}}`

type enqueued struct {
	ID        string `json:"id"`
	Queue     string `json:"queue"`
	State     string `json:"state"`
	Duplicate bool   `json:"duplicate"`
}

func TestEnqueueAccepts(t *testing.T) {
	t.Parallel()
	e := setup(t)
	rec := e.do(t, http.MethodPost, "/task", email)

	require.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	got := decode[enqueued](t, rec)
	require.Equal(t, enqueued{ID: "gen-1", Queue: "default", State: "pending"}, got)
	require.Equal(t, "/task/gen-1", rec.Header().Get("Location"))

	info, err := e.broker.Task(context.Background(), "gen-1")
	require.NoError(t, err)
	require.JSONEq(t, `{"to":"a@example.com","subject":"s","body":"b"}`, string(info.Payload))
}

func TestEnqueueAllFields(t *testing.T) {
	t.Parallel()
	e := setup(t)
	rec := e.do(t, http.MethodPost, "/task", `{"id":"job-7","type":"generate_report","payload":{"title":"t"},
		"queue":"reports","max_attempts":2,"delay":"90s","timeout":"1m","headers":{"tenant":"acme"}}`,
		"Content-Type", "application/json; charset=UTF-8")

	require.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	require.Equal(t, enqueued{ID: "job-7", Queue: "reports", State: "scheduled"}, decode[enqueued](t, rec))
	info, err := e.broker.Task(context.Background(), "job-7")
	require.NoError(t, err)
	require.Equal(t, 2, info.MaxAttempts)
	require.Equal(t, time.Minute, info.Timeout)
	require.Equal(t, t0.Add(90*time.Second), info.RunAt)
	require.Equal(t, map[string]string{"tenant": "acme"}, info.Headers)
}

func TestEnqueueIdempotencyKey(t *testing.T) {
	t.Parallel()
	e := setup(t)
	first := e.do(t, http.MethodPost, "/task", email, "Idempotency-Key", "order-42")
	require.Equal(t, http.StatusAccepted, first.Code, first.Body.String())
	require.Equal(t, "/task/order-42", first.Header().Get("Location"))

	// The same key with the same id in the body is no conflict.
	again := e.do(t, http.MethodPost, "/task",
		`{"id":"order-42","type":"send_email","payload":{"to": "a@example.com", "subject": "s", "body": "b"}}`, "Idempotency-Key", "order-42")
	require.Equal(t, http.StatusOK, again.Code, again.Body.String())
	require.Equal(t, enqueued{ID: "order-42", Queue: "default", State: "pending", Duplicate: true}, decode[enqueued](t, again))
	require.Equal(t, "/task/order-42", again.Header().Get("Location"))

	// The same key for other work is refused, never answered as stored.
	other := e.do(t, http.MethodPost, "/task", `{"type":"send_email","payload":{"other":true}}`, "Idempotency-Key", "order-42")
	requireError(t, other, http.StatusConflict, "idempotency_conflict", "id")

	info, err := e.broker.Task(context.Background(), "order-42")
	require.NoError(t, err)
	require.NotContains(t, string(info.Payload), "other", "the first task stays")
}

func TestEnqueueDuplicateReportsCurrentState(t *testing.T) {
	t.Parallel()
	e := setup(t)
	e.bury(t, "dup-1", "default", "boom")
	rec := e.do(t, http.MethodPost, "/task", `{"id":"dup-1","type":"send_email","payload":{"to":"a@example.com"}}`)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, enqueued{ID: "dup-1", Queue: "default", State: "dead", Duplicate: true}, decode[enqueued](t, rec))
}

func TestEnqueueRejectsBadRequests(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		body    string
		headers []string
		status  int
		code    string
		field   string
	}{
		{name: "malformed JSON", body: `{"type":`, status: 400, code: "invalid_json"},
		{name: "not JSON at all", body: `type=send_email`, status: 400, code: "invalid_json"},
		{name: "empty body", body: "", status: 400, code: "invalid_json"},
		{name: "null body", body: `null`, status: 400, code: "invalid_json"},
		{name: "array body", body: `[` + email + `]`, status: 400, code: "invalid_json"},
		{name: "trailing data", body: email + ` {}`, status: 400, code: "invalid_json"},
		{name: "trailing garbage", body: email + `x`, status: 400, code: "invalid_json"},
		{name: "unknown field", body: `{"type":"send_email","payload":{},"priority":1}`, status: 400, code: "unknown_field", field: "priority"},
		{name: "field names are case-sensitive", body: `{"Type":"send_email","payload":{}}`, status: 400, code: "unknown_field", field: "Type"},
		{name: "missing type", body: `{"payload":{}}`, status: 400, code: "invalid_field", field: "type"},
		{name: "empty type", body: `{"type":"","payload":{}}`, status: 400, code: "invalid_field", field: "type"},
		{name: "type not a string", body: `{"type":7,"payload":{}}`, status: 400, code: "invalid_field", field: "type"},
		{name: "missing payload", body: `{"type":"send_email"}`, status: 400, code: "invalid_field", field: "payload"},
		{name: "payload not an object", body: `{"type":"send_email","payload":[1]}`, status: 400, code: "invalid_field", field: "payload"},
		{name: "bad queue name", body: `{"type":"send_email","payload":{},"queue":"a/b"}`, status: 400, code: "invalid_field", field: "queue"},
		{name: "bad id", body: `{"type":"send_email","payload":{},"id":"-x"}`, status: 400, code: "invalid_field", field: "id"},
		{name: "max_attempts not an integer", body: `{"type":"send_email","payload":{},"max_attempts":1.5}`, status: 400, code: "invalid_field", field: "max_attempts"},
		{name: "negative max_attempts", body: `{"type":"send_email","payload":{},"max_attempts":-1}`, status: 400, code: "invalid_field", field: "max_attempts"},
		{name: "delay as a number", body: `{"type":"send_email","payload":{},"delay":30}`, status: 400, code: "invalid_field", field: "delay"},
		{name: "delay without unit", body: `{"type":"send_email","payload":{},"delay":"30"}`, status: 400, code: "invalid_field", field: "delay"},
		{name: "negative delay", body: `{"type":"send_email","payload":{},"delay":"-1s"}`, status: 400, code: "invalid_field", field: "delay"},
		{name: "bad timeout", body: `{"type":"send_email","payload":{},"timeout":"soon"}`, status: 400, code: "invalid_field", field: "timeout"},
		{name: "headers not strings", body: `{"type":"send_email","payload":{},"headers":{"a":1}}`, status: 400, code: "invalid_field", field: "headers"},
		{name: "unknown task type", body: `{"type":"fax","payload":{}}`, status: 422, code: "unknown_task_type", field: "type"},
		{name: "key conflicts with body id", body: `{"id":"a","type":"send_email","payload":{}}`, headers: []string{"Idempotency-Key", "b"}, status: 400, code: "invalid_field", field: "id"},
		{name: "invalid key", body: email, headers: []string{"Idempotency-Key", "no spaces"}, status: 400, code: "invalid_field", field: "Idempotency-Key"},
		{name: "empty key", body: email, headers: []string{"Idempotency-Key", ""}, status: 400, code: "invalid_field", field: "Idempotency-Key"},
		{name: "key sent twice", body: email, headers: []string{"Idempotency-Key", "a", "Idempotency-Key", "b"}, status: 400, code: "invalid_field", field: "Idempotency-Key"},
		{name: "no content type", body: email, headers: []string{"Content-Type", ""}, status: 415, code: "unsupported_media_type"},
		{name: "text content type", body: email, headers: []string{"Content-Type", "text/plain"}, status: 415, code: "unsupported_media_type"},
		{name: "form content type", body: email, headers: []string{"Content-Type", "application/x-www-form-urlencoded"}, status: 415, code: "unsupported_media_type"},
		{name: "non-UTF-8 charset", body: email, headers: []string{"Content-Type", "application/json; charset=latin1"}, status: 415, code: "unsupported_media_type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := setup(t)
			rec := e.do(t, http.MethodPost, "/task", tt.body, tt.headers...)
			if tt.body == "" { // do sends no Content-Type without a body
				rec = e.do(t, http.MethodPost, "/task", "", "Content-Type", "application/json")
			}
			msg := requireError(t, rec, tt.status, tt.code, tt.field)
			if tt.field != "" {
				require.Contains(t, msg.Message, tt.field, "the message names the field")
			}
			stats, err := e.broker.Stats(context.Background(), "default")
			require.NoError(t, err)
			require.Zero(t, stats.Pending+stats.Scheduled, "nothing is stored")
		})
	}
}

func TestEnqueueBodyTooLarge(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) { o.cfg.MaxBodyBytes = 256 })
	big := fmt.Sprintf(`{"type":"send_email","payload":{"body":%q}}`, strings.Repeat("x", 300))

	// Announced by Content-Length.
	requireError(t, e.do(t, http.MethodPost, "/task", big), http.StatusRequestEntityTooLarge, "body_too_large", "")

	// Discovered while reading a chunked body.
	req := httptest.NewRequest(http.MethodPost, "/task", io.MultiReader(strings.NewReader(big)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	requireError(t, rec, http.StatusRequestEntityTooLarge, "body_too_large", "")

	// Trailing data past the limit is still too large, not malformed.
	padded := email + strings.Repeat(" ", 300) + "x"
	req = httptest.NewRequest(http.MethodPost, "/task", io.MultiReader(strings.NewReader(padded)))
	req.ContentLength = -1
	req.Header.Set("Content-Type", "application/json")
	rec = httptest.NewRecorder()
	e.h.ServeHTTP(rec, req)
	requireError(t, rec, http.StatusRequestEntityTooLarge, "body_too_large", "")
}

func TestEnqueuePayloadTooLarge(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) {
		o.enqueue = application.EnqueueConfig{Limits: domain.Limits{MaxPayloadBytes: 32, MaxHeaders: 4, MaxHeaderBytes: 64}}
	})
	body := fmt.Sprintf(`{"type":"send_email","payload":{"body":%q}}`, strings.Repeat("x", 64))
	requireError(t, e.do(t, http.MethodPost, "/task", body), http.StatusRequestEntityTooLarge, "payload_too_large", "payload")
}

func TestEnqueueBrokerUnavailable(t *testing.T) {
	t.Parallel()
	e := setup(t, broken(fmt.Errorf("redis: dial tcp 10.1.2.3:6379: %w", domain.ErrBrokerUnavailable)),
		func(o *options) { o.cfg.RetryAfter = 1500 * time.Millisecond })
	rec := e.do(t, http.MethodPost, "/task", email)
	got := requireError(t, rec, http.StatusServiceUnavailable, "broker_unavailable", "")
	require.Equal(t, "2", rec.Header().Get("Retry-After"), "rounded up to whole seconds")
	require.NotContains(t, got.Message, "10.1.2.3", "internals stay out of answers")
	require.Empty(t, rec.Header().Get("Location"))
}

func TestEnqueueContextEnds(t *testing.T) {
	t.Parallel()
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	e := setup(t, broken(context.Canceled))
	requireError(t, e.doCtx(t, canceled, http.MethodPost, "/task", email), httpapi.StatusClientClosedRequest, "client_closed_request", "")

	e = setup(t, broken(fmt.Errorf("enqueue: %w", context.DeadlineExceeded)))
	rec := e.do(t, http.MethodPost, "/task", email)
	requireError(t, rec, http.StatusServiceUnavailable, "timeout", "")
	require.Equal(t, "2", rec.Header().Get("Retry-After"))
}
