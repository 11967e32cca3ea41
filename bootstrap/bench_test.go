package bootstrap

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/bench"
)

const benchURL = "redis://127.0.0.1:6379/0"

func TestParseBenchArgsDefaults(t *testing.T) {
	t.Parallel()
	opts, err := parseBenchArgs([]string{"--redis", benchURL}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, benchURL, opts.RedisURL)
	require.True(t, strings.HasPrefix(opts.Prefix, "popbox-bench-"), opts.Prefix)
	want := bench.DefaultConfig()
	want.BatchSize = 10 // popbox's --batch-size default
	require.Equal(t, want, opts.Config)

	again, err := parseBenchArgs([]string{"--redis", benchURL}, io.Discard)
	require.NoError(t, err)
	require.NotEqual(t, opts.Prefix, again.Prefix, "every run gets its own prefix")
}

func TestParseBenchArgsEveryFlag(t *testing.T) {
	t.Parallel()
	opts, err := parseBenchArgs([]string{
		"--redis", benchURL, "--prefix", "mine", "--n", "300", "--concurrency", "7", "--producers", "3",
		"--batch", "4", "--phases", " drain, enq1 ,", "--paced-for", "250ms", "--pickup-repeats", "9",
		"--pickup-idle", "20ms", "--phase-timeout", "1m", "--commit", "abc123",
	}, io.Discard)
	require.NoError(t, err)
	require.Equal(t, "mine", opts.Prefix)
	require.Equal(t, bench.Config{
		N: 300, Concurrency: 7, Producers: 3, BatchSize: 4, Phases: []string{"drain", "enq1"},
		PacedFor: 250 * time.Millisecond, PickupRepeats: 9, PickupIdle: 20 * time.Millisecond, PhaseTimeout: time.Minute,
		Commit: "abc123",
	}, opts.Config)
}

func TestParseBenchArgsRejects(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		args []string
		want string
	}{
		"no redis":       {[]string{"--n", "5"}, "--redis is required"},
		"bad url":        {[]string{"--redis", "http://x"}, "--redis"},
		"bad prefix":     {[]string{"--redis", benchURL, "--prefix", "a{b}"}, "--prefix"},
		"zero n":         {[]string{"--redis", benchURL, "--n", "0"}, "n: must be at least 1"},
		"bad phase":      {[]string{"--redis", benchURL, "--phases", "enq1,warp"}, `unknown phase "warp"`},
		"no phase":       {[]string{"--redis", benchURL, "--phases", ","}, "at least one phase"},
		"not a number":   {[]string{"--redis", benchURL, "--producers", "many"}, "invalid value"},
		"unknown flag":   {[]string{"--redis", benchURL, "--turbo"}, "not defined"},
		"stray":          {[]string{"--redis", benchURL, "extra"}, `unexpected argument "extra"`},
		"negative batch": {[]string{"--redis", benchURL, "--batch", "-1"}, "batch: must not be negative"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := parseBenchArgs(tc.args, io.Discard)
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func TestBenchWorkerArgsRoundTrip(t *testing.T) {
	t.Parallel()
	opts := benchOptions{RedisURL: benchURL, Prefix: "popbox-bench-x"}
	p := bench.SplitParams{Queue: "bench-e2e_split", Concurrency: 50, BatchSize: 10, Expect: 50_000}
	args := benchWorkerArgs(opts, p, 90*time.Second)
	require.Equal(t, []string{"bench", "worker"}, args[:2], "the child is `<exe> bench worker ...`")
	got, err := parseBenchWorkerArgs(args[2:], io.Discard)
	require.NoError(t, err)
	require.Equal(t, benchWorkerOptions{RedisURL: benchURL, Prefix: "popbox-bench-x", Timeout: 90 * time.Second, Split: p}, got)
}

func TestParseBenchWorkerArgsRejects(t *testing.T) {
	t.Parallel()
	base := []string{"--redis", benchURL, "--prefix", "p", "--queue", "q"}
	_, err := parseBenchWorkerArgs(base, io.Discard)
	require.NoError(t, err)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--prefix", "p", "--queue", "q"}, "--redis is required"},
		{[]string{"--redis", benchURL, "--queue", "q"}, "--prefix is required"},
		{[]string{"--redis", benchURL, "--prefix", "p"}, "--queue is required"},
		{append(base, "--expect", "0"), "must be positive"},
		{append(base, "--concurrency", "0"), "must be positive"},
		{append(base, "--batch", "-2"), "not negative"},
	} {
		_, err := parseBenchWorkerArgs(tc.args, io.Discard)
		require.ErrorContains(t, err, tc.want, "%v", tc.args)
	}
}

func TestRunBenchExitCodes(t *testing.T) {
	t.Parallel()
	var stdout, stderr bytes.Buffer
	require.Equal(t, 2, RunBench([]string{"--n", "1"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "popbox bench: --redis is required")
	require.Empty(t, stdout.String(), "nothing but the report goes to stdout")

	stderr.Reset()
	require.Equal(t, 0, RunBench([]string{"-h"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "-phases")

	stderr.Reset()
	require.Equal(t, 2, RunBench([]string{"worker", "--queue", "q"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "popbox bench worker: --redis is required")
}
