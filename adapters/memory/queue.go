package memory

import (
	"container/list"
	"slices"
	"sort"
)

// queue holds one named queue's tasks by state. Every count Stats reports is
// the length of one of these structures.
type queue struct {
	name      string
	pending   *list.List // of *entry, head first
	scheduled timeHeap   // by RunAt
	leased    timeHeap   // by lease expiry
	dead      []*entry   // oldest failure first
}

func newQueue(name string) *queue {
	return &queue{
		name:      name,
		pending:   list.New(),
		scheduled: timeHeap{key: byRunAt},
		leased:    timeHeap{key: byExpiresAt},
	}
}

// addDead files e among the dead letters, keeping them ordered.
func (q *queue) addDead(e *entry) {
	i := sort.Search(len(q.dead), func(i int) bool { return e.diedBefore(q.dead[i]) })
	q.dead = slices.Insert(q.dead, i, e)
}

// removeDead takes e out of the dead letters.
func (q *queue) removeDead(e *entry) {
	i := sort.Search(len(q.dead), func(i int) bool { return !q.dead[i].diedBefore(e) })
	if i < len(q.dead) && q.dead[i] == e {
		q.dead = slices.Delete(q.dead, i, i+1)
	}
}

// dropOldestDead removes and returns the n oldest dead letters.
func (q *queue) dropOldestDead(n int) []*entry {
	gone := slices.Clone(q.dead[:n])
	q.dead = slices.Delete(q.dead, 0, n)
	return gone
}
