package logging

import (
	"fmt"
	"os"
	"time"

	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// Sampling of JSON logs: per message and level, the first samplingFirst lines
// of each second are written, then one in samplingThereafter.
const (
	samplingTick       = time.Second
	samplingFirst      = 100
	samplingThereafter = 100
)

// NewLogger builds the process logger described by cfg. JSON loggers are
// sampled (see Unsampled for the lines that must never be dropped); console
// loggers are not. Extra zap options are applied last (tests use
// zap.WithClock). It returns a *domain.ValidationError for a bad cfg.
func NewLogger(cfg Config, opts ...zap.Option) (*zap.Logger, error) {
	cfg = cfg.withDefaults()
	lvl, err := cfg.level()
	if err != nil {
		return nil, fmt.Errorf("logging config: %w", err)
	}
	out := zapcore.Lock(zapcore.AddSync(os.Stderr))
	if cfg.Output != nil {
		out = zapcore.Lock(zapcore.AddSync(cfg.Output))
	}
	var core zapcore.Core
	if cfg.Format == FormatConsole {
		core = zapcore.NewCore(zapcore.NewConsoleEncoder(consoleEncoderConfig()), out, lvl)
	} else {
		base := zapcore.NewCore(zapcore.NewJSONEncoder(jsonEncoderConfig()), out, lvl)
		core = newSampledCore(base)
	}
	// Stack traces only for panics: an error line here is an event (a task
	// dead-lettered), and the worker's stack says nothing about it.
	all := append([]zap.Option{zap.AddCaller(), zap.AddStacktrace(zapcore.DPanicLevel), zap.ErrorOutput(out)}, opts...)
	return zap.New(core, all...), nil
}

func jsonEncoderConfig() zapcore.EncoderConfig {
	ec := zap.NewProductionEncoderConfig()
	ec.TimeKey = "ts"
	ec.EncodeTime = zapcore.RFC3339NanoTimeEncoder
	return ec
}

func consoleEncoderConfig() zapcore.EncoderConfig {
	ec := zap.NewDevelopmentEncoderConfig()
	ec.EncodeDuration = zapcore.StringDurationEncoder
	return ec
}
