package application

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// ErrHandlerExists means a handler is already registered under that name.
var ErrHandlerExists = errors.New("handler already registered")

// Registry maps task types to the handlers that run them. Handlers register
// by name at start-up; the enqueuer refuses types nobody registered and the
// worker dispatches by type. It is safe for concurrent use.
type Registry struct {
	mu       sync.RWMutex
	handlers map[string]ports.Handler
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{handlers: make(map[string]ports.Handler)}
}

// Register makes h run tasks of type name. name must be a valid task type
// (domain.ValidateTaskType); a second registration under the same name fails
// with ErrHandlerExists.
func (r *Registry) Register(name string, h ports.Handler) error {
	if err := domain.ValidateTaskType(name); err != nil {
		return fmt.Errorf("register handler %q: %w", name, err)
	}
	if h == nil {
		return fmt.Errorf("register handler %q: %w", name,
			&domain.ValidationError{Field: "handler", Reason: "must not be nil"})
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.handlers[name]; ok {
		return fmt.Errorf("register handler %q: %w", name, ErrHandlerExists)
	}
	r.handlers[name] = h
	return nil
}

// Handler returns the handler registered under name.
func (r *Registry) Handler(name string) (ports.Handler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h, ok := r.handlers[name]
	return h, ok
}

// Names returns every registered task type, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	names := make([]string, 0, len(r.handlers))
	for name := range r.handlers {
		names = append(names, name)
	}
	r.mu.RUnlock()
	slices.Sort(names)
	return names
}
