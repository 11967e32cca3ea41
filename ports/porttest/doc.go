// Package porttest is the conformance suite every broker adapter runs. It
// checks, against a real adapter, each promise that ports.QueuePort,
// ports.DeadLetterPort and ports.TaskStatusPort state in their godoc, so the
// memory broker and the Redis broker behave alike behind the same ports.
//
// An adapter's test calls RunSuite with a constructor that returns a fresh,
// isolated broker whose clock is a FakeClock:
//
//	func TestConformance(t *testing.T) {
//		porttest.RunSuite(t, func(t *testing.T) porttest.Fixture {
//			clock := porttest.NewFakeClock(time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC))
//			return porttest.Fixture{Broker: memory.New(memory.Config{Clock: clock}), Clock: clock}
//		})
//	}
//
// Time is moved with the FakeClock, never by sleeping; the few real-time
// waits only bound how long a blocking Dequeue may take to give up, so the
// suite suits brokers reached over a network. Timestamps are compared to the
// millisecond, the precision a broker may store them at.
//
// A new promise of a port lands here first, then in every adapter.
package porttest
