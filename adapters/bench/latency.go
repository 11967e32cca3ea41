package bench

import (
	"slices"
	"sync/atomic"
	"time"
)

// recorder keeps latency samples in a slice sized up front, so handlers
// record without locks or allocations. Samples beyond its capacity are
// dropped (and counted).
type recorder struct {
	samples []time.Duration
	next    atomic.Int64
}

func newRecorder(capacity int) *recorder {
	return &recorder{samples: make([]time.Duration, capacity)}
}

func (r *recorder) record(d time.Duration) {
	i := r.next.Add(1) - 1
	if i < int64(len(r.samples)) {
		r.samples[i] = d
	}
}

// summary returns the percentiles of what was recorded, or nil when
// nothing was. Call it only after the recording handlers are done.
func (r *recorder) summary() *Latency {
	n := min(int(r.next.Load()), len(r.samples))
	if n == 0 {
		return nil
	}
	s := slices.Clone(r.samples[:n])
	slices.Sort(s)
	return &Latency{P50Ms: ms(percentile(s, 50)), P99Ms: ms(percentile(s, 99)), MaxMs: ms(s[n-1])}
}

// percentile is the nearest-rank percentile p of sorted, which is not empty.
func percentile(sorted []time.Duration, p int) time.Duration {
	rank := (p*len(sorted) + 99) / 100 // ceil(p/100 * n)
	return sorted[max(rank, 1)-1]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
