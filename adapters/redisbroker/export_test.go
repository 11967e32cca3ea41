package redisbroker

// Hooks for the black-box tests, which run the scripts directly to prove
// that a go-redis retry (the same script with the same arguments, run
// twice) is harmless.

// EnqueueScript and AckScript are the embedded scripts.
var (
	EnqueueScript = enqueueScript
	AckScript     = ackScript
)

// QueueKeys names the keys of queue under prefix: pending, scheduled,
// leases, dead, done, tasks and wake.
func QueueKeys(prefix, queue string) map[string]string {
	k := queueKeys(prefix, queue)
	return map[string]string{
		"pending": k.pending, "scheduled": k.scheduled, "leases": k.leases,
		"dead": k.dead, "done": k.done, "tasks": k.tasks, "wake": k.wake,
	}
}
