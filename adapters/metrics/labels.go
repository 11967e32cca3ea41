package metrics

import "sync"

// labelSet bounds the values one label takes: the known values always pass,
// up to max others are admitted as they are first seen, and the rest become
// OtherLabel.
type labelSet struct {
	mu    sync.RWMutex
	known map[string]bool
	extra map[string]bool
	max   int
}

func newLabelSet(known []string, maxExtra int) *labelSet {
	s := &labelSet{known: make(map[string]bool, len(known)), extra: map[string]bool{}, max: maxExtra}
	for _, k := range known {
		s.known[k] = true
	}
	return s
}

// value returns v if it may be a label value, else OtherLabel.
func (s *labelSet) value(v string) string {
	s.mu.RLock()
	ok := s.known[v] || s.extra[v]
	full := len(s.extra) >= s.max
	s.mu.RUnlock()
	if ok {
		return v
	}
	if full {
		return OtherLabel
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.extra) >= s.max {
		return OtherLabel
	}
	s.extra[v] = true
	return v
}
