package application_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/application"
	"github.com/popbox/popbox/domain"
)

// requireField asserts err is a ValidationError naming field.
func requireField(t *testing.T, err error, field string) {
	t.Helper()
	var verr *domain.ValidationError
	require.ErrorAs(t, err, &verr)
	require.Equal(t, field, verr.Field)
}

func TestWorkerConfigDefaults(t *testing.T) {
	t.Parallel()
	c := application.DefaultWorkerConfig()
	require.NoError(t, c.Validate())
	require.Equal(t, []string{domain.DefaultQueue}, c.Queues)
	require.Equal(t, 15*time.Second, c.LeaseFor)
	require.Equal(t, 5*time.Second, c.HeartbeatEvery)
	require.Equal(t, time.Second, c.RecoverEvery)
	require.Equal(t, 30*time.Second, c.DefaultTimeout)
	require.Equal(t, 10*time.Second, c.ShutdownGrace)
	require.Equal(t, 10, c.Concurrency)

	c.HeartbeatEvery = 0
	require.NoError(t, c.Validate(), "a zero heartbeat means LeaseFor/3")
}

func TestWorkerConfigValidateNamesField(t *testing.T) {
	t.Parallel()
	cases := map[string]func(c *application.WorkerConfig){
		"queues":          func(c *application.WorkerConfig) { c.Queues = nil },
		"strategy":        func(c *application.WorkerConfig) { c.Strategy = "random" },
		"concurrency":     func(c *application.WorkerConfig) { c.Concurrency = 0 },
		"batch_size":      func(c *application.WorkerConfig) { c.BatchSize = 0 },
		"lease_for":       func(c *application.WorkerConfig) { c.LeaseFor = 0 },
		"heartbeat_every": func(c *application.WorkerConfig) { c.HeartbeatEvery = c.LeaseFor },
		"recover_every":   func(c *application.WorkerConfig) { c.RecoverEvery = 0 },
		"default_timeout": func(c *application.WorkerConfig) { c.DefaultTimeout = -time.Second },
		"shutdown_grace":  func(c *application.WorkerConfig) { c.ShutdownGrace = -time.Second },
		"broker_backoff":  func(c *application.WorkerConfig) { c.BrokerBackoff = 0 },
		"retry.base":      func(c *application.WorkerConfig) { c.Retry.Base = 0 },
	}
	for field, mutate := range cases {
		t.Run(field, func(t *testing.T) {
			t.Parallel()
			c := application.DefaultWorkerConfig()
			mutate(&c)
			requireField(t, c.Validate(), field)
		})
	}
}

func TestWorkerConfigValidateQueuesAndWeights(t *testing.T) {
	t.Parallel()
	c := application.DefaultWorkerConfig()
	c.Queues = []string{"high", "low"}
	c.Strategy = application.StrategyWeighted
	c.Weights = map[string]int{"high": 3}
	require.NoError(t, c.Validate())

	bad := map[string]func(c *application.WorkerConfig){
		"queues":  func(c *application.WorkerConfig) { c.Queues = []string{"high", "high"} },
		"weights": func(c *application.WorkerConfig) { c.Weights = map[string]int{"other": 2} },
	}
	for field, mutate := range bad {
		cc := c
		mutate(&cc)
		requireField(t, cc.Validate(), field)
	}
	c.Queues = []string{"no:colons"}
	c.Weights = nil
	requireField(t, c.Validate(), "queues")
	c.Queues = []string{"high"}
	c.Weights = map[string]int{"high": 0}
	requireField(t, c.Validate(), "weights")
}

func TestEnqueueConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, application.EnqueueConfig{}.Validate(), "zero fields take defaults")
	def := application.DefaultEnqueueConfig()
	require.Equal(t, domain.DefaultLimits, def.Limits)
	require.Equal(t, domain.DefaultQueue, def.DefaultQueue)
	require.Equal(t, domain.DefaultRetryPolicy, def.Retry)
	require.Equal(t, application.DefaultMaxDelay, def.MaxDelay)

	cases := map[string]func(c *application.EnqueueConfig){
		"limits.max_payload_bytes": func(c *application.EnqueueConfig) { c.Limits.MaxPayloadBytes = 1 },
		"limits.max_headers":       func(c *application.EnqueueConfig) { c.Limits.MaxHeaders = -1 },
		"limits.max_header_bytes":  func(c *application.EnqueueConfig) { c.Limits.MaxHeaderBytes = 0 },
		"default_queue":            func(c *application.EnqueueConfig) { c.DefaultQueue = "a b" },
		"max_delay":                func(c *application.EnqueueConfig) { c.MaxDelay = -time.Second },
		"retry.max_attempts":       func(c *application.EnqueueConfig) { c.Retry.MaxAttempts = 0 },
	}
	for field, mutate := range cases {
		c := application.DefaultEnqueueConfig()
		mutate(&c)
		requireField(t, c.Validate(), field)
	}
}

func TestRetentionConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, application.DefaultRetentionConfig().Validate())
	cases := map[string]func(c *application.RetentionConfig){
		"max_age":  func(c *application.RetentionConfig) { c.MaxAge = -1 },
		"max_size": func(c *application.RetentionConfig) { c.MaxSize = -1 },
		"every":    func(c *application.RetentionConfig) { c.Every = 0 },
	}
	for field, mutate := range cases {
		c := application.DefaultRetentionConfig()
		mutate(&c)
		requireField(t, c.Validate(), field)
	}
}
