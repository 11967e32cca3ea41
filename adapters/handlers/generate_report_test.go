package handlers_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/handlers"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

var reportTime = time.Date(2030, 5, 6, 7, 8, 9, 0, time.UTC)

// setupReport returns the handler writing into a fresh directory.
func setupReport(t *testing.T) (ports.Handler, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "reports") // created by the handler
	h := handlers.NewGenerateReport(handlers.ReportConfig{
		Dir:   dir,
		Clock: ports.ClockFunc(func() time.Time { return reportTime }),
	})
	return h, dir
}

func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil
	}
	require.NoError(t, err)
	names := make([]string, len(entries))
	for i, e := range entries {
		names[i] = e.Name()
	}
	return names
}

func TestGenerateReportWritesFile(t *testing.T) {
	t.Parallel()
	h, dir := setupReport(t)
	payload := `{"title":"Sales","columns":["region","total"],"rows":[["north",12],["south",7.5],["east\tx",null]]}`
	require.NoError(t, h.ProcessTask(context.Background(), task("r-1", "generate_report", payload)))

	got, err := os.ReadFile(filepath.Join(dir, "r-1.txt"))
	require.NoError(t, err)
	want := "Sales\n=====\nTask: r-1\nGenerated: 2030-05-06T07:08:09Z\n\n" +
		"region  total\n" +
		"------  -----\n" +
		"north   12\n" +
		"south   7.5\n" +
		"east x  null\n" +
		"\n3 rows\n"
	require.Equal(t, want, string(got))
	require.Equal(t, []string{"r-1.txt"}, dirEntries(t, dir), "no temporary file is left behind")
}

func TestGenerateReportReplacesEarlierAttempt(t *testing.T) {
	t.Parallel()
	h, dir := setupReport(t)
	ctx := context.Background()
	require.NoError(t, h.ProcessTask(ctx, task("r-2", "generate_report", `{"title":"First"}`)))
	require.NoError(t, h.ProcessTask(ctx, task("r-2", "generate_report", `{"title":"Second"}`)))

	got, err := os.ReadFile(filepath.Join(dir, "r-2.txt"))
	require.NoError(t, err)
	require.Contains(t, string(got), "Second\n======\n")
	require.Contains(t, string(got), "0 rows")
	require.Equal(t, []string{"r-2.txt"}, dirEntries(t, dir))
}

func TestGenerateReportRejectsBadPayloads(t *testing.T) {
	t.Parallel()
	long := `"` + strings.Repeat("é", 201) + `"`
	tests := []struct {
		name, payload, field string
	}{
		{"missing title", `{"rows":[["a"]]}`, "title"},
		{"blank title", `{"title":" "}`, "title"},
		{"long title", `{"title":` + long + `}`, "title"},
		{"multi-line title", `{"title":"a\nb"}`, "title"},
		{"title not a string", `{"title":1}`, "title"},
		{"columns not strings", `{"title":"t","columns":[1]}`, "columns"},
		{"row too short", `{"title":"t","columns":["a","b"],"rows":[["x","y"],["z"]]}`, "rows[1]"},
		{"nested cell", `{"title":"t","rows":[["x",{"y":1}]]}`, "rows[0][1]"},
		{"rows not arrays", `{"title":"t","rows":["x"]}`, "rows"},
		{"payload not an object", `[1]`, "payload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, dir := setupReport(t)
			err := h.ProcessTask(context.Background(), task("r-3", "generate_report", tt.payload))
			requirePermanent(t, err, tt.field)
			require.Empty(t, dirEntries(t, dir))
		})
	}
}

func TestGenerateReportRejectsUnsafeID(t *testing.T) {
	t.Parallel()
	h, dir := setupReport(t)
	err := h.ProcessTask(context.Background(), task("../escape", "generate_report", `{"title":"t"}`))
	requirePermanent(t, err, "id")
	require.Empty(t, dirEntries(t, dir))
}

func TestGenerateReportUnwritableDirIsRetryable(t *testing.T) {
	t.Parallel()
	// A directory below a regular file cannot be created, even by root.
	file := filepath.Join(t.TempDir(), "plain-file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	h := handlers.NewGenerateReport(handlers.ReportConfig{Dir: filepath.Join(file, "reports")})

	err := h.ProcessTask(context.Background(), task("r-4", "generate_report", `{"title":"t"}`))
	require.Error(t, err)
	require.False(t, domain.IsPermanent(err), "the directory may be fixed: retry")
	var pathErr *fs.PathError
	require.ErrorAs(t, err, &pathErr, "the cause is kept for the logs")
}

func TestGenerateReportHonoursContext(t *testing.T) {
	t.Parallel()
	h, dir := setupReport(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := h.ProcessTask(ctx, task("r-5", "generate_report", `{"title":"t","rows":[["a"]]}`))
	require.ErrorIs(t, err, context.Canceled)
	require.False(t, domain.IsPermanent(err))
	require.NotContains(t, dirEntries(t, dir), "r-5.txt")
}

func TestGenerateReportDefaultsToTempDir(t *testing.T) {
	t.Parallel()
	require.Equal(t, filepath.Join(os.TempDir(), "popbox-reports"), handlers.DefaultReportDir())
	h := handlers.NewGenerateReport(handlers.ReportConfig{})
	id := "handlers-test-" + filepath.Base(t.TempDir())
	require.NoError(t, h.ProcessTask(context.Background(), task(id, "generate_report", `{"title":"t"}`)))
	path := filepath.Join(handlers.DefaultReportDir(), id+".txt")
	t.Cleanup(func() { _ = os.Remove(path) })
	require.FileExists(t, path)
}

func TestReportConfigValidate(t *testing.T) {
	t.Parallel()
	require.NoError(t, handlers.ReportConfig{}.Validate())
	require.NoError(t, handlers.ReportConfig{Dir: "relative/reports"}.Validate())
	for _, dir := range []string{"  ", "a\x00b"} {
		var ve *domain.ValidationError
		require.ErrorAs(t, handlers.ReportConfig{Dir: dir}.Validate(), &ve)
		require.Equal(t, "reports.dir", ve.Field)
	}
}
