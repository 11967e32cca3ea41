package metrics

import "github.com/prometheus/client_golang/prometheus"

// Label values that are fixed by PopBox rather than by clients.
const (
	OutcomeSucceeded = "succeeded" // the handler returned nil
	OutcomeFailed    = "failed"    // the handler returned an error (retried or dead-lettered next)

	ExpiredRequeued     = "requeued"      // a lease expired and the task went back to its queue
	ExpiredDeadLettered = "dead_lettered" // a lease expired on the task's last attempt

	// OtherLabel replaces queue and task-type values past Options.MaxLabelValues.
	OtherLabel = "other"
	// UnmatchedRoute labels HTTP requests that matched no route.
	UnmatchedRoute = "unmatched"
)

// Broker operations, the values of the op label.
const (
	OpEnqueue        = "enqueue"
	OpDequeue        = "dequeue"
	OpAck            = "ack"
	OpRetry          = "retry"
	OpRelease        = "release"
	OpExtend         = "extend"
	OpRecover        = "recover"
	OpStats          = "stats"
	OpQueues         = "queues"
	OpDeadLetterAdd  = "dead_letter_add"
	OpDeadLetterList = "dead_letter_list"
	OpDeadLetterGet  = "dead_letter_get"
	OpRequeue        = "dead_letter_requeue"
	OpDelete         = "dead_letter_delete"
	OpPurge          = "dead_letter_purge"
	OpExpire         = "dead_letter_expire"
)

var brokerOps = []string{
	OpEnqueue, OpDequeue, OpAck, OpRetry, OpRelease, OpExtend, OpRecover, OpStats, OpQueues,
	OpDeadLetterAdd, OpDeadLetterList, OpDeadLetterGet, OpRequeue, OpDelete, OpPurge, OpExpire,
}

// leaseOps are the operations that can find a lease lost.
var leaseOps = []string{OpAck, OpRetry, OpRelease, OpExtend, OpDeadLetterAdd}

// Buckets for task durations and queue waits: from 5ms to an hour.
var taskBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600}

// Buckets for HTTP request durations: from 1ms to 10s.
var httpBuckets = []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}

// vectors holds every collector Metrics registers, except the queue-depth
// collector that CollectQueues adds.
type vectors struct {
	enqueued      *prometheus.CounterVec
	processed     *prometheus.CounterVec
	retries       *prometheus.CounterVec
	released      *prometheus.CounterVec
	deadLettered  *prometheus.CounterVec
	expiredLeases *prometheus.CounterVec
	lostLeases    *prometheus.CounterVec
	dlExpired     *prometheus.CounterVec
	dlTrimmed     *prometheus.CounterVec
	brokerErrors  *prometheus.CounterVec
	duration      *prometheus.HistogramVec
	wait          *prometheus.HistogramVec
	busy          prometheus.Gauge
	concurrency   prometheus.Gauge
	httpRequests  *prometheus.CounterVec
	httpDuration  *prometheus.HistogramVec
}

func counter(name, help string, labels ...string) *prometheus.CounterVec {
	return prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: help}, labels)
}

func histogram(name, help string, buckets []float64, labels ...string) *prometheus.HistogramVec {
	return prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name, Help: help, Buckets: buckets}, labels)
}

func newVectors() *vectors {
	return &vectors{
		enqueued:      counter("popbox_tasks_enqueued_total", "Tasks stored by Enqueue (duplicates excluded).", "queue", "task_type"),
		processed:     counter("popbox_tasks_processed_total", "Handler executions by outcome (succeeded or failed).", "queue", "task_type", "outcome"),
		retries:       counter("popbox_task_retries_total", "Failed attempts scheduled to run again.", "queue", "task_type"),
		released:      counter("popbox_tasks_released_total", "Leased tasks given back unrun, at worker shutdown.", "queue", "task_type"),
		deadLettered:  counter("popbox_tasks_dead_lettered_total", "Tasks moved to the dead letters by a worker.", "queue", "task_type"),
		expiredLeases: counter("popbox_leases_expired_total", "Leases that expired (worker lost), by what Recover did with the task.", "queue", "outcome"),
		lostLeases:    counter("popbox_leases_lost_total", "Broker operations refused because the worker no longer held the lease.", "queue", "op"),
		dlExpired:     counter("popbox_dead_letter_expired_total", "Dead letters removed for age by retention.", "queue"),
		dlTrimmed:     counter("popbox_dead_letter_trimmed_total", "Dead letters removed for size by retention.", "queue"),
		brokerErrors:  counter("popbox_broker_errors_total", "Broker calls that failed for a reason other than the caller's.", "op"),
		duration:      histogram("popbox_task_duration_seconds", "Time a handler took to run one attempt.", taskBuckets, "queue", "task_type"),
		wait:          histogram("popbox_task_queue_wait_seconds", "Time from a task being due (RunAt, else CreatedAt) to a worker leasing it.", taskBuckets, "queue", "task_type"),
		busy:          prometheus.NewGauge(prometheus.GaugeOpts{Name: "popbox_worker_busy_executors", Help: "Executors running a handler right now."}),
		concurrency:   prometheus.NewGauge(prometheus.GaugeOpts{Name: "popbox_worker_concurrency", Help: "Executors this worker runs at most."}),
		httpRequests:  counter("popbox_http_requests_total", "HTTP requests served, by route template, method and status code.", "route", "method", "code"),
		httpDuration:  histogram("popbox_http_request_duration_seconds", "Time to serve an HTTP request.", httpBuckets, "route", "method"),
	}
}

func (v *vectors) collectors() []prometheus.Collector {
	return []prometheus.Collector{
		v.enqueued, v.processed, v.retries, v.released, v.deadLettered, v.expiredLeases,
		v.lostLeases, v.dlExpired, v.dlTrimmed, v.brokerErrors, v.duration, v.wait,
		v.busy, v.concurrency, v.httpRequests, v.httpDuration,
	}
}

// zeroQueue creates the series of one queue so they start at zero.
func (v *vectors) zeroQueue(queue string) {
	v.expiredLeases.WithLabelValues(queue, ExpiredRequeued)
	v.expiredLeases.WithLabelValues(queue, ExpiredDeadLettered)
	v.dlExpired.WithLabelValues(queue)
	v.dlTrimmed.WithLabelValues(queue)
	for _, op := range leaseOps {
		v.lostLeases.WithLabelValues(queue, op)
	}
}

// zeroTask creates the series of one queue and task type.
func (v *vectors) zeroTask(queue, taskType string) {
	v.enqueued.WithLabelValues(queue, taskType)
	v.processed.WithLabelValues(queue, taskType, OutcomeSucceeded)
	v.processed.WithLabelValues(queue, taskType, OutcomeFailed)
	v.retries.WithLabelValues(queue, taskType)
	v.released.WithLabelValues(queue, taskType)
	v.deadLettered.WithLabelValues(queue, taskType)
	v.duration.WithLabelValues(queue, taskType)
	v.wait.WithLabelValues(queue, taskType)
}

func (v *vectors) zeroOps() {
	for _, op := range brokerOps {
		v.brokerErrors.WithLabelValues(op)
	}
}
