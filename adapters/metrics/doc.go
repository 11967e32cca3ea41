// Package metrics counts what PopBox does, for Prometheus. It registers its
// collectors on an injected prometheus.Registerer (never the global one) and
// wraps the ports as decorators, so neither the application layer nor the
// brokers import Prometheus:
//
//   - Queue wraps a ports.QueuePort: enqueues, retries, releases, the time a
//     task waited before a worker leased it, expired and lost leases, and
//     broker errors by operation.
//   - DeadLetters wraps a ports.DeadLetterPort: dead-lettered tasks and the
//     dead letters removed by retention (expired for age, trimmed for size).
//   - Handler wraps a ports.Handler: execution time, outcome (succeeded or
//     failed) and how many executors are busy.
//   - CollectQueues reports each queue's pending, scheduled, active and dead
//     counts, read from QueuePort.Stats at scrape time (O(1) per queue), and
//     whether the broker answered (popbox_queue_stats_up).
//   - HTTPMiddleware counts HTTP requests and their durations by route
//     template, method and status code.
//
// Every name starts with popbox_, durations are in seconds, only counters end
// in _total, and labels are bounded: queue, task_type, outcome, state, op,
// route, method, code; never a task id. Series for the queues and task types
// named in Options exist from the start with value zero, so rate() and
// absent-series alerts behave from the first scrape. Queue and task-type
// label values outside Options are admitted up to Options.MaxLabelValues
// each and folded into "other" beyond, so a client inventing queue names
// cannot blow up the series count.
package metrics
