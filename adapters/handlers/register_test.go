package handlers_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

type fakeRegistry struct {
	got    []string
	refuse string
}

func (r *fakeRegistry) Register(taskType string, _ ports.Handler) error {
	if taskType == r.refuse {
		return errors.New("duplicate")
	}
	r.got = append(r.got, taskType)
	return nil
}

func TestBuiltinRegistersBothHandlersInOrder(t *testing.T) {
	t.Parallel()
	reg := &fakeRegistry{}
	builtin := handlers.Builtin(nil, handlers.ReportConfig{Dir: t.TempDir()})
	require.NoError(t, handlers.Register(reg, builtin))
	require.Equal(t, []string{handlers.TypeGenerateReport, handlers.TypeSendEmail}, reg.got)

	err := builtin[handlers.TypeSendEmail].ProcessTask(context.Background(), task("x", "send_email", `{}`))
	require.True(t, domain.IsPermanent(err), "the send_email entry is the send_email handler")
}

func TestRegisterStopsAtFirstRefusal(t *testing.T) {
	t.Parallel()
	reg := &fakeRegistry{refuse: handlers.TypeGenerateReport}
	err := handlers.Register(reg, handlers.Builtin(nil, handlers.ReportConfig{}))
	require.ErrorContains(t, err, `"generate_report"`)
	require.Empty(t, reg.got)
}
