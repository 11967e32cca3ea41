// Package application holds PopBox's use cases, written against ports only:
// the handler registry, enqueueing a task, the worker's lease-dispatch-ack
// loop with retries and dead-lettering, dead-letter operations and their
// retention, task status and queue overviews. It imports neither a broker,
// nor HTTP, nor a logger, nor metrics. Components that run in the background
// (Worker, Retention) are built with NewX and run between Start and Stop.
package application
