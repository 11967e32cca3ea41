// Package handlers holds PopBox's built-in task handlers, one file each:
// send_email and generate_report. Each validates its payload strictly and
// reports a payload that can never succeed as a permanent failure
// (domain.Permanent wrapping a *domain.ValidationError that names the
// field), so the task goes straight to the dead letters instead of being
// retried; failures of the environment (a directory that cannot be written)
// are retryable.
//
// Register adds them to the worker's handler registry by name; Builtin
// builds the set.
package handlers
