package logging

import (
	"fmt"
	"io"
	"strings"

	"go.uber.org/zap/zapcore"

	"github.com/popbox/popbox/domain"
)

// The log formats.
const (
	FormatJSON    = "json"    // one JSON object per line, sampled; for production
	FormatConsole = "console" // human-readable, unsampled; for development
)

// Config chooses how PopBox logs. The zero value is usable: it means info
// level, JSON, to standard error.
type Config struct {
	// Level is the lowest level written: debug, info, warn or error.
	// Default "info".
	Level string
	// Format is FormatJSON or FormatConsole. Default FormatJSON.
	Format string
	// Output receives the log lines. Default os.Stderr. It is set by code
	// (tests, embedding programs), never from the environment.
	Output io.Writer
}

// withDefaults returns c with every empty field set to its default.
func (c Config) withDefaults() Config {
	if c.Level == "" {
		c.Level = "info"
	}
	if c.Format == "" {
		c.Format = FormatJSON
	}
	return c
}

// Validate reports the first unusable setting as a *domain.ValidationError
// naming it ("log.level" or "log.format"). Empty fields take their defaults
// and are valid.
func (c Config) Validate() error {
	_, err := c.withDefaults().level()
	return err
}

// level parses the level and checks the format.
func (c Config) level() (zapcore.Level, error) {
	lvl, err := zapcore.ParseLevel(strings.ToLower(c.Level))
	if err != nil || lvl > zapcore.ErrorLevel {
		return 0, &domain.ValidationError{Field: "log.level", Reason: fmt.Sprintf("must be debug, info, warn or error, not %q", c.Level)}
	}
	switch c.Format {
	case FormatJSON, FormatConsole:
		return lvl, nil
	default:
		return 0, &domain.ValidationError{Field: "log.format", Reason: fmt.Sprintf("must be %q or %q, not %q", FormatJSON, FormatConsole, c.Format)}
	}
}
