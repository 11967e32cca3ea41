package handlers

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"
)

// Bounds of a report.
const (
	maxTitleRunes = 200
	maxColumns    = 64
	ctxCheckEvery = 1024 // rows rendered between checks of ctx
)

// reportPayload is the payload of a generate_report task:
//
//	{"title": "Sales", "columns": ["region", "total"], "rows": [["north", 12], ["south", 7.5]]}
//
// title is required (one line, at most 200 characters). columns is
// optional; when given, every row has one cell per column. Cells are
// strings, numbers, booleans or null.
type reportPayload struct {
	Title   string              `json:"title"`
	Columns []string            `json:"columns"`
	Rows    [][]json.RawMessage `json:"rows"`
}

func (p reportPayload) validate() error {
	switch {
	case strings.TrimSpace(p.Title) == "":
		return permanent("title", "is required")
	case utf8.RuneCountInString(p.Title) > maxTitleRunes:
		return permanent("title", "must be at most %d characters", maxTitleRunes)
	case strings.ContainsAny(p.Title, "\r\n"):
		return permanent("title", "must be a single line")
	case len(p.Columns) > maxColumns:
		return permanent("columns", "at most %d columns are allowed", maxColumns)
	}
	for i, row := range p.Rows {
		if len(p.Columns) > 0 && len(row) != len(p.Columns) {
			return permanent(fmt.Sprintf("rows[%d]", i), "has %d cells, want %d (one per column)", len(row), len(p.Columns))
		}
		for j, cell := range row {
			if c := firstByte(cell); c == '{' || c == '[' {
				return permanent(fmt.Sprintf("rows[%d][%d]", i, j), "must be a string, number, boolean or null")
			}
		}
	}
	return nil
}

func firstByte(b []byte) byte {
	b = bytes.TrimSpace(b)
	if len(b) == 0 {
		return 0
	}
	return b[0]
}

// render lays the report out as aligned plain text.
func (p reportPayload) render(ctx context.Context, taskID string, now time.Time) ([]byte, error) {
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "%s\n%s\n", p.Title, strings.Repeat("=", utf8.RuneCountInString(p.Title)))
	fmt.Fprintf(&buf, "Task: %s\nGenerated: %s\n\n", taskID, now.UTC().Format(time.RFC3339))
	tw := tabwriter.NewWriter(&buf, 0, 4, 2, ' ', 0)
	// A tabwriter over a bytes.Buffer reports failures only at Flush.
	line := func(cells []string) { _, _ = tw.Write([]byte(strings.Join(cleanCells(cells), "\t") + "\n")) }
	if len(p.Columns) > 0 {
		line(p.Columns)
		dashes := make([]string, len(p.Columns))
		for i, c := range p.Columns {
			dashes[i] = strings.Repeat("-", max(utf8.RuneCountInString(c), 1))
		}
		line(dashes)
	}
	for i, row := range p.Rows {
		if i%ctxCheckEvery == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		cells := make([]string, len(row))
		for j, raw := range row {
			cells[j] = cellText(raw)
		}
		line(cells)
	}
	if err := tw.Flush(); err != nil {
		return nil, fmt.Errorf("render report: %w", err)
	}
	fmt.Fprintf(&buf, "\n%d rows\n", len(p.Rows))
	return buf.Bytes(), nil
}

// cellText shows a string without its quotes and any other scalar as JSON.
func cellText(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	var s string
	if firstByte(raw) == '"' && json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

var oneLine = strings.NewReplacer("\t", " ", "\r", " ", "\n", " ")

// cleanCells keeps each cell on one line and out of the tab layout.
func cleanCells(cells []string) []string {
	out := make([]string, len(cells))
	for i, c := range cells {
		out[i] = oneLine.Replace(c)
	}
	return out
}
