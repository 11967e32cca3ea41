// Command popbox runs PopBox: the HTTP API, the worker, or both, on the
// broker its configuration names. `popbox -h` lists every setting.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/popbox/popbox/bootstrap"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stderr))
}

// run starts PopBox with args and blocks until SIGINT or SIGTERM, then
// shuts down gracefully; `popbox bench ...` runs the benchmark instead. It
// returns the process exit code.
func run(args []string, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "bench" {
		return bootstrap.RunBench(args[1:], os.Stdout, stderr)
	}
	cfg, err := bootstrap.Load(bootstrap.LoadParams{Args: args, LookupEnv: os.LookupEnv, Output: stderr})
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		_, _ = fmt.Fprintln(stderr, "popbox:", err)
		return 2
	}
	app := bootstrap.New(cfg)
	if err := app.Err(); err != nil {
		_, _ = fmt.Fprintln(stderr, "popbox:", bootstrap.RootCause(err))
		return 1
	}
	startCtx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	if err := app.Start(startCtx); err != nil {
		_, _ = fmt.Fprintln(stderr, "popbox: start:", bootstrap.RootCause(err))
		return 1
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	signal.Stop(sig)

	// In-flight tasks get the shutdown grace; the rest is given back.
	stopCtx, cancelStop := context.WithTimeout(context.Background(), cfg.ShutdownGrace+10*time.Second)
	defer cancelStop()
	if err := app.Stop(stopCtx); err != nil {
		_, _ = fmt.Fprintln(stderr, "popbox: stop:", err)
		return 1
	}
	return 0
}
