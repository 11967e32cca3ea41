package test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil/promlint"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

var metricName = regexp.MustCompile(`\bpopbox_[a-z0-9_]*[a-z0-9]`)

// TestDeployMetricsAreExported checks that every popbox_* metric the alert
// rules and the Grafana dashboards query is one a running PopBox exports,
// and that what it exports passes the Prometheus linter.
func TestDeployMetricsAreExported(t *testing.T) {
	t.Parallel()
	wanted := deployMetricNames(t)
	require.Contains(t, wanted, "popbox_queue_tasks", "the extraction found the rules and dashboards")

	addr := freeAddr(t)
	startPopbox(t, addr, []string{"--http-addr", addr, "--report-dir", t.TempDir()})
	base := "http://" + addr
	code, body, _ := call(t, http.MethodPost, base+"/task", `{"type":"send_email","payload":{"to":"ada@example.com","subject":"Hi","body":"Hello"}}`)
	require.Equal(t, http.StatusAccepted, code, body)
	waitState(t, base, body["id"].(string), "succeeded")

	exposition := scrape(t, base+"/metrics")
	exported := exportedNames(exposition)
	for _, name := range wanted {
		require.Contains(t, exported, name, "deploy/ queries %s, which popbox does not export", name)
	}

	problems, err := promlint.New(strings.NewReader(exposition)).Lint()
	require.NoError(t, err)
	for _, p := range problems {
		require.False(t, strings.HasPrefix(p.Metric, "popbox_"), "lint: %s: %s", p.Metric, p.Text)
	}
}

// deployMetricNames returns the popbox_* names queried by the alert rules
// and the dashboards, sorted.
func deployMetricNames(t *testing.T) []string {
	t.Helper()
	exprs := append(ruleExprs(t), dashboardExprs(t)...)
	require.NotEmpty(t, exprs)
	seen := map[string]bool{}
	for _, expr := range exprs {
		for _, name := range metricName.FindAllString(expr, -1) {
			seen[name] = true
		}
	}
	names := make([]string, 0, len(seen))
	for name := range seen {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func ruleExprs(t *testing.T) []string {
	t.Helper()
	var exprs []string
	for _, f := range glob(t, "../deploy/prometheus/rules/*.yml") {
		var file struct {
			Groups []struct {
				Rules []struct{ Expr string }
			}
		}
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, yaml.Unmarshal(raw, &file), f)
		for _, g := range file.Groups {
			for _, r := range g.Rules {
				exprs = append(exprs, r.Expr)
			}
		}
	}
	return exprs
}

func dashboardExprs(t *testing.T) []string {
	t.Helper()
	var exprs []string
	for _, f := range glob(t, "../deploy/grafana/dashboards/*.json") {
		var dash struct {
			Panels []struct {
				Targets []struct{ Expr string }
			}
		}
		raw, err := os.ReadFile(f)
		require.NoError(t, err)
		require.NoError(t, json.Unmarshal(raw, &dash), f)
		for _, p := range dash.Panels {
			for _, tg := range p.Targets {
				exprs = append(exprs, tg.Expr)
			}
		}
	}
	return exprs
}

func glob(t *testing.T, pattern string) []string {
	t.Helper()
	files, err := filepath.Glob(pattern)
	require.NoError(t, err)
	require.NotEmpty(t, files, pattern)
	return files
}

func scrape(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	var b strings.Builder
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		b.WriteString(sc.Text())
		b.WriteByte('\n')
	}
	require.NoError(t, sc.Err())
	return b.String()
}

// exportedNames returns the sample names of an exposition: histograms
// appear as their _bucket, _sum and _count series, as queries use them.
func exportedNames(exposition string) map[string]bool {
	names := map[string]bool{}
	for _, line := range strings.Split(exposition, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if i := strings.IndexAny(line, "{ "); i > 0 {
			names[line[:i]] = true
		}
	}
	return names
}
