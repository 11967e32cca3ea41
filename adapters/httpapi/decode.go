package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/popbox/popbox/domain"
)

// fieldSpec is one accepted body field: where it decodes to and, for the
// error when it does not, what it should be.
type fieldSpec struct {
	dst  any
	want string
}

// checkContentType accepts application/json with no charset or utf-8.
func checkContentType(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		if cs, ok := params["charset"]; !ok || strings.EqualFold(cs, "utf-8") {
			return nil
		}
	}
	return &requestError{
		Message: fmt.Sprintf("Content-Type must be application/json (utf-8), not %q", ct),
		Err:     errUnsupportedMediaType,
	}
}

// decodeBody reads r's body as one JSON object whose keys must all be in
// fields, and decodes each into its destination. Errors wrap the sentinels
// of the error table and name the field to blame.
func (a *api) decodeBody(w http.ResponseWriter, r *http.Request, fields map[string]fieldSpec) error {
	if err := checkContentType(r); err != nil {
		return err
	}
	if r.ContentLength > a.cfg.MaxBodyBytes {
		return a.tooLarge()
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.cfg.MaxBodyBytes))
	var object map[string]json.RawMessage
	if err := dec.Decode(&object); err != nil {
		return a.readError(err)
	}
	if object == nil { // the body was null
		return badJSON("request body must be a JSON object")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if tooBig := a.readError(err); errors.Is(tooBig, errBodyTooLarge) {
			return tooBig
		}
		return badJSON("request body has data after the JSON object")
	}
	return decodeFields(object, fields)
}

// decodeFields refuses unknown keys, then decodes the known ones, in key
// order so the error named is always the same.
func decodeFields(object map[string]json.RawMessage, fields map[string]fieldSpec) error {
	keys := make([]string, 0, len(object))
	for k := range object {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := fields[k]; !ok {
			return &requestError{Field: k, Message: fmt.Sprintf("unknown field %q", k), Err: errUnknownField}
		}
	}
	for _, k := range keys {
		spec := fields[k]
		if err := json.Unmarshal(object[k], spec.dst); err != nil {
			return &domain.ValidationError{Field: k, Reason: "must be " + spec.want}
		}
	}
	return nil
}

// readError explains why the body could not be decoded.
func (a *api) readError(err error) error {
	var maxErr *http.MaxBytesError
	var syntaxErr *json.SyntaxError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &maxErr):
		return a.tooLarge()
	case errors.Is(err, io.EOF):
		return badJSON("request body is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return badJSON("request body ends inside the JSON value")
	case errors.As(err, &syntaxErr):
		return badJSON(fmt.Sprintf("malformed JSON at byte %d: %v", syntaxErr.Offset, syntaxErr))
	case errors.As(err, &typeErr):
		return badJSON("request body must be a JSON object")
	default:
		return badJSON("request body could not be read")
	}
}

func (a *api) tooLarge() error {
	return &requestError{
		Message: fmt.Sprintf("request body exceeds %d bytes", a.cfg.MaxBodyBytes),
		Err:     errBodyTooLarge,
	}
}

func badJSON(msg string) error {
	return &requestError{Message: msg, Err: errInvalidJSON}
}
