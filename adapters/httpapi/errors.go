package httpapi

import (
	"context"
	"errors"
	"math"
	"net/http"
	"strconv"

	"go.uber.org/zap"

	"github.com/popbox/popbox/domain"
)

// Problems this adapter finds in a request before any use case runs.
var (
	errInvalidJSON          = errors.New("invalid JSON")
	errUnknownField         = errors.New("unknown field")
	errBodyTooLarge         = errors.New("request body too large")
	errUnsupportedMediaType = errors.New("unsupported media type")
	errRouteNotFound        = errors.New("route not found")
	errMethodNotAllowed     = errors.New("method not allowed")
	errNotReady             = errors.New("not ready")
)

// StatusClientClosedRequest answers a request whose client went away
// (nginx's convention); nobody reads it, but logs and metrics do.
const StatusClientClosedRequest = 499

// requestError gives one of the sentinels above a message for the client
// and, when a field is to blame, its name.
type requestError struct {
	Field   string
	Message string
	Err     error
}

func (e *requestError) Error() string { return e.Message }
func (e *requestError) Unwrap() error { return e.Err }

// errorRule maps the errors matching target (errors.Is) to an answer.
type errorRule struct {
	target     error
	status     int
	code       string
	message    string // said when the error carries no message for clients
	field      string // named when the error names none
	retryAfter bool   // a 503 the client may retry: send Retry-After
}

// errorTable is the one place errors become statuses; the first rule that
// matches wins.
var errorTable = []errorRule{
	{target: errBodyTooLarge, status: http.StatusRequestEntityTooLarge, code: "body_too_large", message: "request body too large"},
	{target: domain.ErrPayloadTooLarge, status: http.StatusRequestEntityTooLarge, code: "payload_too_large", message: "payload too large", field: "payload"},
	{target: errUnsupportedMediaType, status: http.StatusUnsupportedMediaType, code: "unsupported_media_type", message: "Content-Type must be application/json"},
	{target: errInvalidJSON, status: http.StatusBadRequest, code: "invalid_json", message: "request body is not valid JSON"},
	{target: errUnknownField, status: http.StatusBadRequest, code: "unknown_field", message: "unknown field"},
	{target: domain.ErrUnknownTaskType, status: http.StatusUnprocessableEntity, code: "unknown_task_type", message: "unknown task type", field: "type"},
	{target: domain.ErrIdempotencyConflict, status: http.StatusConflict, code: "idempotency_conflict", message: "idempotency key reused for a different task", field: "id"},
	{target: domain.ErrInvalid, status: http.StatusBadRequest, code: "invalid_field", message: "invalid request"},
	{target: domain.ErrTaskNotFound, status: http.StatusNotFound, code: "task_not_found", message: "task not found"},
	{target: domain.ErrDeadLetterNotFound, status: http.StatusNotFound, code: "dead_letter_not_found", message: "dead letter not found"},
	{target: errRouteNotFound, status: http.StatusNotFound, code: "not_found", message: "no such route"},
	{target: errMethodNotAllowed, status: http.StatusMethodNotAllowed, code: "method_not_allowed", message: "method not allowed on this route"},
	{target: domain.ErrBrokerUnavailable, status: http.StatusServiceUnavailable, code: "broker_unavailable", message: "the broker is unavailable, try again later", retryAfter: true},
	{target: errNotReady, status: http.StatusServiceUnavailable, code: "not_ready", message: "not ready", retryAfter: true},
	{target: context.DeadlineExceeded, status: http.StatusServiceUnavailable, code: "timeout", message: "the request timed out, try again later", retryAfter: true},
	{target: context.Canceled, status: StatusClientClosedRequest, code: "client_closed_request", message: "the request was cancelled"},
}

// internalRule answers every error the table does not know, hiding it.
var internalRule = errorRule{status: http.StatusInternalServerError, code: "internal", message: "internal server error"}

// errorBody is the JSON every error answers.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

// describe finds err's rule and what to tell the client about it.
func describe(err error) (errorRule, errorDetail) {
	rule := internalRule
	for _, r := range errorTable {
		if errors.Is(err, r.target) {
			rule = r
			break
		}
	}
	d := errorDetail{Code: rule.code, Message: rule.message, Field: rule.field}
	if rule.status >= http.StatusInternalServerError {
		return rule, d // never explain a server-side failure
	}
	var ve *domain.ValidationError
	var re *requestError
	switch {
	case errors.As(err, &re):
		d.Message = re.Message
		if re.Field != "" {
			d.Field = re.Field
		}
	case errors.As(err, &ve):
		d.Message = ve.Error()
		d.Field = ve.Field
	}
	return rule, d
}

// writeError answers err through the error table, logging what clients
// are not told.
func (a *api) writeError(w http.ResponseWriter, r *http.Request, err error) {
	rule, detail := describe(err)
	if rule.retryAfter {
		secs := int(math.Ceil(a.cfg.RetryAfter.Seconds()))
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	}
	switch rule.status {
	case http.StatusInternalServerError:
		a.log.Error("request failed", requestFields(r, zap.Error(err))...)
	case http.StatusServiceUnavailable:
		a.log.Warn("request refused", requestFields(r, zap.String("code", rule.code), zap.Error(err))...)
	}
	a.writeJSON(w, rule.status, errorBody{Error: detail})
}

func requestFields(r *http.Request, extra ...zap.Field) []zap.Field {
	return append([]zap.Field{zap.String("method", r.Method), zap.String("path", r.URL.Path)}, extra...)
}
