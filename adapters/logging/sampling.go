package logging

import (
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// sampledCore is a sampling core that remembers the core it samples, so
// Unsampled can bypass the sampling for one logger without losing its
// fields.
type sampledCore struct {
	zapcore.Core              // the sampler
	unsampled    zapcore.Core // what the sampler writes to
}

func newSampledCore(base zapcore.Core) *sampledCore {
	return &sampledCore{
		Core:      zapcore.NewSamplerWithOptions(base, samplingTick, samplingFirst, samplingThereafter),
		unsampled: base,
	}
}

// With keeps both paths in step so Unsampled loggers carry the same fields.
func (c *sampledCore) With(fields []zapcore.Field) zapcore.Core {
	return &sampledCore{Core: c.Core.With(fields), unsampled: c.unsampled.With(fields)}
}

// Unsampled returns a logger like log that writes every line, for events
// operators must always see. It works for loggers built by NewLogger and
// their children (With, Named); any other logger is returned as it is.
func Unsampled(log *zap.Logger) *zap.Logger {
	sc, ok := log.Core().(*sampledCore)
	if !ok {
		return log
	}
	return log.WithOptions(zap.WrapCore(func(zapcore.Core) zapcore.Core { return sc.unsampled }))
}
