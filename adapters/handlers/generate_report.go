package handlers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// TypeGenerateReport is the task type of the generate_report handler.
const TypeGenerateReport = "generate_report"

// ReportConfig configures generate_report.
type ReportConfig struct {
	// Dir receives the reports, one <task id>.txt each. It is created when
	// missing. Default DefaultReportDir().
	Dir string
	// Clock dates the reports. Default ports.SystemClock.
	Clock ports.Clock
}

// DefaultReportDir is where reports go unless configured: popbox-reports
// under the OS temp directory (e.g. /tmp/popbox-reports).
func DefaultReportDir() string { return filepath.Join(os.TempDir(), "popbox-reports") }

func (c ReportConfig) withDefaults() ReportConfig {
	if c.Dir == "" {
		c.Dir = DefaultReportDir()
	}
	if c.Clock == nil {
		c.Clock = ports.SystemClock
	}
	return c
}

// Validate reports an unusable setting as a *domain.ValidationError naming
// "reports.dir". An empty Dir takes its default and is valid; whether the
// directory is writable is found out when a report is written, and is then a
// retryable failure.
func (c ReportConfig) Validate() error {
	if strings.ContainsRune(c.Dir, 0) || (c.Dir != "" && strings.TrimSpace(c.Dir) == "") {
		return &domain.ValidationError{Field: "reports.dir", Reason: fmt.Sprintf("%q is not a usable path", c.Dir)}
	}
	return nil
}

type generateReport struct {
	cfg ReportConfig
}

// NewGenerateReport returns the generate_report handler (see reportPayload
// for the payload). It renders the report as text and writes it atomically
// (a temporary file renamed into place) to <Dir>/<task id>.txt, replacing
// any earlier attempt's file. An invalid payload is a permanent failure
// naming the field; a directory that cannot be created or written is a
// retryable failure; a cancelled ctx stops it before the file appears.
// Empty cfg fields take their defaults.
func NewGenerateReport(cfg ReportConfig) ports.Handler {
	return &generateReport{cfg: cfg.withDefaults()}
}

// ProcessTask validates, renders and writes the report.
func (h *generateReport) ProcessTask(ctx context.Context, task domain.Task) error {
	// Task ids never hold path separators once validated, so the name
	// cannot escape Dir.
	if err := domain.ValidateID(task.ID); err != nil {
		return domain.Permanent(err)
	}
	var p reportPayload
	if err := decodePayload(task.Payload, &p, `with "title" and optional "columns" and "rows"`); err != nil {
		return err
	}
	if err := p.validate(); err != nil {
		return err
	}
	text, err := p.render(ctx, task.ID, h.cfg.Clock.Now())
	if err != nil {
		return err
	}
	if err := writeFileAtomic(ctx, h.cfg.Dir, task.ID+".txt", text); err != nil {
		return fmt.Errorf("generate_report %s: %w", task.ID, err)
	}
	return nil
}
