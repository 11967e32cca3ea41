package memory

import (
	"container/heap"
	"time"
)

// timeHeap is a min-heap of entries by a time (RunAt for scheduled tasks,
// lease expiry for active ones). It records each entry's index so an entry
// can be removed or re-keyed in O(log n). An entry sits in at most one heap.
type timeHeap struct {
	items []*entry
	key   func(*entry) time.Time
}

var _ heap.Interface = (*timeHeap)(nil)

func byRunAt(e *entry) time.Time     { return e.task.RunAt }
func byExpiresAt(e *entry) time.Time { return e.expiresAt }

func (h *timeHeap) Len() int           { return len(h.items) }
func (h *timeHeap) Less(i, j int) bool { return h.key(h.items[i]).Before(h.key(h.items[j])) }

func (h *timeHeap) Swap(i, j int) {
	h.items[i], h.items[j] = h.items[j], h.items[i]
	h.items[i].index = i
	h.items[j].index = j
}

// Push is for container/heap; use heap.Push.
func (h *timeHeap) Push(x any) {
	e := x.(*entry)
	e.index = len(h.items)
	h.items = append(h.items, e)
}

// Pop is for container/heap; use heap.Pop.
func (h *timeHeap) Pop() any {
	last := len(h.items) - 1
	e := h.items[last]
	h.items[last] = nil
	h.items = h.items[:last]
	e.index = -1
	return e
}

// peek returns the entry with the earliest time and that time.
func (h *timeHeap) peek() (*entry, time.Time, bool) {
	if len(h.items) == 0 {
		return nil, time.Time{}, false
	}
	return h.items[0], h.key(h.items[0]), true
}

// remove takes e out of the heap.
func (h *timeHeap) remove(e *entry) {
	heap.Remove(h, e.index)
}

// fix restores the order after e's time changed.
func (h *timeHeap) fix(e *entry) {
	heap.Fix(h, e.index)
}
