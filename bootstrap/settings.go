package bootstrap

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/popbox/popbox/domain"
)

// Setting is one configuration knob: its flag, its environment variable,
// its default and how it lands in Config.
type Setting struct {
	Flag    string
	Env     string
	Default string
	Help    string
	apply   func(c *Config, v string) error
}

// Settings lists every setting PopBox reads, in the order the README shows.
func Settings() []Setting {
	return []Setting{
		{"role", "POPBOX_ROLE", RoleBoth, "what this process runs: api, worker or both", str(func(c *Config) *string { return &c.Role })},
		{"broker", "POPBOX_BROKER", BrokerMemory, "memory (single process, not durable; role both only) or redis", str(func(c *Config) *string { return &c.Broker })},
		{"http-addr", "POPBOX_HTTP_ADDR", ":8080", "listen address of the HTTP API (and its /metrics)", str(func(c *Config) *string { return &c.HTTPAddr })},
		{"metrics-addr", "POPBOX_METRICS_ADDR", ":9091", "listen address of /metrics, /livez and /readyz on a worker-only process; empty disables", str(func(c *Config) *string { return &c.MetricsAddr })},
		{"pprof-addr", "POPBOX_PPROF_ADDR", "", "listen address of Go's /debug/pprof profiler (e.g. 127.0.0.1:6060); empty disables; keep it off public interfaces", str(func(c *Config) *string { return &c.PprofAddr })},
		{"redis-url", "POPBOX_REDIS_URL", "", "redis://[user:password@]host:port/db of a single Redis server", str(func(c *Config) *string { return &c.RedisURL })},
		{"redis-sentinel-master", "POPBOX_REDIS_SENTINEL_MASTER", "", "Sentinel master name (with POPBOX_REDIS_SENTINEL_ADDRS)", str(func(c *Config) *string { return &c.RedisSentinelMaster })},
		{"redis-sentinel-addrs", "POPBOX_REDIS_SENTINEL_ADDRS", "", "comma-separated Sentinel host:port list", list(func(c *Config) *[]string { return &c.RedisSentinelAddrs })},
		{"redis-cluster-addrs", "POPBOX_REDIS_CLUSTER_ADDRS", "", "comma-separated Redis Cluster seed host:port list", list(func(c *Config) *[]string { return &c.RedisClusterAddrs })},
		{"redis-prefix", "POPBOX_REDIS_PREFIX", "popbox", "prefix of every Redis key PopBox writes", str(func(c *Config) *string { return &c.RedisPrefix })},
		{"queues", "POPBOX_QUEUES", domain.DefaultQueue, "comma-separated queues a worker serves, highest priority first", list(func(c *Config) *[]string { return &c.Queues })},
		{"queue-strategy", "POPBOX_QUEUE_STRATEGY", "strict", "strict (earlier queues first) or weighted (see POPBOX_QUEUE_WEIGHTS)", str(func(c *Config) *string { return &c.QueueStrategy })},
		{"queue-weights", "POPBOX_QUEUE_WEIGHTS", "", "queue=weight pairs for the weighted strategy, e.g. critical=6,default=3,low=1", weights},
		{"concurrency", "POPBOX_CONCURRENCY", "10", "tasks a worker runs at once", integer(func(c *Config) *int { return &c.Concurrency })},
		{"batch-size", "POPBOX_BATCH_SIZE", "10", "most tasks a worker leases in one broker round trip", integer(func(c *Config) *int { return &c.BatchSize })},
		{"lease", "POPBOX_LEASE", "15s", "lease length; a dead worker's tasks run again after it", duration(func(c *Config) *time.Duration { return &c.LeaseFor })},
		{"task-timeout", "POPBOX_TASK_TIMEOUT", "30s", "default time limit of one attempt (a task may set its own)", duration(func(c *Config) *time.Duration { return &c.TaskTimeout })},
		{"shutdown-grace", "POPBOX_SHUTDOWN_GRACE", "10s", "time in-flight tasks get to finish at shutdown before they are given back", duration(func(c *Config) *time.Duration { return &c.ShutdownGrace })},
		{"retry-backoff", "POPBOX_RETRY_BACKOFF", string(domain.DefaultRetryPolicy.Backoff), "constant, exponential or jitter", func(c *Config, v string) error { c.Retry.Backoff = domain.Backoff(v); return nil }},
		{"retry-base", "POPBOX_RETRY_BASE", domain.DefaultRetryPolicy.Base.String(), "first retry delay", duration(func(c *Config) *time.Duration { return &c.Retry.Base })},
		{"retry-max-delay", "POPBOX_RETRY_MAX_DELAY", domain.DefaultRetryPolicy.MaxDelay.String(), "longest retry delay", duration(func(c *Config) *time.Duration { return &c.Retry.MaxDelay })},
		{"retry-max-attempts", "POPBOX_RETRY_MAX_ATTEMPTS", strconv.Itoa(domain.DefaultRetryPolicy.MaxAttempts), "attempts before a task is dead-lettered (a task may set its own)", integer(func(c *Config) *int { return &c.Retry.MaxAttempts })},
		{"max-payload-bytes", "POPBOX_MAX_PAYLOAD_BYTES", strconv.Itoa(domain.DefaultLimits.MaxPayloadBytes), "largest accepted task payload", integer(func(c *Config) *int { return &c.MaxPayload })},
		{"completed-ttl", "POPBOX_COMPLETED_TTL", "1h", "how long succeeded tasks stay visible to GET /task/{id} and count as duplicates (Redis memory grows with throughput × this)", duration(func(c *Config) *time.Duration { return &c.CompletedTTL })},
		{"dead-letter-max-age", "POPBOX_DEAD_LETTER_MAX_AGE", "168h", "dead letters older than this are expired (0 keeps them)", duration(func(c *Config) *time.Duration { return &c.DeadMaxAge })},
		{"dead-letter-max-size", "POPBOX_DEAD_LETTER_MAX_SIZE", "100000", "most dead letters kept per queue, newest first (0: no limit)", integer(func(c *Config) *int { return &c.DeadMaxSize })},
		{"report-dir", "POPBOX_REPORT_DIR", "", "where generate_report writes its files; empty: popbox-reports under the OS temp dir ($TMPDIR or /tmp)", str(func(c *Config) *string { return &c.ReportDir })},
		{"test-handlers", "POPBOX_TEST_HANDLERS", "false", "also register test.sleep and test.panic, for PopBox's own fault tests; keep off in production", boolean(func(c *Config) *bool { return &c.TestHandlers })},
		{"log-level", "POPBOX_LOG_LEVEL", "info", "debug, info, warn or error", str(func(c *Config) *string { return &c.LogLevel })},
		{"log-format", "POPBOX_LOG_FORMAT", "json", "json (production) or console (development)", str(func(c *Config) *string { return &c.LogFormat })},
		{"traces-exporter", "OTEL_TRACES_EXPORTER", "none", "none, console or otlp (standard OpenTelemetry variable)", str(func(c *Config) *string { return &c.TracesExporter })},
		{"otlp-endpoint", "OTEL_EXPORTER_OTLP_ENDPOINT", "", "OTLP/HTTP endpoint, e.g. http://localhost:4318", str(func(c *Config) *string { return &c.OTLPEndpoint })},
		{"service-name", "OTEL_SERVICE_NAME", "popbox", "service name on every span", str(func(c *Config) *string { return &c.ServiceName })},
		{"traces-sampler", "OTEL_TRACES_SAMPLER", "parentbased_always_on", "standard OpenTelemetry sampler name", str(func(c *Config) *string { return &c.TracesSampler })},
		{"traces-sampler-arg", "OTEL_TRACES_SAMPLER_ARG", "", "sampler argument, e.g. 0.1 for traceidratio", str(func(c *Config) *string { return &c.SamplerArg })},
	}
}

