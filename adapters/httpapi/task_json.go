package httpapi

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
)

// durationWant is what a duration field must be.
const durationWant = `a duration string such as "30s" or "1m30s"`

// taskRequest is the body of POST /task.
type taskRequest struct {
	ID          string
	Type        string
	Payload     json.RawMessage
	Queue       string
	MaxAttempts int
	Delay       string
	Timeout     string
	Headers     map[string]string
}

func (t *taskRequest) fields() map[string]fieldSpec {
	return map[string]fieldSpec{
		"id":           {&t.ID, "a string"},
		"type":         {&t.Type, "a string"},
		"payload":      {&t.Payload, "a JSON object"},
		"queue":        {&t.Queue, "a string"},
		"max_attempts": {&t.MaxAttempts, "an integer"},
		"delay":        {&t.Delay, durationWant},
		"timeout":      {&t.Timeout, durationWant},
		"headers":      {&t.Headers, "an object of string values"},
	}
}

// toApplication checks what only HTTP knows about and converts.
func (t *taskRequest) toApplication() (application.EnqueueRequest, error) {
	if t.Type == "" {
		return application.EnqueueRequest{}, &domain.ValidationError{Field: "type", Reason: "is required"}
	}
	if len(t.Payload) == 0 {
		return application.EnqueueRequest{}, &domain.ValidationError{Field: "payload", Reason: "is required"}
	}
	delay, err := parseDuration("delay", t.Delay)
	if err != nil {
		return application.EnqueueRequest{}, err
	}
	timeout, err := parseDuration("timeout", t.Timeout)
	if err != nil {
		return application.EnqueueRequest{}, err
	}
	return application.EnqueueRequest{
		ID: t.ID, Type: t.Type, Payload: t.Payload, Queue: t.Queue, MaxAttempts: t.MaxAttempts,
		Delay: delay, Timeout: timeout, Headers: t.Headers,
	}, nil
}

// parseDuration reads an optional, non-negative Go duration string.
func parseDuration(field, s string) (time.Duration, error) {
	if s == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, &domain.ValidationError{Field: field, Reason: fmt.Sprintf("must be %s, not %q", durationWant, s)}
	}
	if d < 0 {
		return 0, &domain.ValidationError{Field: field, Reason: "must not be negative"}
	}
	return d, nil
}

// enqueueResponse answers POST /task.
type enqueueResponse struct {
	ID        string       `json:"id"`
	Queue     string       `json:"queue"`
	State     domain.State `json:"state"`
	Duplicate bool         `json:"duplicate"`
}

// taskResponse answers GET /task/{id}. Headers are left out on purpose:
// they may carry credentials.
type taskResponse struct {
	ID          string          `json:"id"`
	Type        string          `json:"type"`
	Queue       string          `json:"queue"`
	State       domain.State    `json:"state"`
	Attempts    int             `json:"attempts"`
	MaxAttempts int             `json:"max_attempts"`
	LastError   string          `json:"last_error"`
	Timeout     string          `json:"timeout,omitempty"`
	CreatedAt   string          `json:"created_at,omitempty"`
	RunAt       string          `json:"run_at,omitempty"`
	UpdatedAt   string          `json:"updated_at,omitempty"`
	Payload     json.RawMessage `json:"payload,omitempty"`
}

func newTaskResponse(info domain.TaskInfo, withPayload bool) taskResponse {
	resp := taskResponse{
		ID: info.ID, Type: info.Type, Queue: info.Queue, State: info.State,
		Attempts: info.Attempt, MaxAttempts: info.MaxAttempts, LastError: info.LastError,
		CreatedAt: timestamp(info.CreatedAt), RunAt: timestamp(info.RunAt), UpdatedAt: timestamp(info.UpdatedAt),
	}
	if info.Timeout > 0 {
		resp.Timeout = info.Timeout.String()
	}
	if withPayload {
		resp.Payload = info.Payload
	}
	return resp
}
