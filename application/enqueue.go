package application

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// EnqueueRequest is what a client asks to run. Zero fields take defaults.
type EnqueueRequest struct {
	ID          string            // optional idempotency key; generated when empty
	Type        string            // required: a registered handler name
	Payload     json.RawMessage   // required: a JSON object
	Queue       string            // default: EnqueueConfig.DefaultQueue
	MaxAttempts int               // default: the retry policy's
	Delay       time.Duration     // run no sooner than now+Delay
	Timeout     time.Duration     // per-attempt limit; 0: the worker's default
	Headers     map[string]string // metadata; trace context is added by tracing decorators
}

// DefaultMaxDelay is the longest Delay an EnqueueRequest may ask for unless
// configured otherwise.
const DefaultMaxDelay = 30 * 24 * time.Hour

// EnqueueConfig sets the rules the enqueuer applies. Zero fields take their
// defaults: domain.DefaultLimits, domain.DefaultQueue,
// domain.DefaultRetryPolicy and DefaultMaxDelay.
type EnqueueConfig struct {
	Limits       domain.Limits      // size bounds on payload and headers
	DefaultQueue string             // queue of requests that name none
	Retry        domain.RetryPolicy // its MaxAttempts is the default for requests
	MaxDelay     time.Duration      // longest accepted Delay
}

// DefaultEnqueueConfig returns the configuration with every default filled in.
func DefaultEnqueueConfig() EnqueueConfig {
	return EnqueueConfig{}.withDefaults()
}

func (c EnqueueConfig) withDefaults() EnqueueConfig {
	if c.Limits == (domain.Limits{}) {
		c.Limits = domain.DefaultLimits
	}
	if c.DefaultQueue == "" {
		c.DefaultQueue = domain.DefaultQueue
	}
	if c.Retry == (domain.RetryPolicy{}) {
		c.Retry = domain.DefaultRetryPolicy
	}
	if c.MaxDelay == 0 {
		c.MaxDelay = DefaultMaxDelay
	}
	return c
}

// Validate reports the first field, after defaults, that makes the
// configuration unusable.
func (c EnqueueConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Limits.MaxPayloadBytes < 2:
		return invalidField("limits.max_payload_bytes", "must be at least 2 (the size of {})")
	case c.Limits.MaxHeaders < 0:
		return invalidField("limits.max_headers", "must not be negative")
	case c.Limits.MaxHeaderBytes < 1:
		return invalidField("limits.max_header_bytes", "must be positive")
	case c.MaxDelay < 0:
		return invalidField("max_delay", "must not be negative")
	}
	if domain.ValidateQueueName(c.DefaultQueue) != nil {
		return invalidField("default_queue", "must be a valid queue name, not %q", c.DefaultQueue)
	}
	return c.Retry.Validate()
}

// Enqueuer is the enqueue use case: it turns requests into valid tasks and
// stores them. It is safe for concurrent use.
type Enqueuer struct {
	cfg   EnqueueConfig
	queue ports.QueuePort
	reg   *Registry
	clock ports.Clock
	newID func() string
}

// NewEnqueuer returns an Enqueuer storing tasks in q. Only types registered
// in reg are accepted. newID generates ids for requests without one; nil
// means random 26-character ids. cfg should have passed Validate; its zero
// fields take their defaults.
func NewEnqueuer(cfg EnqueueConfig, q ports.QueuePort, reg *Registry, clock ports.Clock, newID func() string) *Enqueuer {
	if newID == nil {
		newID = rand.Text
	}
	if clock == nil {
		clock = ports.SystemClock
	}
	return &Enqueuer{cfg: cfg.withDefaults(), queue: q, reg: reg, clock: clock, newID: newID}
}

// Enqueue validates req, fills in its defaults and stores the task. Invalid
// requests fail with a *domain.ValidationError naming the field (its Err is
// domain.ErrUnknownTaskType for a type no handler is registered for, and
// domain.ErrPayloadTooLarge for an oversized payload). A request whose ID was
// already enqueued returns the first task with Duplicate set, or, when it
// asked for different work under that ID, a *domain.ValidationError on
// "id" wrapping domain.ErrIdempotencyConflict.
func (e *Enqueuer) Enqueue(ctx context.Context, req EnqueueRequest) (ports.EnqueueResult, error) {
	task, err := e.buildTask(req)
	if err != nil {
		return ports.EnqueueResult{}, fmt.Errorf("enqueue: %w", err)
	}
	res, err := e.queue.Enqueue(ctx, task)
	if err != nil {
		return ports.EnqueueResult{}, fmt.Errorf("enqueue task %s: %w", task.ID, err)
	}
	if res.Duplicate && !sameWork(res.Task, task) {
		return ports.EnqueueResult{}, &domain.ValidationError{
			Field: "id", Err: domain.ErrIdempotencyConflict,
			Reason: fmt.Sprintf("%q was already used for a different task (its type, queue or payload differ)", task.ID),
		}
	}
	return res, nil
}

// sameWork reports whether a repeated request asks for the task that is
// stored: same type, queue and payload (whitespace aside). A repeat that
// differs must not be answered as if it were stored.
func sameWork(stored, asked domain.Task) bool {
	if stored.Type != asked.Type || stored.Queue != asked.Queue {
		return false
	}
	var a, b bytes.Buffer
	if json.Compact(&a, stored.Payload) != nil || json.Compact(&b, asked.Payload) != nil {
		return bytes.Equal(stored.Payload, asked.Payload)
	}
	return bytes.Equal(a.Bytes(), b.Bytes())
}

func (e *Enqueuer) buildTask(req EnqueueRequest) (domain.Task, error) {
	if err := e.checkRequest(req); err != nil {
		return domain.Task{}, err
	}
	now := e.clock.Now()
	task := domain.Task{
		ID:          req.ID,
		Type:        req.Type,
		Payload:     req.Payload,
		Queue:       req.Queue,
		MaxAttempts: req.MaxAttempts,
		Timeout:     req.Timeout,
		CreatedAt:   now,
		RunAt:       now.Add(req.Delay),
		Headers:     maps.Clone(req.Headers),
	}
	if task.ID == "" {
		task.ID = e.newID()
	}
	if task.Queue == "" {
		task.Queue = e.cfg.DefaultQueue
	}
	if task.MaxAttempts == 0 {
		task.MaxAttempts = e.cfg.Retry.MaxAttempts
	}
	if err := task.Validate(e.cfg.Limits); err != nil {
		return domain.Task{}, err
	}
	if _, ok := e.reg.Handler(task.Type); !ok {
		return domain.Task{}, &domain.ValidationError{
			Field: "type", Reason: fmt.Sprintf("no handler is registered for %q", task.Type), Err: domain.ErrUnknownTaskType,
		}
	}
	return task, nil
}

// checkRequest applies the rules that belong to the request rather than to
// the task it becomes.
func (e *Enqueuer) checkRequest(req EnqueueRequest) error {
	switch {
	case req.Delay < 0:
		return invalidField("delay", "must not be negative")
	case req.Delay > e.cfg.MaxDelay:
		return invalidField("delay", "must be at most %s", e.cfg.MaxDelay)
	case req.MaxAttempts < 0:
		return invalidField("max_attempts", "must not be negative")
	case req.Timeout < 0:
		return invalidField("timeout", "must not be negative")
	}
	return nil
}
