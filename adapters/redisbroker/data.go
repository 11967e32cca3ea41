package redisbroker

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/popbox/popbox/domain"
)

// taskData is the part of a task that never changes once stored, kept in
// the tasks hash under the bare id. It is encoded and decoded in Go only;
// no script reads it.
type taskData struct {
	Type      string
	Payload   json.RawMessage
	Timeout   time.Duration
	CreatedAt time.Time
	Headers   map[string]string
}

// dataVersion opens every encoded taskData, so a later layout can tell
// its own data from this one.
const dataVersion = "d1"

// encodeData renders the immutable part of t as lines: version, type,
// timeout in nanoseconds, created-at (RFC 3339 with nanoseconds), headers
// as a JSON object ("" for none), then the payload's bytes verbatim to the
// end. Only the payload may hold a newline, and it comes last, so nothing
// is escaped and the payload stays byte-exact (a JSON encoder would
// compact it and escape '<', '>' and '&'). A task type cannot hold a
// newline (domain.ValidateTaskType); encodeData refuses one that does, and
// a created-at whose year RFC 3339 cannot hold.
func encodeData(t domain.Task) (string, error) {
	if strings.ContainsRune(t.Type, '\n') {
		return "", fmt.Errorf("redis broker: encode task %s: type holds a newline", t.ID)
	}
	if y := t.CreatedAt.Year(); y < 0 || y > 9999 {
		// RFC 3339 has four-digit years: decodeData could not read it back.
		return "", invalid("created_at", "year %d is outside 0-9999", y)
	}
	var headers []byte
	if len(t.Headers) > 0 {
		var err error
		if headers, err = json.Marshal(t.Headers); err != nil {
			return "", fmt.Errorf("redis broker: encode task %s: %w", t.ID, err)
		}
	}
	b := make([]byte, 0, len(dataVersion)+len(t.Type)+len(headers)+len(t.Payload)+64)
	b = append(b, dataVersion...)
	b = append(b, '\n')
	b = append(b, t.Type...)
	b = append(b, '\n')
	b = strconv.AppendInt(b, int64(t.Timeout), 10)
	b = append(b, '\n')
	b = t.CreatedAt.AppendFormat(b, time.RFC3339Nano)
	b = append(b, '\n')
	b = append(b, headers...)
	b = append(b, '\n')
	b = append(b, t.Payload...)
	return string(b), nil
}

// decodeData reads what encodeData wrote.
func decodeData(raw string) (taskData, error) {
	parts := strings.SplitN(raw, "\n", 6)
	if len(parts) != 6 || parts[0] != dataVersion {
		return taskData{}, errors.New("unknown task data layout")
	}
	timeout, err := strconv.ParseInt(parts[2], 10, 64)
	if err != nil {
		return taskData{}, fmt.Errorf("timeout: %w", err)
	}
	created, err := time.Parse(time.RFC3339Nano, parts[3])
	if err != nil {
		return taskData{}, fmt.Errorf("created-at: %w", err)
	}
	d := taskData{Type: parts[1], Timeout: time.Duration(timeout), CreatedAt: created, Payload: json.RawMessage(parts[5])}
	if parts[4] != "" {
		if err := json.Unmarshal([]byte(parts[4]), &d.Headers); err != nil {
			return taskData{}, fmt.Errorf("headers: %w", err)
		}
	}
	return d, nil
}
