package httpapi_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/httpapi"
	"github.com/popbox/popbox/domain"
)

func TestConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, httpapi.Config{}.Validate(), "zero values take defaults")
	require.NoError(t, httpapi.Config{MaxBodyBytes: 1, MaxPageSize: 1000}.Validate())
	for field, cfg := range map[string]httpapi.Config{
		"http.max_body_bytes": {MaxBodyBytes: -1},
		"http.retry_after":    {RetryAfter: -1},
		"http.ready_timeout":  {ReadyTimeout: -1},
		"http.max_page_size":  {MaxPageSize: 1001},
	} {
		var ve *domain.ValidationError
		require.ErrorAs(t, cfg.Validate(), &ve)
		require.Equal(t, field, ve.Field)
	}
}

func TestDefaultMaxBodyFitsTheLargestPayload(t *testing.T) {
	t.Parallel()
	require.Greater(t, httpapi.DefaultMaxBodyBytes, int64(domain.DefaultLimits.MaxPayloadBytes))
}
