package porttest

import (
	"testing"

	"github.com/popbox/popbox/ports"
)

// Fixture is one broker under test and the clock it reads.
type Fixture struct {
	Broker ports.Broker
	Clock  *FakeClock
}

// testCase is one conformance test; it receives a harness around a fresh
// fixture.
type testCase struct {
	name string
	run  func(t *testing.T, h *harness)
}

// area groups the tests of one part of the ports.
type area struct {
	name  string
	cases []testCase
}

// RunSuite runs every conformance test as a parallel subtest, grouped by
// area (Enqueue, Dequeue, Lease, Recover, DeadLetter, Status, Stats,
// Concurrency). newFixture is called once per subtest and must return a
// broker isolated from every other subtest's (for example under a fresh key
// prefix) whose clock is the returned FakeClock; it should register any
// teardown with t.Cleanup.
func RunSuite(t *testing.T, newFixture func(t *testing.T) Fixture) {
	t.Helper()
	areas := []area{
		{"Enqueue", enqueueCases()},
		{"Dequeue", dequeueCases()},
		{"Blocking", blockingCases()},
		{"Lease", leaseCases()},
		{"Recover", recoverCases()},
		{"DeadLetter", deadLetterCases()},
		{"Status", statusCases()},
		{"Stats", statsCases()},
		{"Concurrency", concurrencyCases()},
	}
	for _, a := range areas {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			for _, c := range a.cases {
				t.Run(c.name, func(t *testing.T) {
					t.Parallel()
					c.run(t, setup(t, newFixture))
				})
			}
		})
	}
}
