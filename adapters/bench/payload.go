package bench

import (
	"bytes"
	"encoding/json"
	"strconv"
	"time"
)

// stampKey names the payload field holding the enqueue time, in unix
// nanoseconds. Wall-clock time, so a worker in another process can read it.
const stampKey = `{"enq_ns":`

// stampPayload is a task payload carrying t.
func stampPayload(t time.Time) json.RawMessage {
	b := make([]byte, 0, len(stampKey)+21)
	b = append(b, stampKey...)
	b = strconv.AppendInt(b, t.UnixNano(), 10)
	return append(b, '}')
}

// parseStamp reads the enqueue time stampPayload wrote. It does not decode
// JSON in general: the handler must cost next to nothing.
func parseStamp(p json.RawMessage) (int64, bool) {
	rest, ok := bytes.CutPrefix(bytes.TrimSpace(p), []byte(stampKey))
	if !ok {
		return 0, false
	}
	digits, ok := bytes.CutSuffix(rest, []byte("}"))
	if !ok {
		return 0, false
	}
	ns, err := strconv.ParseInt(string(digits), 10, 64)
	return ns, err == nil
}
