package redisbroker_test

import (
	"crypto/rand"
	"encoding/json"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/stretchr/testify/require"

	"github.com/popbox/popbox/adapters/redisbroker"
	"github.com/popbox/popbox/domain"
	"github.com/popbox/popbox/ports"
	"github.com/popbox/popbox/ports/porttest"
	"github.com/popbox/popbox/test/redisserver"
)

// epoch is where every test's fake clock starts.
var epoch = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// newClient connects to one server and closes the client when t ends.
func newClient(t testing.TB, url string) redis.UniversalClient {
	t.Helper()
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{URL: url})
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// newClusterClient connects to a Redis Cluster and closes the client when
// t ends.
func newClusterClient(t testing.TB, addrs []string) redis.UniversalClient {
	t.Helper()
	client, err := redisbroker.NewClient(redisbroker.ClientConfig{ClusterAddrs: addrs})
	require.NoError(t, err)
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// freshPrefix isolates one test's keys on a shared server.
func freshPrefix() string { return "test-" + rand.Text()[:12] }

// fixture is a broker under a fresh prefix on client, with a fake clock.
type fixture struct {
	broker *redisbroker.Broker
	clock  *porttest.FakeClock
	client redis.UniversalClient
	prefix string
}

func newFixture(t testing.TB, client redis.UniversalClient, cfg redisbroker.Config) fixture {
	t.Helper()
	clock := porttest.NewFakeClock(epoch)
	cfg.Clock = clock
	if cfg.Prefix == "" {
		cfg.Prefix = freshPrefix()
	}
	b, err := redisbroker.New(client, cfg)
	require.NoError(t, err)
	return fixture{broker: b, clock: clock, client: client, prefix: cfg.Prefix}
}

// setup starts a server and returns a fixture on it.
func setup(t *testing.T, opts ...redisserver.Option) (fixture, *redisserver.Server) {
	t.Helper()
	srv := redisserver.Start(t, opts...)
	return newFixture(t, newClient(t, srv.URL()), redisbroker.Config{}), srv
}

// startServer starts a Redis for one test.
func startServer(t *testing.T, opts ...redisserver.Option) *redisserver.Server {
	t.Helper()
	return redisserver.Start(t, opts...)
}

// newTask builds a valid task due now.
func newTask(f fixture, queue, id string) domain.Task {
	now := f.clock.Now()
	return domain.Task{
		ID: id, Type: "test.job", Payload: json.RawMessage(`{"n":1}`), Queue: queue,
		MaxAttempts: 3, CreatedAt: now, RunAt: now,
	}
}

// enqueueAndLease enqueues one task and leases it.
func enqueueAndLease(t *testing.T, f fixture, queue, id string) ports.Lease {
	t.Helper()
	_, err := f.broker.Enqueue(t.Context(), newTask(f, queue, id))
	require.NoError(t, err)
	leases, err := f.broker.Dequeue(t.Context(), ports.DequeueParams{Queues: []string{queue}, Max: 1, LeaseFor: time.Minute})
	require.NoError(t, err)
	require.Len(t, leases, 1)
	return leases[0]
}
