package porttest

import (
	"sync"
	"time"

	"github.com/popbox/popbox/ports"
)

// FakeClock is a ports.Clock that moves only when told to. It is safe for
// concurrent use, so a broker may read it while a test advances it.
type FakeClock struct {
	mu  sync.Mutex
	now time.Time
}

var _ ports.Clock = (*FakeClock)(nil)

// NewFakeClock returns a clock reading start until it is advanced or set.
// The monotonic reading of start is dropped so times compare with ==.
func NewFakeClock(start time.Time) *FakeClock {
	return &FakeClock{now: start.Round(0)}
}

// Now returns the clock's current time.
func (c *FakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock forward by d (backward if d is negative).
func (c *FakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// Set moves the clock to t.
func (c *FakeClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t.Round(0)
}
