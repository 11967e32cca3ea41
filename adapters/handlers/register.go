package handlers

import (
	"fmt"
	"slices"

	"go.uber.org/zap"

	"github.com/popbox/popbox/ports"
)

// Registrar is a handler registry, such as the worker's: Register binds a
// task type to its handler and fails for a duplicate or invalid name.
type Registrar interface {
	Register(taskType string, h ports.Handler) error
}

// Builtin returns PopBox's built-in handlers by task type: send_email
// logging through log, and generate_report configured by reports.
func Builtin(log *zap.Logger, reports ReportConfig) map[string]ports.Handler {
	return map[string]ports.Handler{
		TypeSendEmail:      NewSendEmail(log),
		TypeGenerateReport: NewGenerateReport(reports),
	}
}

// Register adds every handler to reg in task-type order and stops at the
// first refusal, returning it wrapped with the task type.
func Register(reg Registrar, handlers map[string]ports.Handler) error {
	types := make([]string, 0, len(handlers))
	for t := range handlers {
		types = append(types, t)
	}
	slices.Sort(types)
	for _, t := range types {
		if err := reg.Register(t, handlers[t]); err != nil {
			return fmt.Errorf("register handler %q: %w", t, err)
		}
	}
	return nil
}
