package redisserver

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

const (
	// readyWithin bounds how long a starting server may take to answer
	// PING, AOF loading included.
	readyWithin = 15 * time.Second
	// stopWithin bounds a clean shutdown before SIGKILL.
	stopWithin = 10 * time.Second
	// startTries is how many free ports Start tries before giving up.
	startTries = 3
)

// process is a redis-server child process with a fixed port and data dir.
type process struct {
	t      testing.TB
	bin    string
	port   int
	dir    string
	args   []string
	cmd    *exec.Cmd
	exited chan struct{} // closed when cmd has been waited for
}

// startProcess runs redis-server from PATH on a free loopback port with a
// fresh data directory; extra args follow the port and directory.
func startProcess(t testing.TB, args []string) (*process, error) {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, err
	}
	dir := t.TempDir()
	var lastErr error
	for range startTries {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		p := &process{t: t, bin: bin, port: port, dir: dir, args: args}
		if lastErr = p.start(); lastErr == nil {
			t.Cleanup(func() { _ = p.kill() })
			t.Logf("redisserver: started %s (pid %d) on %s, data dir %s, args %q", bin, p.cmd.Process.Pid, p.addr(), dir, args)
			return p, nil
		}
	}
	return nil, lastErr
}

func (p *process) addr() string { return "127.0.0.1:" + strconv.Itoa(p.port) }

func (p *process) running() bool {
	if p.cmd == nil {
		return false
	}
	select {
	case <-p.exited:
		return false
	default:
		return true
	}
}

// start launches the server and waits until it answers PING.
func (p *process) start() error {
	args := append([]string{
		"--port", strconv.Itoa(p.port), "--bind", "127.0.0.1", "--dir", p.dir,
		"--daemonize", "no", "--protected-mode", "no",
		"--logfile", filepath.Join(p.dir, "redis.log"),
	}, p.args...)
	cmd := exec.Command(p.bin, args...)
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return err
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	p.cmd, p.exited = cmd, exited
	if err := waitReady(p.addr(), exited); err != nil {
		_ = p.kill()
		return fmt.Errorf("%w (log: %s)", err, p.logTail())
	}
	return nil
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *process) kill() error {
	if !p.running() {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGKILL)
	<-p.exited
	return nil
}

// stop sends SIGTERM, which makes Redis flush and exit, and waits.
func (p *process) stop() error {
	if !p.running() {
		return nil
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return nil
	case <-time.After(stopWithin):
		_ = p.kill()
		return errors.New("redis-server ignored SIGTERM; killed it")
	}
}

func (p *process) restart() error {
	if err := p.stop(); err != nil {
		return err
	}
	if err := p.start(); err != nil {
		return fmt.Errorf("restart on %s: %w", p.addr(), err)
	}
	p.t.Logf("redisserver: restarted redis-server (pid %d) on %s", p.cmd.Process.Pid, p.addr())
	return nil
}

// logTail returns the end of the server's log, for failure messages.
func (p *process) logTail() string {
	b, err := os.ReadFile(filepath.Join(p.dir, "redis.log"))
	if err != nil {
		return err.Error()
	}
	const keep = 800
	if len(b) > keep {
		b = b[len(b)-keep:]
	}
	return string(b)
}
