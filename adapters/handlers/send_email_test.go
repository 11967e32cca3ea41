package handlers_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
	"go.uber.org/zap/zaptest/observer"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func setupEmail(t *testing.T) (ports.Handler, *observer.ObservedLogs) {
	t.Helper()
	core, logs := observer.New(zapcore.DebugLevel)
	return handlers.NewSendEmail(zap.New(core)), logs
}

func task(id, typ, payload string) domain.Task {
	return domain.Task{ID: id, Type: typ, Queue: "default", Attempt: 1, MaxAttempts: 3, Payload: []byte(payload)}
}

// requirePermanent asserts err is a permanent failure naming field.
func requirePermanent(t *testing.T, err error, field string) {
	t.Helper()
	require.Error(t, err)
	require.True(t, domain.IsPermanent(err), "want a permanent failure, got %v", err)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, field, ve.Field, err.Error())
	require.Contains(t, err.Error(), field)
}

func TestSendEmailSendsByLogging(t *testing.T) {
	t.Parallel()
	h, logs := setupEmail(t)
	err := h.ProcessTask(context.Background(),
		task("e1", "send_email", `{"to":"Ada <ada@example.com>","subject":"Héllo","body":"the secret body"}`))
	require.NoError(t, err)

	require.Equal(t, 1, logs.Len())
	e := logs.All()[0]
	require.Equal(t, "email sent", e.Message)
	m := e.ContextMap()
	require.Equal(t, "ada@example.com", m["to"])
	require.EqualValues(t, 5, m["subject_length"])
	require.Equal(t, "e1", m["task_id"])
	for _, v := range m {
		require.NotContains(t, fmt.Sprint(v), "secret body", "the body must never be logged")
	}
}

func TestSendEmailRejectsBadPayloads(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, payload, field string
	}{
		{"missing to", `{"subject":"s","body":"b"}`, "to"},
		{"blank to", `{"to":"  ","subject":"s","body":"b"}`, "to"},
		{"malformed to", `{"to":"not-an-address","subject":"s","body":"b"}`, "to"},
		{"two recipients", `{"to":"a@example.com, b@example.com","subject":"s","body":"b"}`, "to"},
		{"to not a string", `{"to":42,"subject":"s","body":"b"}`, "to"},
		{"missing subject", `{"to":"a@example.com","body":"b"}`, "subject"},
		{"multi-line subject", `{"to":"a@example.com","subject":"s\r\nBcc: x@example.com","body":"b"}`, "subject"},
		{"missing body", `{"to":"a@example.com","subject":"s"}`, "body"},
		{"payload not an object", `["a@example.com"]`, "payload"},
		{"payload not JSON", `{"to":`, "payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, logs := setupEmail(t)
			err := h.ProcessTask(context.Background(), task("e1", "send_email", tt.payload))
			requirePermanent(t, err, tt.field)
			require.Zero(t, logs.Len(), "nothing is sent")
		})
	}
}

func TestSendEmailHonoursContext(t *testing.T) {
	t.Parallel()
	h, logs := setupEmail(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.ProcessTask(ctx, task("e1", "send_email", `{"to":"a@example.com","subject":"s","body":"b"}`))
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, domain.IsPermanent(err), "a cancelled attempt may run again")
	require.Zero(t, logs.Len())
}

func TestSendEmailNilLogger(t *testing.T) {
	t.Parallel()
	h := handlers.NewSendEmail(nil)
	require.NoError(t, h.ProcessTask(context.Background(),
		task("e1", "send_email", `{"to":"a@example.com","subject":"s","body":"b"}`)))
}
