package httpapi

import (
	"context"
	"errors"
	"net/http"
	"net/url"

	"github.com/gorilla/mux"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// idempotencyHeader carries a client's idempotency key: the task id.
const idempotencyHeader = "Idempotency-Key"

// enqueue serves POST /task.
func (a *api) enqueue(w http.ResponseWriter, r *http.Request) {
	var body taskRequest
	if err := a.decodeBody(w, r, body.fields()); err != nil {
		a.writeError(w, r, err)
		return
	}
	if err := applyIdempotencyKey(r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	req, err := body.toApplication()
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := a.deps.Enqueuer.Enqueue(r.Context(), req)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	status := http.StatusAccepted
	if res.Duplicate {
		status = http.StatusOK
	}
	w.Header().Set("Location", taskLocation(res.Task.ID))
	a.writeJSON(w, status, enqueueResponse{
		ID:        res.Task.ID,
		Queue:     res.Task.Queue,
		State:     a.enqueuedState(r.Context(), res),
		Duplicate: res.Duplicate,
	})
}

// applyIdempotencyKey makes the Idempotency-Key header the task id.
func applyIdempotencyKey(r *http.Request, body *taskRequest) error {
	keys := r.Header.Values(idempotencyHeader)
	if len(keys) == 0 {
		return nil
	}
	if len(keys) > 1 {
		return &domain.ValidationError{Field: idempotencyHeader, Reason: "must be sent once"}
	}
	var ve *domain.ValidationError
	if err := domain.ValidateID(keys[0]); errors.As(err, &ve) {
		return &domain.ValidationError{Field: idempotencyHeader, Reason: ve.Reason}
	}
	if body.ID != "" && body.ID != keys[0] {
		return &domain.ValidationError{Field: "id", Reason: "differs from the Idempotency-Key header"}
	}
	body.ID = keys[0]
	return nil
}

// enqueuedState is a new task's state, or a duplicate's current one: the
// first task may have run since.
func (a *api) enqueuedState(ctx context.Context, res ports.EnqueueResult) domain.State {
	if res.Duplicate {
		if info, err := a.deps.Tasks.Task(ctx, res.Task.ID); err == nil {
			return info.State
		}
	}
	if res.Task.RunAt.After(res.Task.CreatedAt) {
		return domain.StateScheduled
	}
	return domain.StatePending
}

func taskLocation(id string) string { return "/task/" + url.PathEscape(id) }

// getTask serves GET /task/{id}.
func (a *api) getTask(w http.ResponseWriter, r *http.Request) {
	info, err := a.deps.Tasks.Task(r.Context(), mux.Vars(r)["id"])
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newTaskResponse(info, a.cfg.ExposePayload))
}
