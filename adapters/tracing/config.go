package tracing

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/popbox/popbox/domain"
)

// Exporter names, the values of OTEL_TRACES_EXPORTER that PopBox supports.
const (
	ExporterNone    = "none"    // no-op provider: nothing is recorded
	ExporterOTLP    = "otlp"    // OTLP over HTTP/protobuf
	ExporterConsole = "console" // one JSON span per line on ConsoleWriter
)

// Sampler names, the values of OTEL_TRACES_SAMPLER.
const (
	SamplerAlwaysOn                = "always_on"
	SamplerAlwaysOff               = "always_off"
	SamplerTraceIDRatio            = "traceidratio"
	SamplerParentBasedAlwaysOn     = "parentbased_always_on"
	SamplerParentBasedAlwaysOff    = "parentbased_always_off"
	SamplerParentBasedTraceIDRatio = "parentbased_traceidratio"
)

// DefaultServiceName names the service when Config.ServiceName is empty.
const DefaultServiceName = "popbox"

// Config configures NewProvider. The zero value is valid and disables
// tracing. Each field names the environment variable it mirrors.
type Config struct {
	Exporter       string // OTEL_TRACES_EXPORTER: none (default), otlp or console
	Endpoint       string // OTEL_EXPORTER_OTLP_ENDPOINT: base URL; /v1/traces is appended
	TracesEndpoint string // OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: full URL, wins over Endpoint
	Protocol       string // OTEL_EXPORTER_OTLP_PROTOCOL: only http/protobuf (default)
	ServiceName    string // OTEL_SERVICE_NAME; default DefaultServiceName
	Sampler        string // OTEL_TRACES_SAMPLER; default parentbased_always_on
	SamplerArg     string // OTEL_TRACES_SAMPLER_ARG: the ratio for *traceidratio; default 1
	// ServiceInstance identifies this process (service.instance.id), for
	// example the role and host name; optional.
	ServiceInstance string
	// ConsoleWriter receives the console exporter's output; default
	// os.Stdout.
	ConsoleWriter io.Writer
}

// ConfigFromEnv maps the standard OTEL_* variables through lookup (pass
// os.Getenv) to a Config.
func ConfigFromEnv(lookup func(string) string) Config {
	return Config{
		Exporter:       lookup("OTEL_TRACES_EXPORTER"),
		Endpoint:       lookup("OTEL_EXPORTER_OTLP_ENDPOINT"),
		TracesEndpoint: lookup("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
		Protocol:       firstOf(lookup("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"), lookup("OTEL_EXPORTER_OTLP_PROTOCOL")),
		ServiceName:    lookup("OTEL_SERVICE_NAME"),
		Sampler:        lookup("OTEL_TRACES_SAMPLER"),
		SamplerArg:     lookup("OTEL_TRACES_SAMPLER_ARG"),
	}
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

// WithDefaults returns c with every empty field set to its default.
func (c Config) WithDefaults() Config {
	c.Exporter = strings.ToLower(strings.TrimSpace(firstOf(c.Exporter, ExporterNone)))
	c.Protocol = firstOf(c.Protocol, "http/protobuf")
	c.ServiceName = firstOf(c.ServiceName, DefaultServiceName)
	c.Sampler = strings.ToLower(firstOf(c.Sampler, SamplerParentBasedAlwaysOn))
	c.SamplerArg = firstOf(c.SamplerArg, "1")
	return c
}

// Validate reports the first unusable field, naming it as its environment
// variable.
func (c Config) Validate() error {
	c = c.WithDefaults()
	switch c.Exporter {
	case ExporterNone, ExporterOTLP, ExporterConsole:
	default:
		return invalid("OTEL_TRACES_EXPORTER", "must be otlp, console or none, not %q", c.Exporter)
	}
	if c.Exporter == ExporterOTLP && c.Protocol != "http/protobuf" {
		return invalid("OTEL_EXPORTER_OTLP_PROTOCOL", "only http/protobuf is supported, not %q", c.Protocol)
	}
	switch c.Sampler {
	case SamplerAlwaysOn, SamplerAlwaysOff, SamplerParentBasedAlwaysOn, SamplerParentBasedAlwaysOff:
	case SamplerTraceIDRatio, SamplerParentBasedTraceIDRatio:
		if _, err := c.ratio(); err != nil {
			return err
		}
	default:
		return invalid("OTEL_TRACES_SAMPLER", "unknown sampler %q", c.Sampler)
	}
	return nil
}

// ratio parses SamplerArg as a fraction in [0, 1].
func (c Config) ratio() (float64, error) {
	r, err := strconv.ParseFloat(c.SamplerArg, 64)
	if err != nil || r < 0 || r > 1 {
		return 0, invalid("OTEL_TRACES_SAMPLER_ARG", "must be a number from 0 to 1, not %q", c.SamplerArg)
	}
	return r, nil
}

func invalid(field, format string, args ...any) error {
	return &domain.ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)}
}
