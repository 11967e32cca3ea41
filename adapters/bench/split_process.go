package bench

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"time"

	"github.com/popbox/popbox/ports"
)

// splitMessage is one line the child worker writes to its stdout.
type splitMessage struct {
	Event     string  `json:"event"` // "ready", "done" or "error"
	Processed int     `json:"processed,omitempty"`
	LastAckNs int64   `json:"last_ack_unix_ns,omitempty"`
	PeakRSSMB float64 `json:"peak_rss_mb,omitempty"`
	Error     string  `json:"error,omitempty"`
}

// ProcessSplitWorker runs the e2e_split worker as a child process, so
// producer and worker share no CPU cache, heap or scheduler. command builds
// the child's command line for p; the child must call ServeSplitWorker
// with the same p, its stdin and its stdout. The child is killed if ctx
// ends first.
func ProcessSplitWorker(command func(p SplitParams) *exec.Cmd) SplitWorkerFunc {
	return func(ctx context.Context, p SplitParams, ready func()) (SplitReport, error) {
		cmd := command(p)
		stdin, err := cmd.StdinPipe()
		if err != nil {
			return SplitReport{}, fmt.Errorf("split worker: %w", err)
		}
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return SplitReport{}, fmt.Errorf("split worker: %w", err)
		}
		if err := cmd.Start(); err != nil {
			return SplitReport{}, fmt.Errorf("split worker: start %s: %w", cmd.Path, err)
		}
		stopKill := context.AfterFunc(ctx, func() { _ = cmd.Process.Kill() })
		defer stopKill()
		rep, readErr := readSplit(stdout, ready)
		_, _ = io.Copy(io.Discard, stdout)
		_ = stdin.Close()
		waitErr := cmd.Wait()
		if readErr != nil {
			return SplitReport{}, fmt.Errorf("split worker: %w", errors.Join(readErr, waitErr, ctx.Err()))
		}
		if waitErr != nil {
			return SplitReport{}, fmt.Errorf("split worker: %w", waitErr)
		}
		return rep, nil
	}
}

// readSplit follows the child's messages until it reports done.
func readSplit(r io.Reader, ready func()) (SplitReport, error) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var m splitMessage
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			return SplitReport{}, fmt.Errorf("unexpected output %q", sc.Text())
		}
		switch m.Event {
		case "ready":
			ready()
		case "done":
			return SplitReport{Processed: m.Processed, LastAck: time.Unix(0, m.LastAckNs), PeakRSSMB: m.PeakRSSMB}, nil
		default:
			return SplitReport{}, fmt.Errorf("worker failed: %s", m.Error)
		}
	}
	if err := sc.Err(); err != nil {
		return SplitReport{}, err
	}
	return SplitReport{}, errors.New("worker exited before reporting")
}

// ServeSplitWorker is the child's side of ProcessSplitWorker: it runs a
// no-op worker on b as p says, writes "ready" to out once it runs and
// "done" (acks, time of the last, peak RSS) after p.Expect acks, then
// returns. It gives up when in reaches EOF (the parent went away), when
// ctx ends or after timeout, and then reports the error to out as well.
func ServeSplitWorker(ctx context.Context, b ports.Broker, p SplitParams, timeout time.Duration, in io.Reader, out io.Writer) error {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	go func() {
		_, _ = io.Copy(io.Discard, in)
		cancel(errors.New("parent closed stdin"))
	}()
	enc := json.NewEncoder(out)
	rep, err := serveSplit(ctx, b, p, timeout, func() { _ = enc.Encode(splitMessage{Event: "ready"}) })
	if err != nil {
		err = errors.Join(err, context.Cause(ctx))
		_ = enc.Encode(splitMessage{Event: "error", Error: err.Error()})
		return err
	}
	msg := splitMessage{Event: "done", Processed: rep.Processed, LastAckNs: rep.LastAck.UnixNano()}
	if mb := selfPeakRSS(); mb != nil {
		msg.PeakRSSMB = *mb
	}
	return enc.Encode(msg)
}
