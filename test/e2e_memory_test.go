package test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeFlowOnMemory runs the binary the way README.md does (both roles,
// memory broker) and replays its curl example over real HTTP.
func TestReadmeFlowOnMemory(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	reports := t.TempDir()
	p := startPopbox(t, addr, []string{"--http-addr", addr, "--report-dir", reports, "--retry-base", "10ms", "--retry-max-delay", "50ms"})
	base := "http://" + addr

	code, body, hdr := call(t, http.MethodPost, base+"/task",
		`{"type":"send_email","payload":{"to":"ada@example.com","subject":"Hi","body":"Hello"}}`)
	require.Equal(t, http.StatusAccepted, code, body)
	id := body["id"].(string)
	require.Equal(t, "/task/"+id, hdr.Get("Location"))
	done := waitState(t, base, id, "succeeded")
	require.EqualValues(t, 1, done["attempts"])

	code, body, _ = call(t, http.MethodPost, base+"/task", `{"type":"send_email","payload":{"subject":"Hi","body":"Hello"}}`)
	require.Equal(t, http.StatusAccepted, code, body)
	badID := body["id"].(string)
	waitState(t, base, badID, "dead")
	code, dead, _ := call(t, http.MethodGet, base+"/dead-letters/"+badID, "")
	require.Equal(t, http.StatusOK, code)
	require.Contains(t, dead["reason"], "to")
	require.NotEmpty(t, dead["failed_at"])

	code, body, _ = call(t, http.MethodPost, base+"/task", `{"type":"generate_report","payload":{"title":"Weekly"}}`)
	require.Equal(t, http.StatusAccepted, code, body)
	repID := body["id"].(string)
	waitState(t, base, repID, "succeeded")
	report, err := os.ReadFile(filepath.Join(reports, repID+".txt"))
	require.NoError(t, err)
	require.Contains(t, string(report), "Weekly")

	code, body, _ = call(t, http.MethodPost, base+"/task", `{"type":"launch_rocket","payload":{}}`)
	require.Equal(t, http.StatusUnprocessableEntity, code)
	require.Equal(t, "type", body["error"].(map[string]any)["field"])

	require.NotEmpty(t, p.logLines("dead"), "dead-lettering must be logged")
	require.NoError(t, p.stop(), "SIGTERM must end popbox cleanly")
}
