package httpclient

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Client calls one PopBox API. It is safe for concurrent use.
type Client struct {
	base string
	http *http.Client
}

// New returns a client of the API at baseURL (e.g. "http://localhost:8080").
// A nil hc uses a client with a 30 s timeout.
func New(baseURL string, hc *http.Client) *Client {
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), http: hc}
}

// Task is what to enqueue. Type and Payload are required; the rest take
// the server's defaults.
type Task struct {
	Type           string
	Payload        any // marshalled to a JSON object; json.RawMessage is sent as is
	Queue          string
	IdempotencyKey string // a repeat with the same key returns the first task
	MaxAttempts    int
	Delay          time.Duration
	Timeout        time.Duration
	Headers        map[string]string
}

// Enqueued is the server's answer to an enqueue.
type Enqueued struct {
	ID        string `json:"id"`
	Queue     string `json:"queue"`
	State     string `json:"state"`
	Duplicate bool   `json:"duplicate"`
}

// Status is a task's state as GET /task/{id} reports it.
type Status struct {
	ID          string `json:"id"`
	Type        string `json:"type"`
	Queue       string `json:"queue"`
	State       string `json:"state"`
	Attempts    int    `json:"attempts"`
	MaxAttempts int    `json:"max_attempts"`
	LastError   string `json:"last_error"`
	CreatedAt   string `json:"created_at"`
	RunAt       string `json:"run_at"`
	UpdatedAt   string `json:"updated_at"`
}

// APIError is an error answer of the API.
type APIError struct {
	Status  int    // HTTP status
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field"`
}

func (e *APIError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("popbox: %d %s: %s (field %s)", e.Status, e.Code, e.Message, e.Field)
	}
	return fmt.Sprintf("popbox: %d %s: %s", e.Status, e.Code, e.Message)
}

// Retryable reports whether err is worth retrying: the broker was
// unavailable or the server too busy, so nothing was stored.
func Retryable(err error) bool {
	var ae *APIError
	if errors.As(err, &ae) {
		return ae.Status == http.StatusServiceUnavailable || ae.Status == http.StatusTooManyRequests
	}
	return false
}

// Enqueue stores t and returns its id. With an IdempotencyKey a retried
// call is safe: it returns the first task, with Duplicate set.
func (c *Client) Enqueue(ctx context.Context, t Task) (Enqueued, error) {
	body := map[string]any{"type": t.Type, "payload": t.Payload}
	if t.Queue != "" {
		body["queue"] = t.Queue
	}
	if t.MaxAttempts != 0 {
		body["max_attempts"] = t.MaxAttempts
	}
	if t.Delay != 0 {
		body["delay"] = t.Delay.String()
	}
	if t.Timeout != 0 {
		body["timeout"] = t.Timeout.String()
	}
	if len(t.Headers) > 0 {
		body["headers"] = t.Headers
	}
	raw, err := json.Marshal(body)
	if err != nil {
		return Enqueued{}, fmt.Errorf("popbox: encode task: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/task", bytes.NewReader(raw))
	if err != nil {
		return Enqueued{}, fmt.Errorf("popbox: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	if t.IdempotencyKey != "" {
		req.Header.Set("Idempotency-Key", t.IdempotencyKey)
	}
	var out Enqueued
	return out, c.do(req, &out)
}

// Task returns the status of the task with id.
func (c *Client) Task(ctx context.Context, id string) (Status, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/task/"+url.PathEscape(id), nil)
	if err != nil {
		return Status{}, fmt.Errorf("popbox: %w", err)
	}
	var out Status
	return out, c.do(req, &out)
}

// do sends req and decodes a 2xx JSON answer into out, or the error answer
// into an *APIError.
func (c *Client) do(req *http.Request, out any) error {
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("popbox: %s %s: %w", req.Method, req.URL.Path, err)
	}
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<20))
	if err != nil {
		return fmt.Errorf("popbox: read answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var wrapper struct {
			Error *APIError `json:"error"`
		}
		if json.Unmarshal(raw, &wrapper) != nil || wrapper.Error == nil {
			return &APIError{Status: resp.StatusCode, Code: "http_error", Message: strings.TrimSpace(string(raw))}
		}
		wrapper.Error.Status = resp.StatusCode
		return wrapper.Error
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("popbox: decode answer: %w", err)
	}
	return nil
}
