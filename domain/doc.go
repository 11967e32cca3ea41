// Package domain holds PopBox's core types and the rules that govern them:
// tasks and their states, retry policies with their backoff shapes, dead
// letters, and the sentinel errors every layer shares. It imports only the
// standard library and performs no I/O.
package domain
