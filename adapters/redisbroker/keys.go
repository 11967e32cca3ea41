package redisbroker

// keys names every Redis key of one queue. All of them carry the queue in a
// {hash tag}, so they live in one Cluster slot and one script may touch
// them together.
type keys struct {
	pending   string // list of task ids ready to run, head first
	scheduled string // zset: task id scored by run-at (unix ms)
	leases    string // zset: task id scored by lease expiry (unix ms)
	dead      string // zset: task id scored by failed-at (unix ms)
	done      string // list: succeeded task ids in ack order, for retention
	tasks     string // hash: every field of every task the queue remembers
	wake      string // list holding at most one wake-up token for waiters
}

func queueKeys(prefix, queue string) keys {
	base := prefix + ":{" + queue + "}:"
	return keys{
		pending:   base + "pending",
		scheduled: base + "scheduled",
		leases:    base + "leases",
		dead:      base + "dead",
		done:      base + "done",
		tasks:     base + "tasks",
		wake:      base + "wake",
	}
}

// queuesKey is the set of known queue names. It lives outside every queue's
// slot and is written by a plain SADD before a queue's first enqueue, never
// from a script.
func queuesKey(prefix string) string { return prefix + ":queues" }

// Task fields in the tasks hash: the field named by the bare id holds the
// immutable part of the task (see encodeData); what changes lives in
// fields "<id>|<name>" so scripts change it without decoding that. '|' never
// appears in a valid id (domain.ValidateID).
//
// Everything the hot path changes is packed into the one meta field,
// "state|attempt|max|runat|updated|token" (runat and updated in unix ms,
// "0" for the zero time; token empty when no lease is current, kept after
// an ack so a repeated ack succeeds), so a claim or an ack reads and writes
// one field per task. The error and reason fields exist only once a task
// failed or died.
const (
	fieldMeta   = "meta"   // packed state|attempt|max|runat|updated|token
	fieldError  = "error"  // LastError
	fieldReason = "reason" // dead-letter reason
)

// recordFields is the order in which scripts and reads return a task's
// fields (after the bare-id data field); decodeRecord relies on it.
var recordFields = []string{fieldMeta, fieldError, fieldReason}

// recordArgs returns the hash fields of task id in recordFields order,
// data first, as HMGET arguments.
func recordArgs(id string) []string {
	out := make([]string, 0, len(recordFields)+1)
	out = append(out, id)
	for _, f := range recordFields {
		out = append(out, id+"|"+f)
	}
	return out
}
