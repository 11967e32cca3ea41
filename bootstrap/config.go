package bootstrap

import (
	"fmt"
	"time"

	"github.com/popbox/popbox/domain"
)

// Roles a process can play.
const (
	RoleAPI    = "api"
	RoleWorker = "worker"
	RoleBoth   = "both"
)

// Brokers PopBox can run on.
const (
	BrokerMemory = "memory"
	BrokerRedis  = "redis"
)

// Config is every setting of a PopBox process. Settings lists each one
// with its flag, environment variable, default and meaning.
type Config struct {
	Role        string
	Broker      string
	HTTPAddr    string
	MetricsAddr string // worker-only processes serve /metrics here
	PprofAddr   string // Go's profiler, off when empty

	RedisURL            string
	RedisSentinelMaster string
	RedisSentinelAddrs  []string
	RedisClusterAddrs   []string
	RedisPrefix         string

	Queues         []string
	QueueStrategy  string
	QueueWeights   map[string]int
	Concurrency    int
	BatchSize      int
	LeaseFor       time.Duration
	TaskTimeout    time.Duration
	ShutdownGrace  time.Duration
	Retry          domain.RetryPolicy
	MaxPayload     int
	CompletedTTL   time.Duration
	DeadMaxAge     time.Duration
	DeadMaxSize    int
	ReportDir      string
	TestHandlers   bool
	LogLevel       string
	LogFormat      string
	TracesExporter string
	OTLPEndpoint   string
	ServiceName    string
	TracesSampler  string
	SamplerArg     string
}

// Validate reports the first setting that is unusable, naming it as an
// operator would write it (the environment variable).
func (c Config) Validate() error {
	checks := []struct {
		bad  bool
		name string
		msg  string
	}{
		{!oneOf(c.Role, RoleAPI, RoleWorker, RoleBoth), "POPBOX_ROLE", "must be api, worker or both"},
		{!oneOf(c.Broker, BrokerMemory, BrokerRedis), "POPBOX_BROKER", "must be memory or redis"},
		{c.Broker == BrokerMemory && c.Role != RoleBoth, "POPBOX_BROKER",
			"memory is a single-process broker: it only works with POPBOX_ROLE=both; use redis to split roles"},
		{c.Broker == BrokerRedis && c.RedisURL == "" && len(c.RedisClusterAddrs) == 0 && len(c.RedisSentinelAddrs) == 0,
			"POPBOX_REDIS_URL", "is required with POPBOX_BROKER=redis (or set cluster/sentinel addresses)"},
		{c.Role != RoleWorker && c.HTTPAddr == "", "POPBOX_HTTP_ADDR", "must not be empty for the api role"},
		{len(c.Queues) == 0, "POPBOX_QUEUES", "must name at least one queue"},
		{!oneOf(c.QueueStrategy, "strict", "weighted"), "POPBOX_QUEUE_STRATEGY", "must be strict or weighted"},
		{c.Concurrency < 1 || c.Concurrency > 10000, "POPBOX_CONCURRENCY", "must be between 1 and 10000"},
		{c.BatchSize < 1 || c.BatchSize > 1000, "POPBOX_BATCH_SIZE", "must be between 1 and 1000"},
		{c.LeaseFor < time.Second, "POPBOX_LEASE", "must be at least 1s"},
		{c.TaskTimeout <= 0, "POPBOX_TASK_TIMEOUT", "must be positive"},
		{c.ShutdownGrace < 0, "POPBOX_SHUTDOWN_GRACE", "must not be negative"},
		{c.MaxPayload < 2, "POPBOX_MAX_PAYLOAD_BYTES", "must be at least 2"},
		{c.CompletedTTL < 0, "POPBOX_COMPLETED_TTL", "must not be negative"},
		{c.DeadMaxAge < 0, "POPBOX_DEAD_LETTER_MAX_AGE", "must not be negative"},
		{c.DeadMaxSize < 0, "POPBOX_DEAD_LETTER_MAX_SIZE", "must not be negative"},
		{!oneOf(c.LogFormat, "json", "console"), "POPBOX_LOG_FORMAT", "must be json or console"},
		{!oneOf(c.TracesExporter, "none", "console", "otlp"), "OTEL_TRACES_EXPORTER", "must be none, console or otlp"},
	}
	for _, ch := range checks {
		if ch.bad {
			return &SettingError{Setting: ch.name, Reason: ch.msg}
		}
	}
	for _, q := range c.Queues {
		if err := domain.ValidateQueueName(q); err != nil {
			return &SettingError{Setting: "POPBOX_QUEUES", Reason: fmt.Sprintf("%q: %v", q, err)}
		}
	}
	for q, w := range c.QueueWeights {
		if w < 1 || !oneOf(q, c.Queues...) {
			return &SettingError{Setting: "POPBOX_QUEUE_WEIGHTS", Reason: fmt.Sprintf("%s=%d: weights must be positive and name a queue in POPBOX_QUEUES", q, w)}
		}
	}
	if err := c.Retry.Validate(); err != nil {
		return &SettingError{Setting: "POPBOX_RETRY_*", Reason: err.Error()}
	}
	return nil
}

// SettingError names the setting that is wrong and why.
type SettingError struct {
	Setting string
	Reason  string
}

func (e *SettingError) Error() string { return fmt.Sprintf("config: %s %s", e.Setting, e.Reason) }

func oneOf(v string, allowed ...string) bool {
	for _, a := range allowed {
		if v == a {
			return true
		}
	}
	return false
}
