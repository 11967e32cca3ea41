// Package redisbroker is PopBox's production broker: ports.QueuePort,
// ports.DeadLetterPort and ports.TaskStatusPort on Redis, shared by any
// number of API and worker processes, through go-redis's UniversalClient so
// a single server, Sentinel and Redis Cluster all work (see NewClient).
//
// # Key layout
//
// Every key of a queue carries the queue name as a Cluster hash tag, so all
// of them live in one slot and a script may touch them together:
//
//	<prefix>:{<queue>}:pending    list  ids ready to run, head first
//	<prefix>:{<queue>}:scheduled  zset  id → run-at (unix ms)
//	<prefix>:{<queue>}:leases     zset  id → lease expiry (unix ms)
//	<prefix>:{<queue>}:dead       zset  id → failed-at (unix ms)
//	<prefix>:{<queue>}:done       list  succeeded ids, in ack order
//	<prefix>:{<queue>}:tasks      hash  every task of the queue (below)
//	<prefix>:{<queue>}:wake       list  at most one wake-up token
//	<prefix>:queues               set   every queue that received a task
//
// A task lives in its queue's tasks hash: the field named by its id holds
// the immutable part as lines (type, timeout, created-at, headers as
// JSON, then the payload verbatim; see encodeData), encoded and decoded in
// Go only, so payloads stay byte-exact;
// the field "<id>|meta" packs everything the hot path changes into one
// string, "state|attempt|max|runat|updated|token"; "<id>|error" and
// "<id>|reason" exist once the task failed or died ('|' is not allowed in
// ids). A claim or an ack thus reads and writes one field per task.
// One hash per queue, rather than one key per task, is what lets every
// script declare every key it touches: a claim pops ids it could not
// name in advance, yet touches only the queue's declared keys.
//
// The queue set sits outside every slot. Enqueue adds a queue with a plain
// SADD before storing a task (about once a minute per queue and process,
// cached in between), never from a script. Task, Get, Requeue and Delete know only an id, so they
// read the queue set and look the id up in every queue in one pipeline: ids
// are unique within a queue, and when two queues share an id the
// alphabetically first queue wins.
//
// # Scripts
//
// Every change that touches more than one key is one Lua script under
// scripts/, embedded, whose header names its KEYS, ARGV and return value.
// Scripts never read Redis TIME: "now" is an argument taken from the
// injected ports.Clock, so tests move time and every process agrees on the
// rule, not on the clocks. Scripts are safe to run twice, as go-redis
// retries on network errors: a repeated enqueue finds the id and stores
// nothing; a repeated ack finds the task succeeded under its own token and
// succeeds. Retry, Release and dead-lettering end the lease, so a repeat
// reports domain.ErrLeaseLost while the task is already where it should be.
//
// The lease token is a fencing token: a claim writes a fresh random token
// into the meta field, and ack, retry, release, extend and dead-lettering act only
// when the caller presents it and the task is still active. Recover clears
// the token when it takes an expired lease back, so a worker that lost its
// lease cannot overwrite what happened after.
//
// # Waiting without polling
//
// Dequeue runs the claim script on each queue in priority order (strict:
// an earlier queue is drained before a later one is touched) until it has
// Max tasks. A claim pops up to Max ids at once (at most 1000; a larger
// Max claims the same queue again while batches come back full), with LPOP
// and a count, so Redis 6.2 or later. It moves them into leases, counts
// the attempt and hands out tokens with a fixed number of commands per
// batch, so several tasks come back per round trip at little more cost
// than one. An id listed twice, or whose task is not pending, is leased at
// most once.
// Only when every claim came back empty does Dequeue block, with BLPOP on
// the queues' wake keys. Every script that makes a task pending pushes a
// token when the wake list is empty (so it never holds more than one), and
// a claim that leaves tasks behind pushes one for the next waiter. Because
// a worker claims first and blocks second, an Enqueue landing between the
// two leaves a token that the BLPOP returns on: no wake-up is lost.
// Scheduled tasks and expired leases become pending through Recover, which
// workers run periodically and which pushes a token too.
//
// go-redis cannot interrupt a blocked read when a context is cancelled, so
// each BLPOP lasts at most Config.BlockTimeout (1s by default) or until the
// context's deadline, and Dequeue loops: a cancelled Dequeue returns within
// BlockTimeout. A token taken by a call that is then cancelled is put back.
//
// On Redis Cluster a BLPOP may not span slots (CROSSSLOT). A Dequeue on one
// queue blocks on it as on a single server. A Dequeue on several queues
// blocks on one queue's wake key per round, in turn, for at most 250ms, and
// claims from every queue after each round: a task in any queue is seen
// within that slice, and priority still holds because every claim round
// walks the queues in order. This is the one place Cluster mode trades a
// little idle traffic for correctness.
//
// # Batching round trips
//
// Round trips, not Redis commands, are what a queue on Redis pays for
// most. Concurrent Enqueues of one queue, and concurrent Acks of one
// queue, are coalesced (see coalescer): the caller that finds its queue
// idle sends its item at once; items arriving while that call is in
// flight wait and go out together in the next one, as one batched script
// call. Nothing waits for a timer, every caller still returns only after
// its own item is stored, and every ack is still fenced by its own token.
//
// # Retention
//
// Succeeded tasks stay in the done list for Config.CompletedRetention
// (judged by the injected clock) so GET /task/{id} and duplicate detection
// still see them; Ack and Recover forget older ones in bounded batches.
// Dead letters are kept until Expire (age, then size; counts returned),
// Purge or Delete. Large jobs (Recover, Expire, Purge) run in batches of
// Config.BatchLimit so no script blocks Redis for long.
//
// # Reads and costs
//
// Stats is LLEN and three ZCARDs in one pipeline: O(1) per queue. Nothing
// uses SCAN or KEYS. Listing the dead letters of every queue reads the
// first offset+limit of each queue's dead set and merges them.
//
// # Errors and operations
//
// interpretError is the one place where go-redis and network errors become
// domain errors: an unreachable, loading, read-only or out-of-memory Redis
// wraps domain.ErrBrokerUnavailable (the HTTP API answers 503), keeping the
// cause. go-redis reconnects by itself, so workers recover when Redis
// returns. Scripts that a restarted server no longer caches are sent again
// in full (NOSCRIPT fallback). CheckServer returns warnings for a Redis
// older than 6.2 (LPOP with a count; every claim would fail) and for
// settings that can lose tasks (maxmemory-policy other than noeviction,
// AOF off), and Ping serves readiness probes.
package redisbroker
