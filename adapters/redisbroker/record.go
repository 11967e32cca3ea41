package redisbroker

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/popbox/popbox/domain"
)

// record is a task with what the broker knows about it.
type record struct {
	task    domain.Task
	state   domain.State
	token   string
	updated time.Time
	reason  string
}

func (r record) info() domain.TaskInfo {
	return domain.TaskInfo{Task: r.task, State: r.state, UpdatedAt: r.updated}
}

func (r record) deadLetter() domain.DeadLetter {
	return domain.DeadLetter{Task: r.task, Reason: r.reason, FailedAt: r.updated}
}

// decodeRecord builds a record from the values of recordArgs(id), data
// first. found is false when the task is unknown (no data).
func decodeRecord(queue, id string, vals []any) (rec record, found bool, err error) {
	if len(vals) != len(recordFields)+1 {
		return record{}, false, fmt.Errorf("redis broker: task %s: %d fields, want %d", id, len(vals), len(recordFields)+1)
	}
	raw, ok := vals[0].(string)
	if !ok {
		return record{}, false, nil
	}
	d, err := decodeData(raw)
	if err != nil {
		return record{}, false, fmt.Errorf("redis broker: decode task %s: %w", id, err)
	}
	metaText, _ := vals[1].(string)
	m, err := parseMeta(metaText)
	if err != nil {
		return record{}, false, fmt.Errorf("redis broker: task %s: %w", id, err)
	}
	lastError, _ := vals[2].(string)
	reason, _ := vals[3].(string)
	rec = record{
		task: domain.Task{
			ID: id, Type: d.Type, Payload: d.Payload, Queue: queue,
			Attempt: m.attempt, MaxAttempts: m.max, Timeout: d.Timeout,
			CreatedAt: d.CreatedAt, RunAt: m.runAt, LastError: lastError, Headers: d.Headers,
		},
		state:   m.state,
		token:   m.token,
		updated: m.updated,
		reason:  reason,
	}
	return rec, true, nil
}

// meta is the packed meta field of a task (see fieldMeta).
type meta struct {
	state        domain.State
	attempt, max int
	runAt        time.Time
	updated      time.Time
	token        string
}

// parseMeta reads "state|attempt|max|runat|updated|token".
func parseMeta(s string) (meta, error) {
	parts := strings.SplitN(s, "|", 6)
	if len(parts) != 6 {
		return meta{}, fmt.Errorf("malformed meta %q", s)
	}
	return meta{
		state: domain.State(parts[0]), attempt: atoi(parts[1]), max: atoi(parts[2]),
		runAt: fromMillis(parts[3]), updated: fromMillis(parts[4]), token: parts[5],
	}, nil
}

// millis renders t as unix milliseconds, the zero time as "0".
func millis(t time.Time) string {
	if t.IsZero() {
		return "0"
	}
	return strconv.FormatInt(t.UnixMilli(), 10)
}

func fromMillis(s string) time.Time {
	ms, err := strconv.ParseInt(s, 10, 64)
	if err != nil || ms == 0 {
		return time.Time{}
	}
	return time.UnixMilli(ms).UTC()
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}
