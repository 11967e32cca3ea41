package metrics_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gorilla/mux"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/metrics"
)

func router(b bundle) *mux.Router {
	r := mux.NewRouter()
	r.HandleFunc("/task/{id}", func(w http.ResponseWriter, _ *http.Request) {
		b.clock.Advance(50 * time.Millisecond)
		w.WriteHeader(http.StatusAccepted)
	}).Methods(http.MethodGet)
	r.HandleFunc("/boom", func(http.ResponseWriter, *http.Request) { panic("bug") })
	r.Use(b.m.HTTPMiddleware())
	return r
}

func do(h http.Handler, method, path string) int {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, path, nil))
	return rec.Code
}

func TestHTTPMiddleware_LabelsByRouteTemplate(t *testing.T) {
	t.Parallel()
	b := setup(t)
	r := router(b)

	require.Equal(t, http.StatusAccepted, do(r, http.MethodGet, "/task/1"))
	require.Equal(t, http.StatusAccepted, do(r, http.MethodGet, "/task/2"))
	require.Equal(t, http.StatusNotFound, do(r, http.MethodGet, "/nowhere"))
	require.Panics(t, func() { do(r, http.MethodGet, "/boom") })

	require.Equal(t, 2.0, value(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": "/task/{id}", "method": "GET", "code": "202"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": "/boom", "method": "GET", "code": "500"}))
	require.InDelta(t, 0.1, histogramSum(t, b.reg, "popbox_http_request_duration_seconds", prometheus.Labels{"route": "/task/{id}", "method": "GET"}), 1e-9)
	require.Zero(t, seriesCount(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": metrics.UnmatchedRoute}), "an inner-only middleware never sees unmatched requests")
}

func TestHTTPMiddleware_OuterInstanceCountsUnmatchedOnceEach(t *testing.T) {
	t.Parallel()
	b := setup(t)
	h := b.m.HTTPMiddleware()(router(b))

	require.Equal(t, http.StatusAccepted, do(h, http.MethodGet, "/task/1"))
	require.Equal(t, http.StatusNotFound, do(h, http.MethodGet, "/nowhere"))
	require.Equal(t, http.StatusMethodNotAllowed, do(h, "BREW", "/task/1"))

	require.Equal(t, 1.0, value(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": "/task/{id}", "method": "GET", "code": "202"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": "unmatched", "method": "GET", "code": "404"}))
	require.Equal(t, 1.0, value(t, b.reg, "popbox_http_requests_total", prometheus.Labels{"route": "unmatched", "method": "other", "code": "405"}))
	require.Equal(t, 3, seriesCount(t, b.reg, "popbox_http_requests_total", nil))
}

// seriesCount counts the series of name whose labels include want.
func seriesCount(t *testing.T, reg *prometheus.Registry, name string, want prometheus.Labels) int {
	t.Helper()
	mfs, err := reg.Gather()
	require.NoError(t, err)
	n := 0
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
	series:
		for _, mt := range mf.GetMetric() {
			for k, v := range want {
				found := false
				for _, l := range mt.GetLabel() {
					found = found || (l.GetName() == k && l.GetValue() == v)
				}
				if !found {
					continue series
				}
			}
			n++
		}
	}
	return n
}
