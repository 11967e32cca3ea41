package application

import (
	"context"
	"fmt"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// Paging bounds of DeadLetters.List.
const (
	DefaultDeadLetterLimit = 50
	MaxDeadLetterLimit     = 1000
	// MaxDeadLetterOffset bounds how deep a page may start: listing every
	// queue reads offset+limit letters of each, so deeper pages cost the
	// broker too much (narrow by queue, or purge, instead).
	MaxDeadLetterOffset = 100_000
)

// DeadLetters is the operator's view of the dead-letter queue: it validates
// requests and passes them to the broker.
type DeadLetters struct {
	port ports.DeadLetterPort
}

// NewDeadLetters returns the dead-letter use cases over port.
func NewDeadLetters(port ports.DeadLetterPort) *DeadLetters {
	return &DeadLetters{port: port}
}

// List returns a page of dead letters, most recent failure first. A zero
// Limit means DefaultDeadLetterLimit and larger limits are capped at
// MaxDeadLetterLimit; a negative limit, an offset outside 0 to
// MaxDeadLetterOffset, or an invalid queue name,
// fails with a *domain.ValidationError naming the field.
func (d *DeadLetters) List(ctx context.Context, p ports.ListDeadLettersParams) (ports.DeadLetterPage, error) {
	switch {
	case p.Limit < 0:
		return ports.DeadLetterPage{}, invalidField("limit", "must not be negative")
	case p.Limit == 0:
		p.Limit = DefaultDeadLetterLimit
	case p.Limit > MaxDeadLetterLimit:
		p.Limit = MaxDeadLetterLimit
	}
	if p.Offset < 0 || p.Offset > MaxDeadLetterOffset {
		return ports.DeadLetterPage{}, invalidField("offset", "must be between 0 and %d", MaxDeadLetterOffset)
	}
	if err := validateOptionalQueue(p.Queue); err != nil {
		return ports.DeadLetterPage{}, err
	}
	page, err := d.port.List(ctx, p)
	if err != nil {
		return ports.DeadLetterPage{}, fmt.Errorf("list dead letters: %w", err)
	}
	return page, nil
}

// Get returns one dead letter, or domain.ErrDeadLetterNotFound.
func (d *DeadLetters) Get(ctx context.Context, id string) (domain.DeadLetter, error) {
	if err := domain.ValidateID(id); err != nil {
		return domain.DeadLetter{}, err
	}
	dl, err := d.port.Get(ctx, id)
	if err != nil {
		return domain.DeadLetter{}, fmt.Errorf("get dead letter %s: %w", id, err)
	}
	return dl, nil
}

// Requeue puts a dead letter back at the tail of its queue with its
// attempts reset and returns the task.
func (d *DeadLetters) Requeue(ctx context.Context, id string) (domain.Task, error) {
	if err := domain.ValidateID(id); err != nil {
		return domain.Task{}, err
	}
	task, err := d.port.Requeue(ctx, id)
	if err != nil {
		return domain.Task{}, fmt.Errorf("requeue dead letter %s: %w", id, err)
	}
	return task, nil
}

// Delete removes a dead letter for good.
func (d *DeadLetters) Delete(ctx context.Context, id string) error {
	if err := domain.ValidateID(id); err != nil {
		return err
	}
	if err := d.port.Delete(ctx, id); err != nil {
		return fmt.Errorf("delete dead letter %s: %w", id, err)
	}
	return nil
}

// Purge removes every dead letter of queue, or of every queue when queue is
// empty, and returns how many it removed.
func (d *DeadLetters) Purge(ctx context.Context, queue string) (int64, error) {
	if err := validateOptionalQueue(queue); err != nil {
		return 0, err
	}
	n, err := d.port.Purge(ctx, queue)
	if err != nil {
		return 0, fmt.Errorf("purge dead letters: %w", err)
	}
	return n, nil
}

// validateOptionalQueue accepts "" (every queue) or a valid queue name.
func validateOptionalQueue(queue string) error {
	if queue == "" {
		return nil
	}
	return domain.ValidateQueueName(queue)
}
