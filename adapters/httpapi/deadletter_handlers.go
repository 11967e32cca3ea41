package httpapi

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gorilla/mux"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// listDeadLetters serves GET /dead-letters?queue=&offset=&limit=.
func (a *api) listDeadLetters(w http.ResponseWriter, r *http.Request) {
	p, err := a.listParams(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	page, err := a.deps.DeadLetters.List(r.Context(), p)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	items := make([]deadLetterItem, len(page.Items))
	for i, dl := range page.Items {
		items[i] = newDeadLetterItem(dl)
	}
	a.writeJSON(w, http.StatusOK, deadLetterPage{Items: items, Total: page.Total, Offset: p.Offset, Limit: p.Limit})
}

// listParams reads and checks the query of GET /dead-letters.
func (a *api) listParams(r *http.Request) (ports.ListDeadLettersParams, error) {
	q := r.URL.Query()
	queue, err := queueParam(r)
	if err != nil {
		return ports.ListDeadLettersParams{}, err
	}
	offset, err := intParam(q.Get("offset"), "offset", 0, 0, int(^uint(0)>>1))
	if err != nil {
		return ports.ListDeadLettersParams{}, err
	}
	limit, err := intParam(q.Get("limit"), "limit", DefaultPageSize, 1, a.cfg.MaxPageSize)
	if err != nil {
		return ports.ListDeadLettersParams{}, err
	}
	return ports.ListDeadLettersParams{Queue: queue, Offset: offset, Limit: limit}, nil
}

// queueParam reads the optional queue query parameter.
func queueParam(r *http.Request) (string, error) {
	queue := r.URL.Query().Get("queue")
	if queue == "" {
		return "", nil
	}
	if err := domain.ValidateQueueName(queue); err != nil {
		return "", err
	}
	return queue, nil
}

// intParam parses an optional integer in [lo, hi].
func intParam(s, field string, def, lo, hi int) (int, error) {
	if s == "" {
		return min(def, hi), nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &domain.ValidationError{Field: field, Reason: fmt.Sprintf("must be an integer from %d to %d", lo, hi)}
	}
	return n, nil
}

// getDeadLetter serves GET /dead-letters/{id}.
func (a *api) getDeadLetter(w http.ResponseWriter, r *http.Request) {
	dl, err := a.deps.DeadLetters.Get(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newDeadLetterDetail(dl, a.cfg.ExposePayload))
}

// requeueDeadLetter serves POST /dead-letters/{id}/requeue: the task is
// pending again, its status at Location.
func (a *api) requeueDeadLetter(w http.ResponseWriter, r *http.Request) {
	task, err := a.deps.DeadLetters.Requeue(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	w.Header().Set("Location", taskLocation(task.ID))
	a.writeJSON(w, http.StatusOK, enqueueResponse{ID: task.ID, Queue: task.Queue, State: domain.StatePending})
}

// deleteDeadLetter serves DELETE /dead-letters/{id}.
func (a *api) deleteDeadLetter(w http.ResponseWriter, r *http.Request) {
	if err := a.deps.DeadLetters.Delete(r.Context(), mux.Vars(r)["id"]); err != nil {
		a.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// purgeDeadLetters serves DELETE /dead-letters?queue=; without a queue it
// purges every queue's dead letters.
func (a *api) purgeDeadLetters(w http.ResponseWriter, r *http.Request) {
	queue, err := queueParam(r)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	n, err := a.deps.DeadLetters.Purge(r.Context(), queue)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, purgeResponse{Purged: n})
}
