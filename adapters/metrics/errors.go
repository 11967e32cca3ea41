package metrics

import (
	"context"
	"errors"

	"github.com/popbox/popbox/domain"
)

// callerErrors are answers about the request, not failures of the broker.
var callerErrors = []error{
	domain.ErrInvalid, domain.ErrTaskNotFound, domain.ErrDeadLetterNotFound,
	domain.ErrUnknownTaskType, domain.ErrPayloadTooLarge,
}

// brokerFailed reports whether err is the broker's fault: not a lost lease,
// not the caller giving up, not a rejected or unknown request.
func brokerFailed(ctx context.Context, err error) bool {
	if err == nil || errors.Is(err, domain.ErrLeaseLost) {
		return false
	}
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return false
	}
	for _, e := range callerErrors {
		if errors.Is(err, e) {
			return false
		}
	}
	return true
}

// countError counts err against op when it is the broker's fault.
func (m *Metrics) countError(ctx context.Context, op string, err error) {
	if brokerFailed(ctx, err) {
		m.v.brokerErrors.WithLabelValues(op).Inc()
	}
}

// countLeaseError counts err against op, as a lost lease of queue or as a
// broker error.
func (m *Metrics) countLeaseError(ctx context.Context, op string, t domain.Task, err error) {
	if errors.Is(err, domain.ErrLeaseLost) {
		queue, _ := m.taskLabels(t)
		m.v.lostLeases.WithLabelValues(queue, op).Inc()
		return
	}
	m.countError(ctx, op, err)
}
