package test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// popboxBinary builds cmd/popbox once per test run.
func popboxBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "popbox-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "popbox")
		out, err := exec.Command("go", "build", "-race", "-o", binPath, "../cmd/popbox").CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	require.NoError(t, buildErr)
	return binPath
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// proc is a popbox process under test.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan error
	Addr string // HTTP address (api role) or metrics address (worker role)
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startPopbox runs the binary with args and env and waits until addr answers
// /livez. The process is stopped (SIGKILL if still alive) at cleanup.
func startPopbox(t *testing.T, addr string, args []string, env ...string) *proc {
	t.Helper()
	cmd := exec.Command(popboxBinary(t), append([]string{"--env-file", filepath.Join(t.TempDir(), "none.env")}, args...)...)
	cmd.Env = append(os.Environ(), env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	require.NoError(t, cmd.Start())
	p := &proc{t: t, cmd: cmd, logs: logs, done: make(chan error, 1), Addr: addr}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		if err := <-p.done; err != nil {
			t.Logf("popbox %v exited: %v", args, err)
		}
		if t.Failed() {
			t.Logf("popbox %v logs:\n%s", args, logs.String())
		}
	})
	require.Eventually(t, func() bool {
		r, err := http.Get("http://" + addr + "/livez")
		if err != nil {
			return false
		}
		_ = r.Body.Close()
		return r.StatusCode == http.StatusOK
	}, 20*time.Second, 50*time.Millisecond, "popbox did not become live; logs:\n%s", logs.String())
	return p
}

// stop sends SIGTERM and waits for a clean exit.
func (p *proc) stop() error {
	p.t.Helper()
	require.NoError(p.t, p.cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(30 * time.Second):
		p.t.Fatal("popbox did not exit within 30s of SIGTERM")
		return nil
	}
}

// logLines returns the JSON log lines whose "msg" contains substr.
func (p *proc) logLines(substr string) []map[string]any {
	var out []map[string]any
	sc := bufio.NewScanner(strings.NewReader(p.logs.String()))
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) == nil && strings.Contains(fmt.Sprint(m["msg"]), substr) {
			out = append(out, m)
		}
	}
	return out
}

// call makes an HTTP request and decodes a JSON answer into a map.
func call(t *testing.T, method, url, body string) (int, map[string]any, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	require.NoError(t, err)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var m map[string]any
	if len(bytes.TrimSpace(raw)) > 0 {
		require.NoError(t, json.Unmarshal(raw, &m), "body: %s", raw)
	}
	return resp.StatusCode, m, resp.Header
}

// waitState polls GET /task/{id} until the task reaches state.
func waitState(t *testing.T, base, id, state string) map[string]any {
	t.Helper()
	var last map[string]any
	require.Eventually(t, func() bool {
		_, last, _ = call(t, http.MethodGet, base+"/task/"+id, "")
		return last["state"] == state
	}, 20*time.Second, 20*time.Millisecond, "task %s never reached %s", id, state)
	return last
}
