// Package httpapi is PopBox's driving HTTP adapter: a gorilla/mux router
// over the application's use cases, and a Server that runs it.
//
// Routes (all bodies are JSON):
//
//	POST   /task                          enqueue; 202 new, 200 duplicate; Location: /task/{id}
//	GET    /task/{id}                     a task's state, attempts, last error and timestamps
//	GET    /queues                        per-queue pending, scheduled, active and dead counts
//	GET    /dead-letters?queue=&offset=&limit=  a page of dead letters, newest first
//	GET    /dead-letters/{id}             one dead letter
//	POST   /dead-letters/{id}/requeue     move it back to its queue
//	DELETE /dead-letters/{id}             remove it (204)
//	DELETE /dead-letters?queue=           purge one queue's dead letters, or all: {"purged": n}
//	GET    /livez                         the process is up
//	GET    /readyz                        the broker answers (503 otherwise)
//
// The body of POST /task is
//
//	{"type": "send_email", "payload": {...}, "id": "...", "queue": "...",
//	 "max_attempts": 3, "delay": "30s", "timeout": "1m", "headers": {"k": "v"}}
//
// where only type and payload are required. delay and timeout are Go
// duration strings ("1m30s"); numbers are refused so a unit is never
// guessed. An Idempotency-Key header sets the id; a body id that differs is
// an error. Content-Type must be application/json (a charset parameter, if
// any, must be utf-8).
//
// Every error answers {"error": {"code", "message", "field"}}, its status
// and code chosen by one table (errors.go). A task type no handler is
// registered for is 422 unknown_task_type with field "type": the request is
// well-formed, but this deployment cannot run it. Server errors never show
// their cause; it is logged instead.
package httpapi
