// Package bench measures PopBox end to end on a real broker: enqueue
// throughput from one and from several producers, how fast a fresh worker
// drains a backlog, producer and worker in separate processes, latency
// from enqueue to handler start at paced rates, and the first pickup of an
// idle worker. Run returns one Report, which marshals to the JSON object
// `popbox bench` prints.
//
// The package is plain Go: it reads no flags and no environment. A Target
// says which broker to measure (NewMemoryTarget, NewRedisTarget) and how to
// run the worker of the e2e_split phase outside the process
// (ProcessSplitWorker, with ServeSplitWorker on the child's side). Tasks
// are of type NoopType, registered only in the bench's own registries.
package bench
