package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"go.uber.org/zap"
)

// writeJSON answers v with status.
func (a *api) writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		// Only a bug gets here: every response type marshals.
		a.log.Error("encode response", zap.Error(err))
		status = http.StatusInternalServerError
		body = []byte(`{"error":{"code":"internal","message":"internal server error"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// timestamp formats t as RFC 3339 in UTC with nanoseconds; "" when unset.
func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}
