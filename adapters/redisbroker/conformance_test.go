package redisbroker_test

import (
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/ports/porttest"
	"github.com/popbox/popbox/test/redisserver"
)

func TestConformanceSingleServer(t *testing.T) {
	t.Parallel()
	srv := redisserver.Start(t)
	runSuite(t, newClient(t, srv.URL()))
}

func TestConformanceCluster(t *testing.T) {
	t.Parallel()
	cluster := redisserver.StartCluster(t, 3)
	runSuite(t, newClusterClient(t, cluster.Addrs()))
}

// runSuite runs the conformance suite with one broker per test, each under
// its own key prefix on the shared client.
func runSuite(t *testing.T, client redis.UniversalClient) {
	porttest.RunSuite(t, func(t *testing.T) porttest.Fixture {
		f := newFixture(t, client, redisbroker.Config{})
		return porttest.Fixture{Broker: f.broker, Clock: f.clock}
	})
}
