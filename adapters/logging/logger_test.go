package logging_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"

	"github.com/popbox/popbox/adapters/logging"
)

// fixedClock stops zap's clock, so the sampler sees every line in the same
// second and its decisions do not depend on how fast the test runs.
type fixedClock struct{ t time.Time }

func (c fixedClock) Now() time.Time                         { return c.t }
func (c fixedClock) NewTicker(d time.Duration) *time.Ticker { return time.NewTicker(d) }

var frozen = zap.WithClock(fixedClock{time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)})

// setup builds a logger writing to a buffer it returns.
func setup(t *testing.T, cfg logging.Config) (*zap.Logger, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	cfg.Output = &buf
	log, err := logging.NewLogger(cfg, frozen)
	require.NoError(t, err)
	return log, &buf
}

// jsonLines decodes every line of buf.
func jsonLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(buf.Bytes()))
	for sc.Scan() {
		var m map[string]any
		require.NoError(t, json.Unmarshal(sc.Bytes(), &m), "line %q", sc.Text())
		out = append(out, m)
	}
	require.NoError(t, sc.Err())
	return out
}

func TestNewLoggerJSON(t *testing.T) {
	t.Parallel()
	log, buf := setup(t, logging.Config{Level: "info"})
	log.Debug("hidden")
	log.Info("hello", zap.String("k", "v"))

	lines := jsonLines(t, buf)
	require.Len(t, lines, 1)
	require.Equal(t, "hello", lines[0]["msg"])
	require.Equal(t, "info", lines[0]["level"])
	require.Equal(t, "v", lines[0]["k"])
	require.Equal(t, "2030-01-02T03:04:05Z", lines[0]["ts"])
}

func TestNewLoggerConsole(t *testing.T) {
	t.Parallel()
	log, buf := setup(t, logging.Config{Level: "debug", Format: logging.FormatConsole})
	log.Debug("shown", zap.String("k", "v"))

	out := buf.String()
	require.Contains(t, out, "DEBUG")
	require.Contains(t, out, "shown")
	require.False(t, json.Valid(bytes.TrimSpace(buf.Bytes())), "console output must not be JSON: %s", out)
}

func TestJSONLoggerSamplesRepeatedLines(t *testing.T) {
	t.Parallel()
	log, buf := setup(t, logging.Config{})
	for range 300 {
		log.Info("same line")
	}
	// 100 lines per second, then one in 100: 100 + 2.
	require.Len(t, jsonLines(t, buf), 102)
}

func TestUnsampledWritesEveryLineAndKeepsFields(t *testing.T) {
	t.Parallel()
	log, buf := setup(t, logging.Config{})
	always := logging.Unsampled(log.With(zap.String("component", "worker")))
	for range 300 {
		always.Info("same line")
	}
	lines := jsonLines(t, buf)
	require.Len(t, lines, 300)
	require.Equal(t, "worker", lines[299]["component"])
}

func TestUnsampledConsoleAndForeignLoggersUnchanged(t *testing.T) {
	t.Parallel()
	console, buf := setup(t, logging.Config{Format: logging.FormatConsole})
	for range 300 {
		logging.Unsampled(console).Info("same line")
	}
	require.Equal(t, 300, bytes.Count(buf.Bytes(), []byte("\n")))

	nop := zap.NewNop()
	require.Same(t, nop, logging.Unsampled(nop))
}
