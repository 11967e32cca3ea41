// Package redisserver gives integration tests a real Redis and a way to
// hurt it. Start returns one server, chosen in this order:
//
//  1. POPBOX_TEST_REDIS_URL, when set: an existing server the tests share
//     (isolate by key prefix; it cannot be killed or restarted);
//  2. a container from testcontainers-go's Redis module, when a Docker
//     engine answers;
//  3. a redis-server child process from PATH on a free loopback port with a
//     data directory of its own, stopped when the test ends.
//
// WithLocalProcess skips the first two, for fault tests that kill and
// restart the server in place (same port, same data directory). Which kind
// ran is logged. When no Redis can be had the test fails; it never skips.
//
// StartCluster starts a Redis Cluster of local redis-server processes
// (--cluster-enabled yes, joined with redis-cli --cluster create) and waits
// until every node reports cluster_state:ok.
package redisserver
