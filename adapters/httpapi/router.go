package httpapi

import (
	"net/http"
	"strings"

	"github.com/gorilla/mux"
	"go.uber.org/zap"
)

// api serves the routes; its methods are the handlers.
type api struct {
	cfg    Config
	deps   Deps
	log    *zap.Logger
	router *mux.Router
}

// NewRouter returns the API's handler. cfg should have passed Validate;
// its zero fields take their defaults. mws wrap every route, in order (the
// first is outermost), and also the JSON answers to unknown routes (404)
// and wrong methods (405), for which mux.CurrentRoute is nil. Panics in
// handlers or mws are recovered into a 500 JSON answer. NewRouter panics if
// a required dependency is missing (see Deps).
func NewRouter(cfg Config, deps Deps, mws ...mux.MiddlewareFunc) http.Handler {
	deps.check()
	a := &api{cfg: cfg.withDefaults(), deps: deps, log: deps.Log, router: mux.NewRouter()}
	if a.log == nil {
		a.log = zap.NewNop()
	}
	r := a.router
	r.HandleFunc("/task", a.enqueue).Methods(http.MethodPost).Name("enqueue")
	r.HandleFunc("/task/{id}", a.getTask).Methods(http.MethodGet).Name("task")
	r.HandleFunc("/queues", a.listQueues).Methods(http.MethodGet).Name("queues")
	r.HandleFunc("/dead-letters", a.listDeadLetters).Methods(http.MethodGet).Name("dead-letters")
	r.HandleFunc("/dead-letters", a.purgeDeadLetters).Methods(http.MethodDelete).Name("dead-letters-purge")
	r.HandleFunc("/dead-letters/{id}", a.getDeadLetter).Methods(http.MethodGet).Name("dead-letter")
	r.HandleFunc("/dead-letters/{id}", a.deleteDeadLetter).Methods(http.MethodDelete).Name("dead-letter-delete")
	r.HandleFunc("/dead-letters/{id}/requeue", a.requeueDeadLetter).Methods(http.MethodPost).Name("dead-letter-requeue")
	r.HandleFunc("/livez", a.live).Methods(http.MethodGet).Name("livez")
	r.HandleFunc("/readyz", a.ready).Methods(http.MethodGet).Name("readyz")

	r.Use(mws...)
	r.NotFoundHandler = wrap(http.HandlerFunc(a.notFound), mws)
	r.MethodNotAllowedHandler = wrap(http.HandlerFunc(a.methodNotAllowed), mws)
	return recoverPanics(a, r)
}

// wrap applies mws the way mux does: the first is outermost.
func wrap(h http.Handler, mws []mux.MiddlewareFunc) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i].Middleware(h)
	}
	return h
}

func (a *api) notFound(w http.ResponseWriter, r *http.Request) {
	a.writeError(w, r, &requestError{Message: "no route " + r.URL.Path, Err: errRouteNotFound})
}

// methodNotAllowed lists the methods the path does accept in Allow.
func (a *api) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		var match mux.RouteMatch
		if a.router.Match(probe, &match) && match.MatchErr == nil {
			allowed = append(allowed, m)
		}
	}
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	a.writeError(w, r, &requestError{
		Message: r.Method + " is not allowed here; use " + strings.Join(allowed, " or "),
		Err:     errMethodNotAllowed,
	})
}
