package metrics

import (
	"context"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/popbox/popbox/adapters/httpstatus"
)

// HTTPMiddleware counts requests (popbox_http_requests_total) and times them
// (popbox_http_request_duration_seconds) by route template, method and
// status code.
//
// Given to the router (router.Use, or httpapi.NewRouter's middlewares) it
// sees the requests that matched a route. To count requests that matched
// none too, also wrap the whole router with it: the outer instance then
// records every request, labelled by the template that the inner one
// reports, or "unmatched".
func (m *Metrics) HTTPMiddleware() mux.MiddlewareFunc {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if note, ok := r.Context().Value(routeNoteKey{}).(*routeNote); ok {
				note.route = RouteTemplate(r)
				next.ServeHTTP(w, r)
				return
			}
			m.serveCounted(next, w, r)
		})
	}
}

func (m *Metrics) serveCounted(next http.Handler, w http.ResponseWriter, r *http.Request) {
	note := &routeNote{route: RouteTemplate(r)}
	r = r.WithContext(context.WithValue(r.Context(), routeNoteKey{}, note))
	rec := httpstatus.NewRecorder(w)
	start := m.opts.Clock.Now()
	panicked := true
	defer func() {
		code := rec.Status()
		if panicked && !rec.Wrote() {
			code = http.StatusInternalServerError
		}
		method := boundedMethod(r.Method)
		m.v.httpRequests.WithLabelValues(note.route, method, strconv.Itoa(code)).Inc()
		m.v.httpDuration.WithLabelValues(note.route, method).Observe(max(m.since(start), 0).Seconds())
	}()
	next.ServeHTTP(rec, r)
	panicked = false
}

// RouteTemplate is the path template of the mux route r matched, or
// "unmatched".
func RouteTemplate(r *http.Request) string {
	if route := mux.CurrentRoute(r); route != nil {
		if tpl, err := route.GetPathTemplate(); err == nil {
			return tpl
		}
	}
	return UnmatchedRoute
}

type routeNoteKey struct{}

// routeNote carries the matched route from an inner middleware instance out
// to the outer one that records.
type routeNote struct{ route string }

// boundedMethod keeps the method label to the standard methods.
func boundedMethod(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return OtherLabel
}
