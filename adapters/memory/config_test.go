package memory_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

func TestConfigDefaults(t *testing.T) {
	t.Parallel()
	cfg := memory.Config{}.WithDefaults()
	require.Equal(t, memory.DefaultCompletedRetention, cfg.CompletedRetention)
	require.NotNil(t, cfg.Clock)
	require.NoError(t, cfg.Validate())

	kept := memory.Config{Clock: ports.SystemClock, CompletedRetention: time.Minute}.WithDefaults()
	require.Equal(t, time.Minute, kept.CompletedRetention, "set fields keep their value")
}

func TestConfigValidateNamesField(t *testing.T) {
	t.Parallel()
	err := memory.Config{CompletedRetention: -time.Second}.Validate()
	require.ErrorIs(t, err, domain.ErrInvalid)
	var verr *domain.ValidationError
	require.ErrorAs(t, err, &verr)
	require.Equal(t, "memory.completed_retention", verr.Field)
}

func TestNewPanicsOnInvalidConfig(t *testing.T) {
	t.Parallel()
	require.Panics(t, func() { memory.New(memory.Config{CompletedRetention: -time.Second}) })
}
