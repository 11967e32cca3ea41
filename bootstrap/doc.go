// Package bootstrap reads PopBox's configuration (flags, POPBOX_*
// environment variables, an optional .env file) and wires the adapters and
// use cases together with go.uber.org/fx for the chosen role. It is the only
// package besides cmd/ that knows fx, flags or the environment.
package bootstrap
