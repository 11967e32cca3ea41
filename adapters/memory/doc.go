// Package memory is a broker that keeps everything in the process's memory.
// It implements ports.Broker with the same semantics as the Redis broker
// (leases with fencing tokens, scheduled retries, dead letters, task status)
// and passes the same conformance suite, ports/porttest.
//
// It is single-process and non-durable: tasks live only as long as the
// process, and only goroutines of that process can share them. Use it for
// development, tests and a single binary running both the API and worker
// roles; use the Redis broker when API and workers are separate processes or
// tasks must survive a restart.
//
// Task ids are unique across all queues here: an id already used in any
// queue is reported as a duplicate, because status and dead-letter lookups
// name a task by id alone.
package memory
