package application_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// event is one thing the worker reported.
type event struct {
	kind   string // started, succeeded, retrying, dead, released, lease_lost, broker_error, recovered
	taskID string
	op     string
	err    error
	delay  time.Duration
	reason string
}

// recorder is a ports.WorkerObserver that keeps every event.
type recorder struct {
	mu     sync.Mutex
	events []event
}

var _ ports.WorkerObserver = (*recorder)(nil)

func newRecorder() *recorder { return &recorder{} }

func (r *recorder) add(e event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

// of returns the events of kind, for the task id when id is not empty.
func (r *recorder) of(kind, id string) []event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []event
	for _, e := range r.events {
		if e.kind == kind && (id == "" || e.taskID == id) {
			out = append(out, e)
		}
	}
	return out
}

// wait blocks until at least n events of kind for id were recorded.
func (r *recorder) wait(t *testing.T, kind, id string, n int) []event {
	t.Helper()
	require.Eventually(t, func() bool { return len(r.of(kind, id)) >= n }, waitBound, 2*time.Millisecond,
		"waiting for %d %s event(s) of %q", n, kind, id)
	return r.of(kind, id)
}

func (r *recorder) TaskStarted(_ context.Context, t domain.Task) {
	r.add(event{kind: "started", taskID: t.ID})
}

func (r *recorder) TaskSucceeded(_ context.Context, t domain.Task, _ time.Duration) {
	r.add(event{kind: "succeeded", taskID: t.ID})
}

func (r *recorder) TaskRetrying(_ context.Context, t domain.Task, err error, delay time.Duration) {
	r.add(event{kind: "retrying", taskID: t.ID, err: err, delay: delay})
}

func (r *recorder) TaskDeadLettered(_ context.Context, t domain.Task, reason string) {
	r.add(event{kind: "dead", taskID: t.ID, reason: reason})
}

func (r *recorder) TaskReleased(_ context.Context, t domain.Task) {
	r.add(event{kind: "released", taskID: t.ID})
}

func (r *recorder) LeaseLost(_ context.Context, t domain.Task, op string) {
	r.add(event{kind: "lease_lost", taskID: t.ID, op: op})
}

func (r *recorder) Recovered(context.Context, ports.RecoverResult) {
	r.add(event{kind: "recovered"})
}

func (r *recorder) BrokerError(_ context.Context, op string, err error) {
	r.add(event{kind: "broker_error", op: op, err: err})
}
