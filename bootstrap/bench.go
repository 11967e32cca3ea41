package bootstrap

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/popbox/popbox/adapters/bench"
	"github.com/popbox/popbox/adapters/redisbroker"
)

// benchWorkerMode is the first argument of the hidden child mode in which
// `popbox bench` runs the worker of its e2e_split phase.
const benchWorkerMode = "worker"

// benchOptions is a parsed `popbox bench` command line.
type benchOptions struct {
	RedisURL string
	Prefix   string
	Config   bench.Config
}

// benchWorkerOptions is a parsed `popbox bench worker` command line.
type benchWorkerOptions struct {
	RedisURL string
	Prefix   string
	Timeout  time.Duration
	Split    bench.SplitParams
}

// RunBench runs `popbox bench`: it measures the Redis at --redis phase by
// phase (see package adapters/bench) and prints one JSON report to stdout.
// Its e2e_split phase re-runs this executable as `<exe> bench worker ...`,
// so cmd/popbox must dispatch a first argument "bench" here with the
// arguments after it. It returns the exit code: 0 on success, 2 for a bad
// command line, 1 when the run fails.
func RunBench(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == benchWorkerMode {
		return runBenchWorker(args[1:], os.Stdin, stdout, stderr)
	}
	opts, err := parseBenchArgs(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		benchFail(stderr, "popbox bench", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	rep, err := runBench(ctx, opts, stderr)
	if err != nil {
		benchFail(stderr, "popbox bench", err)
		return 1
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(rep); err != nil {
		benchFail(stderr, "popbox bench", err)
		return 1
	}
	return 0
}

// parseBenchArgs reads and validates the flags of `popbox bench`.
func parseBenchArgs(args []string, stderr io.Writer) (benchOptions, error) {
	cfg := bench.DefaultConfig()
	cfg.BatchSize = defaultBatchSize()
	fs := flag.NewFlagSet("popbox bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var opts benchOptions
	fs.StringVar(&opts.RedisURL, "redis", "", "redis://HOST:PORT/DB of the Redis to measure (required)")
	fs.StringVar(&opts.Prefix, "prefix", "", "key prefix of the run (default: a fresh popbox-bench-* one); its keys are deleted at the end")
	fs.IntVar(&cfg.N, "n", cfg.N, "tasks of enq1, enqG, drain and e2e_split")
	fs.IntVar(&cfg.Concurrency, "concurrency", cfg.Concurrency, "handlers a worker runs at once")
	fs.IntVar(&cfg.Producers, "producers", cfg.Producers, "concurrent producers of enqG, e2e_split and the paced phases")
	fs.IntVar(&cfg.BatchSize, "batch", cfg.BatchSize, "most tasks a worker leases per round trip, as popbox's --batch-size")
	phases := fs.String("phases", strings.Join(cfg.Phases, ","), "comma-separated phases to run")
	fs.DurationVar(&cfg.PacedFor, "paced-for", cfg.PacedFor, "how long lat1000 and lat5000 enqueue")
	fs.IntVar(&cfg.PickupRepeats, "pickup-repeats", cfg.PickupRepeats, "first pickups measured; the median is reported")
	fs.DurationVar(&cfg.PickupIdle, "pickup-idle", cfg.PickupIdle, "how long the worker idles before each first pickup")
	fs.DurationVar(&cfg.PhaseTimeout, "phase-timeout", cfg.PhaseTimeout, "longest wait for a phase's tasks to be acked")
	fs.StringVar(&cfg.Commit, "commit", "", "commit to report (default: the VCS revision built into the binary)")
	if err := fs.Parse(args); err != nil {
		return benchOptions{}, err
	}
	if fs.NArg() > 0 {
		return benchOptions{}, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	cfg.Phases = benchPhaseList(*phases)
	opts.Config = cfg
	if err := validateBenchTarget(opts.RedisURL, opts.Prefix); err != nil {
		return benchOptions{}, err
	}
	if err := cfg.Validate(); err != nil {
		return benchOptions{}, fmt.Errorf("bench config: %w", err)
	}
	if opts.Prefix == "" {
		opts.Prefix = bench.NewRunPrefix()
	}
	return opts, nil
}

// parseBenchWorkerArgs reads the flags `popbox bench` gives its child.
func parseBenchWorkerArgs(args []string, stderr io.Writer) (benchWorkerOptions, error) {
	fs := flag.NewFlagSet("popbox bench worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o benchWorkerOptions
	fs.StringVar(&o.RedisURL, "redis", "", "redis:// URL")
	fs.StringVar(&o.Prefix, "prefix", "", "key prefix of the run")
	fs.StringVar(&o.Split.Queue, "queue", "", "queue to work")
	fs.IntVar(&o.Split.Concurrency, "concurrency", 1, "handlers at once")
	fs.IntVar(&o.Split.BatchSize, "batch", 0, "most tasks per round trip")
	fs.IntVar(&o.Split.Expect, "expect", 1, "acks to wait for")
	fs.DurationVar(&o.Timeout, "timeout", 2*time.Minute, "longest wait for the acks")
	if err := fs.Parse(args); err != nil {
		return benchWorkerOptions{}, err
	}
	if err := validateBenchTarget(o.RedisURL, o.Prefix); err != nil {
		return benchWorkerOptions{}, err
	}
	switch {
	case o.Prefix == "":
		return benchWorkerOptions{}, errors.New("--prefix is required")
	case o.Split.Queue == "":
		return benchWorkerOptions{}, errors.New("--queue is required")
	case o.Split.Concurrency < 1 || o.Split.Expect < 1 || o.Split.BatchSize < 0 || o.Timeout <= 0:
		return benchWorkerOptions{}, errors.New("--concurrency, --expect and --timeout must be positive, --batch not negative")
	}
	return o, nil
}

func validateBenchTarget(url, prefix string) error {
	if url == "" {
		return errors.New("--redis is required (redis://HOST:PORT/DB)")
	}
	if err := (redisbroker.ClientConfig{URL: url}).Validate(); err != nil {
		return fmt.Errorf("--redis: %w", err)
	}
	if err := (redisbroker.Config{Prefix: prefix}).Validate(); err != nil {
		return fmt.Errorf("--prefix: %w", err)
	}
	return nil
}

// runBench measures the Redis opts names and deletes the run's keys
// afterwards, whatever happened.
func runBench(ctx context.Context, opts benchOptions, stderr io.Writer) (bench.Report, error) {
	exe, err := os.Executable()
	if err != nil {
		return bench.Report{}, fmt.Errorf("locating this executable for the e2e_split worker: %w", err)
	}
	target, err := bench.NewRedisTarget(ctx, opts.RedisURL, opts.Prefix)
	if err != nil {
		return bench.Report{}, err
	}
	timeout := opts.Config.PhaseTimeout
	target.SplitWorkerFunc = bench.ProcessSplitWorker(func(p bench.SplitParams) *exec.Cmd {
		cmd := exec.Command(exe, benchWorkerArgs(opts, p, timeout)...)
		cmd.Stderr = stderr
		return cmd
	})
	rep, err := bench.Run(ctx, opts.Config, target)
	cleanupCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if cerr := target.CleanupFunc(cleanupCtx); cerr != nil {
		err = errors.Join(err, fmt.Errorf("cleanup: %w", cerr))
	}
	return rep, err
}

// benchWorkerArgs is the child's command line, program name aside.
func benchWorkerArgs(opts benchOptions, p bench.SplitParams, timeout time.Duration) []string {
	return []string{"bench", benchWorkerMode,
		"--redis", opts.RedisURL, "--prefix", opts.Prefix, "--queue", p.Queue,
		"--concurrency", strconv.Itoa(p.Concurrency), "--batch", strconv.Itoa(p.BatchSize),
		"--expect", strconv.Itoa(p.Expect), "--timeout", timeout.String()}
}

// runBenchWorker is the e2e_split child: a no-op worker on the parent's
// Redis and prefix that reports to stdout and stops when stdin closes.
func runBenchWorker(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	o, err := parseBenchWorkerArgs(args, stderr)
	if err != nil {
		benchFail(stderr, "popbox bench worker", err)
		return 2
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	b, closeBroker, err := bench.OpenRedis(o.RedisURL, o.Prefix)
	if err != nil {
		benchFail(stderr, "popbox bench worker", err)
		return 1
	}
	defer func() { _ = closeBroker() }()
	if err := bench.ServeSplitWorker(ctx, b, o.Split, o.Timeout, stdin, stdout); err != nil {
		benchFail(stderr, "popbox bench worker", err)
		return 1
	}
	return 0
}

// defaultBatchSize is popbox's own --batch-size default, so the bench
// measures the worker as it runs out of the box.
func defaultBatchSize() int {
	for _, s := range Settings() {
		if s.Flag == "batch-size" {
			if n, err := strconv.Atoi(s.Default); err == nil {
				return n
			}
		}
	}
	return 0
}

// benchPhaseList splits a comma-separated list, dropping blanks.
func benchPhaseList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

// benchFail reports err on stderr; there is nowhere else to report a
// failure to write there.
func benchFail(stderr io.Writer, who string, err error) {
	_, _ = fmt.Fprintf(stderr, "%s: %v\n", who, err)
}
