package httpapi_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

type deadLetterList struct {
	Items  []map[string]any `json:"items"`
	Total  int64            `json:"total"`
	Offset int              `json:"offset"`
	Limit  int              `json:"limit"`
}

func ids(items []map[string]any) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it["id"].(string)
	}
	return out
}

// setupDead buries a-1 and a-2 in queue a and b-1 in queue b, in that order.
func setupDead(t *testing.T, opts ...func(*options)) *env {
	t.Helper()
	e := setup(t, opts...)
	e.bury(t, "a-1", "a", "boom 1")
	e.bury(t, "a-2", "a", "boom 2")
	e.bury(t, "b-1", "b", "boom 3")
	return e
}

func TestListDeadLetters(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	rec := e.do(t, http.MethodGet, "/dead-letters", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := decode[deadLetterList](t, rec)
	require.Equal(t, []string{"b-1", "a-2", "a-1"}, ids(page.Items), "newest first")
	require.EqualValues(t, 3, page.Total)
	require.Equal(t, 0, page.Offset)
	require.Equal(t, 50, page.Limit)
	require.Equal(t, map[string]any{
		"id": "b-1", "type": "send_email", "queue": "b", "reason": "boom 3",
		"failed_at": "2030-01-02T03:04:08.123456789Z", "attempts": 1.0, "last_error": "boom 3",
	}, page.Items[0])
}

func TestListDeadLettersFiltersAndPages(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	page := decode[deadLetterList](t, e.do(t, http.MethodGet, "/dead-letters?queue=a&offset=1&limit=1", ""))
	require.Equal(t, []string{"a-1"}, ids(page.Items))
	require.EqualValues(t, 2, page.Total)
	require.Equal(t, 1, page.Offset)
	require.Equal(t, 1, page.Limit)

	page = decode[deadLetterList](t, e.do(t, http.MethodGet, "/dead-letters?queue=empty", ""))
	require.NotNil(t, page.Items, "an empty page is [] not null")
	require.Empty(t, page.Items)
}

func TestListDeadLettersRejectsBadQueries(t *testing.T) {
	t.Parallel()
	e := setup(t, func(o *options) { o.cfg.MaxPageSize = 100 })
	for query, field := range map[string]string{
		"limit=0":     "limit",
		"limit=101":   "limit",
		"limit=ten":   "limit",
		"offset=-1":   "offset",
		"offset=1.5":  "offset",
		"queue=a%2Fb": "queue",
	} {
		rec := e.do(t, http.MethodGet, "/dead-letters?"+query, "")
		requireError(t, rec, http.StatusBadRequest, "invalid_field", field)
	}
}

func TestGetDeadLetter(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	rec := e.do(t, http.MethodGet, "/dead-letters/a-2", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decode[map[string]any](t, rec)
	require.Equal(t, "a-2", got["id"])
	require.Equal(t, "boom 2", got["reason"])
	require.Equal(t, "2030-01-02T03:04:06.123456789Z", got["created_at"], "enqueued after a-1 was buried")
	require.EqualValues(t, 5, got["max_attempts"])
	require.NotContains(t, got, "payload")

	e = setupDead(t, func(o *options) { o.cfg.ExposePayload = true })
	got = decode[map[string]any](t, e.do(t, http.MethodGet, "/dead-letters/a-2", ""))
	require.Equal(t, map[string]any{"to": "a@example.com"}, got["payload"])
}

func TestRequeueDeadLetter(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	rec := e.do(t, http.MethodPost, "/dead-letters/a-1/requeue", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Equal(t, enqueued{ID: "a-1", Queue: "a", State: "pending"}, decode[enqueued](t, rec))
	require.Equal(t, "/task/a-1", rec.Header().Get("Location"))

	info, err := e.broker.Task(context.Background(), "a-1")
	require.NoError(t, err)
	require.Equal(t, domain.StatePending, info.State)
	requireError(t, e.do(t, http.MethodGet, "/dead-letters/a-1", ""), http.StatusNotFound, "dead_letter_not_found", "")
}

func TestDeleteDeadLetter(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	rec := e.do(t, http.MethodDelete, "/dead-letters/a-1", "")
	require.Equal(t, http.StatusNoContent, rec.Code)
	require.Empty(t, rec.Body.String())
	page := decode[deadLetterList](t, e.do(t, http.MethodGet, "/dead-letters", ""))
	require.Equal(t, []string{"b-1", "a-2"}, ids(page.Items))
}

func TestDeadLetterUnknownID(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/dead-letters/nope"},
		{http.MethodPost, "/dead-letters/nope/requeue"},
		{http.MethodDelete, "/dead-letters/nope"},
	} {
		requireError(t, e.do(t, req.method, req.path, ""), http.StatusNotFound, "dead_letter_not_found", "")
	}
}

func TestPurgeDeadLetters(t *testing.T) {
	t.Parallel()
	e := setupDead(t)
	rec := e.do(t, http.MethodDelete, "/dead-letters?queue=a", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.JSONEq(t, `{"purged":2}`, rec.Body.String())
	require.Equal(t, []string{"b-1"}, ids(decode[deadLetterList](t, e.do(t, http.MethodGet, "/dead-letters", "")).Items))

	rec = e.do(t, http.MethodDelete, "/dead-letters", "")
	require.JSONEq(t, `{"purged":1}`, rec.Body.String(), "no queue: every queue")

	requireError(t, e.do(t, http.MethodDelete, "/dead-letters?queue=a%2Fb", ""), http.StatusBadRequest, "invalid_field", "queue")
}

func TestDeadLettersBrokerUnavailable(t *testing.T) {
	t.Parallel()
	e := setup(t, broken(domain.ErrBrokerUnavailable))
	for _, req := range []struct{ method, path string }{
		{http.MethodGet, "/dead-letters"},
		{http.MethodGet, "/dead-letters/x"},
		{http.MethodPost, "/dead-letters/x/requeue"},
		{http.MethodDelete, "/dead-letters/x"},
		{http.MethodDelete, "/dead-letters"},
	} {
		rec := e.do(t, req.method, req.path, "")
		requireError(t, rec, http.StatusServiceUnavailable, "broker_unavailable", "")
		require.NotEmpty(t, rec.Header().Get("Retry-After"), req.path)
	}
}
