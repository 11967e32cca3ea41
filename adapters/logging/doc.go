// Package logging is PopBox's zap adapter: it builds the process logger from
// a small Config (level and format) and turns the worker's events
// (ports.WorkerObserver) into structured log lines.
//
// JSON loggers sample repetitive lines to protect the disk under load; the
// events operators must always see (dead-lettering, lease loss) bypass that
// sampling through Unsampled. Payloads and headers are never logged: they may
// carry personal data and secrets.
package logging
