package logging_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/popbox/popbox/adapters/logging"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

const secret = "s3cr3t-payload-value"

func sampleTask() domain.Task {
	return domain.Task{
		ID: "task-1", Type: "send_email", Queue: "mail", Attempt: 2, MaxAttempts: 5,
		Payload:   []byte(`{"body":"` + secret + `"}`),
		Headers:   map[string]string{"authorization": secret},
		LastError: "smtp: 451 try later",
	}
}

// observe returns an observer logging everything to an in-memory sink.
func observe(t *testing.T, opts ...logging.ObserverOption) (ports.WorkerObserver, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	return logging.NewWorkerObserver(zap.New(core), opts...), logs
}

func requireTaskFields(t *testing.T, e observer.LoggedEntry) {
	t.Helper()
	m := e.ContextMap()
	require.Equal(t, "task-1", m["task_id"])
	require.Equal(t, "send_email", m["task_type"])
	require.Equal(t, "mail", m["queue"])
	require.EqualValues(t, 2, m["attempt"])
	require.EqualValues(t, 5, m["max_attempts"])
}

func requireNoSecrets(t *testing.T, logs *observer.ObservedLogs) {
	t.Helper()
	for _, e := range logs.All() {
		require.NotContains(t, e.Message, secret)
		require.NotContains(t, fmt.Sprint(e.ContextMap()), secret)
	}
}

func TestObserverTaskEvents(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	tests := []struct {
		name  string
		emit  func(ports.WorkerObserver)
		level zapcore.Level
		msg   string
		extra map[string]any
	}{
		{"started", func(o ports.WorkerObserver) { o.TaskStarted(ctx, sampleTask()) },
			zapcore.DebugLevel, "task started", nil},
		{"succeeded", func(o ports.WorkerObserver) { o.TaskSucceeded(ctx, sampleTask(), 1500*time.Millisecond) },
			zapcore.InfoLevel, "task succeeded", map[string]any{"duration": 1500 * time.Millisecond}},
		{"retrying", func(o ports.WorkerObserver) {
			o.TaskRetrying(ctx, sampleTask(), errors.New("smtp down"), 4*time.Second)
		}, zapcore.WarnLevel, "task failed, will retry", map[string]any{"delay": 4 * time.Second, "error": "smtp down"}},
		{"dead-lettered", func(o ports.WorkerObserver) { o.TaskDeadLettered(ctx, sampleTask(), "to: missing") },
			zapcore.ErrorLevel, "task dead-lettered", map[string]any{"reason": "to: missing", "last_error": "smtp: 451 try later"}},
		{"released", func(o ports.WorkerObserver) { o.TaskReleased(ctx, sampleTask()) },
			zapcore.InfoLevel, "task released at shutdown", nil},
		{"lease lost", func(o ports.WorkerObserver) { o.LeaseLost(ctx, sampleTask(), "ack") },
			zapcore.WarnLevel, "lease lost", map[string]any{"op": "ack"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, logs := observe(t)
			tt.emit(o)
			require.Equal(t, 1, logs.Len())
			e := logs.All()[0]
			require.Equal(t, tt.level, e.Level)
			require.Equal(t, tt.msg, e.Message)
			requireTaskFields(t, e)
			for k, v := range tt.extra {
				require.Equal(t, v, e.ContextMap()[k], "field %s", k)
			}
			requireNoSecrets(t, logs)
		})
	}
}

func TestObserverRecovered(t *testing.T) {
	t.Parallel()
	o, logs := observe(t)
	o.Recovered(context.Background(), ports.RecoverResult{Promoted: 3, Requeued: 1})
	o.Recovered(context.Background(), ports.RecoverResult{Requeued: 1, DeadLettered: 2})

	all := logs.All()
	require.Len(t, all, 2)
	require.Equal(t, zapcore.InfoLevel, all[0].Level)
	require.EqualValues(t, 3, all[0].ContextMap()["promoted"])
	require.EqualValues(t, 1, all[0].ContextMap()["requeued"])
	require.Equal(t, zapcore.WarnLevel, all[1].Level, "dead letters from expired leases need attention")
	require.EqualValues(t, 2, all[1].ContextMap()["dead_lettered"])
}

func TestObserverBrokerError(t *testing.T) {
	t.Parallel()
	o, logs := observe(t)
	o.BrokerError(context.Background(), "dequeue", errors.New("connection refused"))

	require.Equal(t, 1, logs.Len())
	e := logs.All()[0]
	require.Equal(t, zapcore.ErrorLevel, e.Level)
	require.Equal(t, "dequeue", e.ContextMap()["op"])
	require.Equal(t, "connection refused", e.ContextMap()["error"])
}

type traceKey struct{}

func TestObserverContextFields(t *testing.T) {
	t.Parallel()
	o, logs := observe(t, logging.WithContextFields(func(ctx context.Context) []zap.Field {
		id, _ := ctx.Value(traceKey{}).(string)
		return []zap.Field{zap.String("trace_id", id)}
	}))
	ctx := context.WithValue(context.Background(), traceKey{}, "abc123")
	o.TaskStarted(ctx, sampleTask())
	o.BrokerError(ctx, "ack", errors.New("x"))

	for _, e := range logs.All() {
		require.Equal(t, "abc123", e.ContextMap()["trace_id"], e.Message)
	}
	require.Equal(t, 2, logs.Len())
}

func TestObserverTaskFields(t *testing.T) {
	t.Parallel()
	o, logs := observe(t, logging.WithTaskFields(func(task domain.Task) []zap.Field {
		return []zap.Field{zap.String("trace_id", "from-"+task.ID)}
	}))
	task := sampleTask()
	o.TaskSucceeded(context.Background(), task, time.Millisecond)
	o.TaskDeadLettered(context.Background(), task, "r")

	require.Equal(t, 2, logs.Len())
	for _, e := range logs.All() {
		require.Equal(t, "from-"+task.ID, e.ContextMap()["trace_id"], e.Message)
	}
}

func TestObserverNilLoggerIsSilent(t *testing.T) {
	t.Parallel()
	o := logging.NewWorkerObserver(nil)
	require.NotPanics(t, func() { o.TaskDeadLettered(context.Background(), sampleTask(), "r") })
}

// Operators must see every dead letter and lease loss even when a flood of
// them would be sampled away.
func TestObserverNeverSamplesOperatorEvents(t *testing.T) {
	t.Parallel()
	log, buf := setup(t, logging.Config{Level: "debug"})
	o := logging.NewWorkerObserver(log)
	ctx := context.Background()
	for range 300 {
		o.TaskDeadLettered(ctx, sampleTask(), "boom")
		o.LeaseLost(ctx, sampleTask(), "ack")
		o.TaskRetrying(ctx, sampleTask(), errors.New("boom"), time.Second)
	}
	count := map[string]int{}
	for _, l := range jsonLines(t, buf) {
		count[l["msg"].(string)]++
	}
	require.Equal(t, 300, count["task dead-lettered"])
	require.Equal(t, 300, count["lease lost"])
	require.Equal(t, 102, count["task failed, will retry"], "ordinary events stay sampled")
	require.False(t, strings.Contains(buf.String(), secret))
}
