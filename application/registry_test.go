package application_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func nopHandler() ports.Handler {
	return ports.HandlerFunc(func(context.Context, domain.Task) error { return nil })
}

func TestRegistryRegisterAndLookUp(t *testing.T) {
	t.Parallel()
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("send_email", nopHandler()))
	require.NoError(t, reg.Register("generate_report", nopHandler()))

	h, ok := reg.Handler("send_email")
	require.True(t, ok)
	require.NotNil(t, h)
	_, ok = reg.Handler("missing")
	require.False(t, ok)
	require.Equal(t, []string{"generate_report", "send_email"}, reg.Names())
}

func TestRegistryRefusesDuplicates(t *testing.T) {
	t.Parallel()
	reg := application.NewRegistry()
	require.NoError(t, reg.Register("job", nopHandler()))
	err := reg.Register("job", nopHandler())
	require.ErrorIs(t, err, application.ErrHandlerExists)
	require.Equal(t, []string{"job"}, reg.Names())
}

func TestRegistryRefusesInvalidNamesAndNilHandlers(t *testing.T) {
	t.Parallel()
	reg := application.NewRegistry()
	for _, name := range []string{"", "send email", "a:b", "-x"} {
		err := reg.Register(name, nopHandler())
		var verr *domain.ValidationError
		require.ErrorAs(t, err, &verr, name)
		require.Equal(t, "type", verr.Field)
	}
	var verr *domain.ValidationError
	require.ErrorAs(t, reg.Register("job", nil), &verr)
	require.Equal(t, "handler", verr.Field)
	require.Empty(t, reg.Names())
}
