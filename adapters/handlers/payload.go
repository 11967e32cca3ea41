package handlers

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/popbox/popbox/domain"
)

// permanent reports a payload that can never succeed, naming the field.
func permanent(field, format string, args ...any) error {
	return domain.Permanent(&domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// decodePayload unmarshals a task payload into v. Malformed JSON and values
// of the wrong type are permanent failures naming the field.
func decodePayload(raw json.RawMessage, v any, shape string) error {
	err := json.Unmarshal(raw, v)
	if err == nil {
		return nil
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		return permanent(te.Field, "must be %s, not a JSON %s", jsonKind(te.Type.Kind().String()), te.Value)
	}
	return permanent("payload", "must be a JSON object %s", shape)
}

// jsonKind names a Go kind the way a JSON client thinks of it.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	default:
		return "a " + kind
	}
}
