package metrics_test

import (
	"context"
	"sync"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// fakeBroker answers every call with what the test set up. It is a script,
// not a queue: the decorators under test only look at arguments, results
// and errors.
type fakeBroker struct {
	mu       sync.Mutex
	seen     map[string]bool // enqueued ids, for Duplicate
	leases   []ports.Lease   // what Dequeue returns
	kept     int             // how many leases Extend keeps
	recover  map[string]ports.RecoverResult
	stats    map[string]ports.QueueStats
	queues   []string
	expire   ports.ExpireResult
	errs     map[string]error // by op name, as in metrics.Op*
	recovers [][]string       // the queues of each Recover call
}

func newFakeBroker() *fakeBroker {
	return &fakeBroker{seen: map[string]bool{}, errs: map[string]error{}, recover: map[string]ports.RecoverResult{}, stats: map[string]ports.QueueStats{}}
}

func (f *fakeBroker) fail(op string, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.errs[op] = err
}

func (f *fakeBroker) err(op string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.errs[op]
}

func (f *fakeBroker) Enqueue(_ context.Context, t domain.Task) (ports.EnqueueResult, error) {
	if err := f.err("enqueue"); err != nil {
		return ports.EnqueueResult{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	dup := f.seen[t.ID]
	f.seen[t.ID] = true
	return ports.EnqueueResult{Task: t, Duplicate: dup}, nil
}

func (f *fakeBroker) Dequeue(ctx context.Context, _ ports.DequeueParams) ([]ports.Lease, error) {
	if err := f.err("dequeue"); err != nil {
		return nil, err
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.leases, nil
}

func (f *fakeBroker) Ack(context.Context, ports.Lease) error         { return f.err("ack") }
func (f *fakeBroker) Retry(context.Context, ports.RetryParams) error { return f.err("retry") }
func (f *fakeBroker) Release(context.Context, ports.Lease) error     { return f.err("release") }

func (f *fakeBroker) Extend(_ context.Context, p ports.ExtendParams) ([]ports.Lease, error) {
	if err := f.err("extend"); err != nil {
		return nil, err
	}
	return p.Leases[:min(f.kept, len(p.Leases))], nil
}

func (f *fakeBroker) Recover(_ context.Context, queues []string) (ports.RecoverResult, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.recovers = append(f.recovers, queues)
	var r ports.RecoverResult
	for _, q := range queues {
		if err := f.errs["recover:"+q]; err != nil {
			return ports.RecoverResult{}, err
		}
		x := f.recover[q]
		r.Promoted += x.Promoted
		r.Requeued += x.Requeued
		r.DeadLettered += x.DeadLettered
	}
	return r, nil
}

func (f *fakeBroker) Stats(_ context.Context, q string) (ports.QueueStats, error) {
	if err := f.err("stats:" + q); err != nil {
		return ports.QueueStats{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.stats[q], nil
}

func (f *fakeBroker) Queues(context.Context) ([]string, error) {
	if err := f.err("queues"); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.queues, nil
}

func (f *fakeBroker) Add(context.Context, ports.DeadLetterParams) error {
	return f.err("dead_letter_add")
}

func (f *fakeBroker) List(context.Context, ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	return ports.DeadLetterPage{}, f.err("dead_letter_list")
}

func (f *fakeBroker) Get(context.Context, string) (domain.DeadLetter, error) {
	return domain.DeadLetter{}, f.err("dead_letter_get")
}

func (f *fakeBroker) Requeue(context.Context, string) (domain.Task, error) {
	return domain.Task{}, f.err("dead_letter_requeue")
}

func (f *fakeBroker) Delete(context.Context, string) error { return f.err("dead_letter_delete") }

func (f *fakeBroker) Purge(context.Context, string) (int64, error) {
	return 0, f.err("dead_letter_purge")
}

func (f *fakeBroker) Expire(context.Context, ports.ExpireParams) (ports.ExpireResult, error) {
	if err := f.err("dead_letter_expire"); err != nil {
		return ports.ExpireResult{}, err
	}
	return f.expire, nil
}

var (
	_ ports.QueuePort      = (*fakeBroker)(nil)
	_ ports.DeadLetterPort = (*fakeBroker)(nil)
)
