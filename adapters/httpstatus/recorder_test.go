package httpstatus_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpstatus"
)

func TestRecorder(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		write func(w http.ResponseWriter)
		want  int
		wrote bool
	}{
		"nothing written":   {func(http.ResponseWriter) {}, http.StatusOK, false},
		"implicit 200":      {func(w http.ResponseWriter) { _, _ = w.Write([]byte("x")) }, http.StatusOK, true},
		"explicit status":   {func(w http.ResponseWriter) { w.WriteHeader(http.StatusTeapot) }, http.StatusTeapot, true},
		"first status wins": {func(w http.ResponseWriter) { w.WriteHeader(http.StatusAccepted); w.WriteHeader(http.StatusTeapot) }, http.StatusAccepted, true},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			under := httptest.NewRecorder()
			rec := httpstatus.NewRecorder(under)
			tc.write(rec)
			require.Equal(t, tc.want, rec.Status())
			require.Equal(t, tc.wrote, rec.Wrote())
			require.Same(t, under, rec.Unwrap().(*httptest.ResponseRecorder))
		})
	}
}
