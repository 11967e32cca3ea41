package logging_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/logging"
	"github.com/popbox/popbox/domain"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		cfg   logging.Config
		field string // "" when valid
	}{
		{"zero value takes defaults", logging.Config{}, ""},
		{"debug console", logging.Config{Level: "debug", Format: "console"}, ""},
		{"upper-case level", logging.Config{Level: "WARN"}, ""},
		{"error json", logging.Config{Level: "error", Format: "json"}, ""},
		{"unknown level", logging.Config{Level: "verbose"}, "log.level"},
		{"fatal is not a threshold", logging.Config{Level: "fatal"}, "log.level"},
		{"unknown format", logging.Config{Format: "xml"}, "log.format"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.cfg.Validate()
			if tt.field == "" {
				require.NoError(t, err)
				return
			}
			var ve *domain.ValidationError
			require.ErrorAs(t, err, &ve)
			require.Equal(t, tt.field, ve.Field)
			require.ErrorIs(t, err, domain.ErrInvalid)
		})
	}
}

func TestNewLoggerRejectsInvalidConfig(t *testing.T) {
	t.Parallel()
	log, err := logging.NewLogger(logging.Config{Format: "yaml"})
	require.Nil(t, log)
	var ve *domain.ValidationError
	require.ErrorAs(t, err, &ve)
	require.Equal(t, "log.format", ve.Field)
}
