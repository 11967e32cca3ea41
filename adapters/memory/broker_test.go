package memory_test

import (
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/popbox/popbox/adapters/memory"
	"github.com/popbox/popbox/ports/porttest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

var epoch = time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)

func TestConformance(t *testing.T) {
	t.Parallel()
	porttest.RunSuite(t, func(t *testing.T) porttest.Fixture {
		clock := porttest.NewFakeClock(epoch)
		return porttest.Fixture{Broker: memory.New(memory.Config{Clock: clock}), Clock: clock}
	})
}
