package ports

import "time"

// Clock tells the time. Logic that decides (lease expiry, retry due dates,
// dead-letter age) asks a Clock, never time.Now, so tests control time for
// every adapter alike.
type Clock interface {
	Now() time.Time
}

// ClockFunc adapts a function to Clock.
type ClockFunc func() time.Time

// Now calls f.
func (f ClockFunc) Now() time.Time { return f() }

// SystemClock is the wall clock.
var SystemClock Clock = ClockFunc(time.Now)
