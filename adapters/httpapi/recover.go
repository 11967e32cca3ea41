package httpapi

import (
	"errors"
	"fmt"
	"net/http"

	"go.uber.org/zap"
)

// recoverPanics turns a panic below it into a logged 500 JSON answer, so a
// bug fails one request instead of the connection. http.ErrAbortHandler is
// passed on: it is net/http's way to abort a response on purpose.
func recoverPanics(a *api, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := &headerTracker{ResponseWriter: w}
		defer func() {
			v := recover()
			if v == nil {
				return
			}
			if err, ok := v.(error); ok && errors.Is(err, http.ErrAbortHandler) {
				panic(v)
			}
			a.log.Error("panic serving request", requestFields(r, zap.Any("panic", v), zap.Stack("stack"))...)
			if !tw.wroteHeader {
				a.writeError(tw, r, fmt.Errorf("panic: %v", v))
			}
		}()
		next.ServeHTTP(tw, r)
	})
}

// headerTracker remembers whether the status line went out, after which an
// error can no longer be answered.
type headerTracker struct {
	http.ResponseWriter
	wroteHeader bool
}

func (t *headerTracker) WriteHeader(status int) {
	t.wroteHeader = true
	t.ResponseWriter.WriteHeader(status)
}

func (t *headerTracker) Write(b []byte) (int, error) {
	t.wroteHeader = true
	return t.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the real writer.
func (t *headerTracker) Unwrap() http.ResponseWriter { return t.ResponseWriter }
