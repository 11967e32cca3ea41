package domain_test

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func validTask() domain.Task {
	return domain.Task{
		ID:          "task-1",
		Type:        "send_email",
		Payload:     json.RawMessage(`{"to":"a@example.com"}`),
		Queue:       domain.DefaultQueue,
		MaxAttempts: 3,
		Headers:     map[string]string{"traceparent": "00-abc"},
	}
}

func TestTaskValidateAcceptsValidTask(t *testing.T) {
	t.Parallel()
	require.NoError(t, validTask().Validate(domain.DefaultLimits))
	task := validTask()
	task.Payload = json.RawMessage("  {}\n")
	require.NoError(t, task.Validate(domain.DefaultLimits), "surrounding whitespace is fine")
}

func TestTaskValidateNamesTheField(t *testing.T) {
	t.Parallel()
	limits := domain.Limits{MaxPayloadBytes: 64, MaxHeaders: 2, MaxHeaderBytes: 16}
	cases := []struct {
		name   string
		field  string
		want   error
		mutate func(*domain.Task)
	}{
		{"empty id", "id", domain.ErrInvalid, func(t *domain.Task) { t.ID = "" }},
		{"id with slash", "id", domain.ErrInvalid, func(t *domain.Task) { t.ID = "a/b" }},
		{"id too long", "id", domain.ErrInvalid, func(t *domain.Task) { t.ID = strings.Repeat("a", 129) }},
		{"empty type", "type", domain.ErrInvalid, func(t *domain.Task) { t.Type = "" }},
		{"type with space", "type", domain.ErrInvalid, func(t *domain.Task) { t.Type = "send email" }},
		{"queue with colon", "queue", domain.ErrInvalid, func(t *domain.Task) { t.Queue = "a:b" }},
		{"queue too long", "queue", domain.ErrInvalid, func(t *domain.Task) { t.Queue = strings.Repeat("q", 65) }},
		{"payload array", "payload", domain.ErrInvalid, func(t *domain.Task) { t.Payload = json.RawMessage(`[1]`) }},
		{"payload broken", "payload", domain.ErrInvalid, func(t *domain.Task) { t.Payload = json.RawMessage(`{"a":`) }},
		{"payload empty", "payload", domain.ErrInvalid, func(t *domain.Task) { t.Payload = nil }},
		{"payload too large", "payload", domain.ErrPayloadTooLarge, func(t *domain.Task) {
			t.Payload = json.RawMessage(`{"a":"` + strings.Repeat("x", 64) + `"}`)
		}},
		{"max attempts", "max_attempts", domain.ErrInvalid, func(t *domain.Task) { t.MaxAttempts = 0 }},
		{"negative attempt", "attempt", domain.ErrInvalid, func(t *domain.Task) { t.Attempt = -1 }},
		{"negative timeout", "timeout", domain.ErrInvalid, func(t *domain.Task) { t.Timeout = -time.Second }},
		{"too many headers", "headers", domain.ErrInvalid, func(t *domain.Task) {
			t.Headers = map[string]string{"a": "1", "b": "2", "c": "3"}
		}},
		{"header too big", "headers", domain.ErrInvalid, func(t *domain.Task) {
			t.Headers = map[string]string{"a": strings.Repeat("v", 16)}
		}},
		{"empty header key", "headers", domain.ErrInvalid, func(t *domain.Task) { t.Headers = map[string]string{"": "v"} }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			task := validTask()
			tc.mutate(&task)
			err := task.Validate(limits)
			var verr *domain.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Equal(t, tc.field, verr.Field)
			require.ErrorIs(t, err, tc.want)
			require.Contains(t, err.Error(), tc.field+": ")
		})
	}
}

func TestValidateNames(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"a", "default", "Q1.high-prio_x", strings.Repeat("q", 64)} {
		require.NoError(t, domain.ValidateQueueName(ok), ok)
		require.NoError(t, domain.ValidateTaskType(ok), ok)
	}
	for _, bad := range []string{"", "-a", ".a", "a b", "a:b", "a{b}", strings.Repeat("q", 65)} {
		require.Error(t, domain.ValidateQueueName(bad), bad)
		require.Error(t, domain.ValidateTaskType(bad), bad)
	}
	require.NoError(t, domain.ValidateID("order:42"))
	require.Error(t, domain.ValidateID(":42"))
}

func TestAttemptsLeft(t *testing.T) {
	t.Parallel()
	task := validTask()
	task.MaxAttempts = 2
	task.Attempt = 1
	require.True(t, task.AttemptsLeft())
	task.Attempt = 2
	require.False(t, task.AttemptsLeft())
}

func TestValidationErrorUnwrapsToInvalidByDefault(t *testing.T) {
	t.Parallel()
	err := &domain.ValidationError{Field: "x", Reason: "bad"}
	require.ErrorIs(t, err, domain.ErrInvalid)
	require.Equal(t, "x: bad", err.Error())
	wrapped := &domain.ValidationError{Field: "type", Reason: "unknown", Err: domain.ErrUnknownTaskType}
	require.ErrorIs(t, wrapped, domain.ErrUnknownTaskType)
	require.NotErrorIs(t, wrapped, domain.ErrInvalid)
}
