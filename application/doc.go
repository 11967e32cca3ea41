// Package application holds PopBox's use cases, written against ports only:
// enqueueing a task, the worker's lease-dispatch-ack loop with retries and
// dead-lettering, dead-letter operations, task status and queue overviews.
// It imports neither a broker, nor HTTP, nor a logger, nor metrics.
package application
