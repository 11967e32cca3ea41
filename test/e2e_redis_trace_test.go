package test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// consoleSpan is the part of a console-exported span this test reads.
type consoleSpan struct {
	Name        string
	SpanKind    int
	SpanContext struct{ TraceID, SpanID string }
	Parent      struct{ TraceID, SpanID string }
}

// spans returns the console-exported spans a process printed.
func (p *proc) spans() []consoleSpan {
	var out []consoleSpan
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var s consoleSpan
		if json.Unmarshal(sc.Bytes(), &s) == nil && s.Name != "" && s.SpanContext.TraceID != "" {
			out = append(out, s)
		}
	}
	return out
}

// TestTraceFollowsTaskAcrossProcesses runs API and worker as separate
// processes on Redis with the console exporter, sends a request with a W3C
// traceparent, and finds the worker's CONSUMER span in the same trace.
func TestTraceFollowsTaskAcrossProcesses(t *testing.T) {
	t.Parallel()
	env := newRedisEnv(t)
	otel := []string{"OTEL_TRACES_EXPORTER=console", "OTEL_SERVICE_NAME=popbox-e2e"}
	apiAddr, workerAddr := freeAddr(t), freeAddr(t)
	api := startPopbox(t, apiAddr, env.args("api", apiAddr), otel...)
	worker := startPopbox(t, workerAddr, env.args("worker", workerAddr), otel...)

	const traceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	req, err := http.NewRequest(http.MethodPost, "http://"+apiAddr+"/task",
		strings.NewReader(`{"type":"generate_report","payload":{"title":"traced"}}`))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("traceparent", "00-"+traceID+"-00f067aa0ba902b7-01")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	var created map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&created))
	_ = resp.Body.Close()
	require.Equal(t, http.StatusAccepted, resp.StatusCode, created)
	waitState(t, "http://"+apiAddr, created["id"].(string), "succeeded")

	var consumer consoleSpan
	require.Eventually(t, func() bool {
		for _, s := range worker.spans() {
			if strings.HasPrefix(s.Name, "process ") {
				consumer = s
				return true
			}
		}
		return false
	}, 10*time.Second, 50*time.Millisecond, "the worker printed no consumer span")
	require.Equal(t, traceID, consumer.SpanContext.TraceID, "the worker's span continues the request's trace")

	names := map[string]string{}
	for _, s := range api.spans() {
		if s.SpanContext.TraceID == traceID {
			names[s.Name] = s.SpanContext.SpanID
		}
	}
	require.Contains(t, names, "POST /task", "the API's server span is named by route template")
	require.Contains(t, names, "send default", "the API's producer span")
	require.Equal(t, names["send default"], consumer.Parent.SpanID, "the consumer span is a child of the producer span")
}
