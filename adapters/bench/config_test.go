package bench_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/bench"
	"github.com/popbox/popbox/domain"
)

func TestDefaultConfigIsIssue5sRun(t *testing.T) {
	t.Parallel()
	cfg := bench.DefaultConfig()
	require.NoError(t, cfg.Validate())
	require.Equal(t, 50_000, cfg.N)
	require.Equal(t, 50, cfg.Concurrency)
	require.Equal(t, 8, cfg.Producers)
	require.Equal(t, []string{"enq1", "enqG", "drain", "e2e_split", "lat1000", "lat5000", "first_pickup"}, cfg.Phases)
}

func TestConfigValidateNamesTheField(t *testing.T) {
	t.Parallel()
	cases := map[string]func(c *bench.Config){
		"n":              func(c *bench.Config) { c.N = 0 },
		"concurrency":    func(c *bench.Config) { c.Concurrency = 0 },
		"producers":      func(c *bench.Config) { c.Producers = -1 },
		"batch":          func(c *bench.Config) { c.BatchSize = -1 },
		"paced_for":      func(c *bench.Config) { c.PacedFor = 0 },
		"pickup_repeats": func(c *bench.Config) { c.PickupRepeats = 0 },
		"pickup_idle":    func(c *bench.Config) { c.PickupIdle = -1 },
		"phase_timeout":  func(c *bench.Config) { c.PhaseTimeout = 0 },
		"phases":         func(c *bench.Config) { c.Phases = []string{"enq1", "warp"} },
	}
	for field, mutate := range cases {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			cfg := bench.DefaultConfig()
			mutate(&cfg)
			var verr *domain.ValidationError
			require.ErrorAs(t, cfg.Validate(), &verr)
			require.Equal(t, field, verr.Field)
		})
	}
}

func TestConfigValidatePhases(t *testing.T) {
	t.Parallel()
	cfg := bench.DefaultConfig()
	cfg.Phases = nil
	require.ErrorContains(t, cfg.Validate(), "at least one phase")
	cfg.Phases = []string{"drain", "drain"}
	require.ErrorContains(t, cfg.Validate(), "listed twice")
	cfg.Phases = []string{"lat5000", "enq1"}
	require.NoError(t, cfg.Validate(), "any order")
}
