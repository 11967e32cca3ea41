package httpapi

import (
	"context"
	"fmt"
	"net/http"

	"github.com/popbox/popbox/ports"
)

// queueStats is one queue in GET /queues.
type queueStats struct {
	Queue     string `json:"queue"`
	Pending   int64  `json:"pending"`
	Scheduled int64  `json:"scheduled"`
	Active    int64  `json:"active"`
	Dead      int64  `json:"dead"`
}

type queuesResponse struct {
	Queues []queueStats `json:"queues"`
}

func newQueueStats(s ports.QueueStats) queueStats {
	return queueStats{Queue: s.Queue, Pending: s.Pending, Scheduled: s.Scheduled, Active: s.Active, Dead: s.Dead}
}

// listQueues serves GET /queues.
func (a *api) listQueues(w http.ResponseWriter, r *http.Request) {
	stats, err := a.deps.Queues.Stats(r.Context())
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	out := queuesResponse{Queues: make([]queueStats, len(stats))}
	for i, s := range stats {
		out.Queues[i] = newQueueStats(s)
	}
	a.writeJSON(w, http.StatusOK, out)
}

type healthResponse struct {
	Status string `json:"status"`
}

// live serves GET /livez: answering at all is the proof.
func (a *api) live(w http.ResponseWriter, _ *http.Request) {
	a.writeJSON(w, http.StatusOK, healthResponse{Status: "ok"})
}

// ready serves GET /readyz: 503 while ReadyFunc fails.
func (a *api) ready(w http.ResponseWriter, r *http.Request) {
	if a.deps.ReadyFunc != nil {
		ctx, cancel := context.WithTimeout(r.Context(), a.cfg.ReadyTimeout)
		defer cancel()
		if err := a.deps.ReadyFunc(ctx); err != nil {
			// The cause is kept as text only: for the table this is "not
			// ready", whatever made it so; the log shows the cause.
			a.writeError(w, r, fmt.Errorf("%w: %v", errNotReady, err))
			return
		}
	}
	a.writeJSON(w, http.StatusOK, healthResponse{Status: "ready"})
}
