package porttest

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
)

// expireCases cover dead-letter retention; they run in the DeadLetter area.
func expireCases() []testCase {
	return []testCase{
		{"ExpireByAge", testExpireByAge},
		{"ExpireBySize", testExpireBySize},
		{"ExpireAgeThenSize", testExpireAgeThenSize},
		{"ExpireOnlyNamedQueue", testExpireOnlyNamedQueue},
		{"ExpireWithoutLimits", testExpireWithoutLimits},
	}
}

// hourlyDeadLetters dead-letters one task per id into queue, an hour apart,
// and returns the first one's failure time.
func (h *harness) hourlyDeadLetters(queue string, ids ...string) time.Time {
	h.t.Helper()
	start := h.clock.Now()
	for i, id := range ids {
		if i > 0 {
			h.clock.Advance(time.Hour)
		}
		h.deadLetter(queue, id, "x")
	}
	return start
}

func (h *harness) expire(p ports.ExpireParams) ports.ExpireResult {
	h.t.Helper()
	res, err := h.broker.Expire(h.ctx, p)
	require.NoError(h.t, err, "Expire(%+v)", p)
	return res
}

func testExpireByAge(t *testing.T, h *harness) {
	t0 := h.hourlyDeadLetters("q", "a", "b", "c", "d")
	res := h.expire(ports.ExpireParams{Queue: "q", OlderThan: t0.Add(2 * time.Hour)})
	require.Equal(t, ports.ExpireResult{Expired: 2}, res,
		"Expire removes dead letters that failed strictly before OlderThan")
	require.Equal(t, []string{"d", "c"}, deadLetterIDs(h.listDeadLetters("q", 0, 10).Items))
	h.requireStats("q", 0, 0, 0, 2)
	_, err := h.broker.Get(h.ctx, "a")
	require.ErrorIs(t, err, domain.ErrDeadLetterNotFound, "an expired dead letter is gone")
}

func testExpireBySize(t *testing.T, h *harness) {
	h.hourlyDeadLetters("q", "a", "b", "c", "d", "e")
	res := h.expire(ports.ExpireParams{Queue: "q", MaxSize: 2})
	require.Equal(t, ports.ExpireResult{Trimmed: 3}, res, "Expire keeps the MaxSize newest dead letters")
	require.Equal(t, []string{"e", "d"}, deadLetterIDs(h.listDeadLetters("q", 0, 10).Items))
	h.requireStats("q", 0, 0, 0, 2)

	res = h.expire(ports.ExpireParams{Queue: "q", MaxSize: 2})
	require.Equal(t, ports.ExpireResult{}, res, "a queue within MaxSize loses nothing")
}

// testExpireAgeThenSize pins the order: age first, then size, so each
// removal is counted under the rule that caused it.
func testExpireAgeThenSize(t *testing.T, h *harness) {
	t0 := h.hourlyDeadLetters("q", "a", "b", "c", "d", "e")
	res := h.expire(ports.ExpireParams{Queue: "q", OlderThan: t0.Add(90 * time.Minute), MaxSize: 2})
	require.Equal(t, ports.ExpireResult{Expired: 2, Trimmed: 1}, res,
		"Expire applies the age limit first, then trims to MaxSize")
	require.Equal(t, []string{"e", "d"}, deadLetterIDs(h.listDeadLetters("q", 0, 10).Items))
}

func testExpireOnlyNamedQueue(t *testing.T, h *harness) {
	h.deadLetter("other", "o1", "x")
	h.deadLetter("other", "o2", "x")
	h.deadLetter("q", "q1", "x")
	h.clock.Advance(time.Hour)
	res := h.expire(ports.ExpireParams{Queue: "q", OlderThan: h.clock.Now(), MaxSize: 1})
	require.Equal(t, ports.ExpireResult{Expired: 1}, res)
	h.requireStats("other", 0, 0, 0, 2)
	require.EqualValues(t, 2, h.listDeadLetters("", 0, 10).Total, "Expire must leave other queues alone")
}

func testExpireWithoutLimits(t *testing.T, h *harness) {
	h.hourlyDeadLetters("q", "a", "b")
	h.clock.Advance(24 * time.Hour)
	require.Equal(t, ports.ExpireResult{}, h.expire(ports.ExpireParams{Queue: "q"}),
		"zero OlderThan and zero MaxSize mean no limit")
	h.requireStats("q", 0, 0, 0, 2)
}
