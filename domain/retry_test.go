package domain_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
)

func policy(b domain.Backoff) domain.RetryPolicy {
	return domain.RetryPolicy{Backoff: b, Base: time.Second, MaxDelay: 10 * time.Second, MaxAttempts: 5}
}

func TestNextDelayConstant(t *testing.T) {
	t.Parallel()
	p := policy(domain.BackoffConstant)
	for attempt := -1; attempt <= 10; attempt++ {
		require.Equal(t, time.Second, p.NextDelay(attempt, 0.9), "attempt %d", attempt)
	}
}

func TestNextDelayExponential(t *testing.T) {
	t.Parallel()
	p := policy(domain.BackoffExponential)
	want := []time.Duration{1, 2, 4, 8, 10, 10}
	for i, w := range want {
		require.Equal(t, w*time.Second, p.NextDelay(i+1, 0.5), "attempt %d", i+1)
	}
	require.Equal(t, time.Second, p.NextDelay(0, 0), "attempts below 1 count as the first")
}

func TestNextDelayExponentialSaturatesOnHugeAttempts(t *testing.T) {
	t.Parallel()
	p := policy(domain.BackoffExponential)
	require.Equal(t, p.MaxDelay, p.NextDelay(10_000, 0))
	require.Equal(t, p.MaxDelay, p.NextDelay(64, 0))
}

func TestNextDelayJitterStaysInUpperHalf(t *testing.T) {
	t.Parallel()
	p := policy(domain.BackoffJitter)
	for attempt := 1; attempt <= 6; attempt++ {
		full := policy(domain.BackoffExponential).NextDelay(attempt, 0)
		require.Equal(t, full/2, p.NextDelay(attempt, 0), "r=0 gives the lower bound")
		require.Equal(t, full/2+full/4, p.NextDelay(attempt, 0.5))
		for _, r := range []float64{0.1, 0.3, 0.7, 0.999} {
			d := p.NextDelay(attempt, r)
			require.GreaterOrEqual(t, d, full/2)
			require.Less(t, d, full)
		}
	}
}

func TestNextDelayJitterClampsDraw(t *testing.T) {
	t.Parallel()
	p := policy(domain.BackoffJitter)
	require.Equal(t, 500*time.Millisecond, p.NextDelay(1, -3))
	require.Equal(t, time.Second, p.NextDelay(1, 7), "r above 1 is clamped to 1")
}

func TestNextDelayNeverExceedsMaxDelay(t *testing.T) {
	t.Parallel()
	for _, b := range []domain.Backoff{domain.BackoffConstant, domain.BackoffExponential, domain.BackoffJitter} {
		p := domain.RetryPolicy{Backoff: b, Base: 3 * time.Second, MaxDelay: 3 * time.Second, MaxAttempts: 2}
		for attempt := 1; attempt < 40; attempt++ {
			require.LessOrEqual(t, p.NextDelay(attempt, 0.99), p.MaxDelay, "%s attempt %d", b, attempt)
		}
	}
}

func TestNextRunAt(t *testing.T) {
	t.Parallel()
	now := time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)
	p := policy(domain.BackoffExponential)
	require.Equal(t, now.Add(4*time.Second), p.NextRunAt(now, 3, 0))
}

func TestRetryPolicyValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, domain.DefaultRetryPolicy.Validate())
	cases := map[string]func(p *domain.RetryPolicy){
		"retry.backoff":      func(p *domain.RetryPolicy) { p.Backoff = "linear" },
		"retry.base":         func(p *domain.RetryPolicy) { p.Base = 0 },
		"retry.max_delay":    func(p *domain.RetryPolicy) { p.MaxDelay = p.Base - 1 },
		"retry.max_attempts": func(p *domain.RetryPolicy) { p.MaxAttempts = 0 },
	}
	for field, mutate := range cases {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			p := domain.DefaultRetryPolicy
			mutate(&p)
			err := p.Validate()
			var verr *domain.ValidationError
			require.ErrorAs(t, err, &verr)
			require.Equal(t, field, verr.Field)
			require.ErrorIs(t, err, domain.ErrInvalid)
		})
	}
}

func TestRetryPolicyString(t *testing.T) {
	t.Parallel()
	require.Equal(t, "constant base=1s max_delay=10s max_attempts=5", policy(domain.BackoffConstant).String())
}

func TestPermanent(t *testing.T) {
	t.Parallel()
	base := errors.New("bad address")
	err := domain.Permanent(base)
	require.True(t, domain.IsPermanent(err))
	require.ErrorIs(t, err, base, "the original error stays matchable")
	require.False(t, domain.IsPermanent(base))
	require.NoError(t, domain.Permanent(nil))
	require.True(t, domain.IsPermanent(errors.Join(errors.New("x"), domain.ErrSkipRetry)))
}