func str(field func(*Config) *string) func(*Config, string) error {
	return func(c *Config, v string) error { *field(c) = strings.TrimSpace(v); return nil }
}

func list(field func(*Config) *[]string) func(*Config, string) error {
	return func(c *Config, v string) error {
		var out []string
		for _, p := range strings.Split(v, ",") {
			if p = strings.TrimSpace(p); p != "" {
				out = append(out, p)
			}
		}
		*field(c) = out
		return nil
	}
}

func integer(field func(*Config) *int) func(*Config, string) error {
	return func(c *Config, v string) error {
		n, err := strconv.Atoi(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("want a whole number, got %q", v)
		}
		*field(c) = n
		return nil
	}
}

func boolean(field func(*Config) *bool) func(*Config, string) error {
	return func(c *Config, v string) error {
		b, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("want true or false, got %q", v)
		}
		*field(c) = b
		return nil
	}
}

func duration(field func(*Config) *time.Duration) func(*Config, string) error {
	return func(c *Config, v string) error {
		d, err := time.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return fmt.Errorf("want a duration like 1.5s or 2m, got %q", v)
		}
		*field(c) = d
		return nil
	}
}

func weights(c *Config, v string) error {
	c.QueueWeights = nil
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		name, w, ok := strings.Cut(p, "=")
		n, err := strconv.Atoi(strings.TrimSpace(w))
		if !ok || err != nil {
			return fmt.Errorf("want queue=weight pairs, got %q", p)
		}
		if c.QueueWeights == nil {
			c.QueueWeights = map[string]int{}
		}
		c.QueueWeights[strings.TrimSpace(name)] = n
	}
	return nil
}
