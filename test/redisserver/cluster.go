package redisserver

import (
	"context"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// clusterReadyWithin bounds how long a new cluster may take to agree on
// its slots.
const clusterReadyWithin = 20 * time.Second

// Cluster is a Redis Cluster of local redis-server processes, all masters.
type Cluster struct {
	Nodes []*Server
}

// Addrs are the nodes' host:port, the seeds a cluster client needs.
func (c *Cluster) Addrs() []string {
	addrs := make([]string, len(c.Nodes))
	for i, n := range c.Nodes {
		addrs[i] = n.Addr()
	}
	return addrs
}

// StartCluster starts masters redis-server processes in cluster mode (at
// least 3, as redis-cli requires), joins them with redis-cli --cluster
// create and waits for cluster_state:ok on every node. Nodes stop when t
// ends. It fails t when the cluster cannot be formed.
func StartCluster(t testing.TB, masters int, opts ...Option) *Cluster {
	t.Helper()
	if masters < 3 {
		t.Fatalf("redisserver: a cluster needs at least 3 masters, not %d", masters)
	}
	cli, err := exec.LookPath("redis-cli")
	if err != nil {
		t.Fatalf("redisserver: redis-cli is needed to form a cluster: %v", err)
	}
	o := collect(opts)
	c := &Cluster{}
	for range masters {
		c.Nodes = append(c.Nodes, startClusterNode(t, o))
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	if out, err := exec.Command(cli, args...).CombinedOutput(); err != nil {
		t.Fatalf("redisserver: redis-cli --cluster create: %v\n%s", err, out)
	}
	if err := c.waitOK(); err != nil {
		t.Fatalf("redisserver: %v", err)
	}
	t.Logf("redisserver: Redis Cluster of %d masters on %s", masters, strings.Join(c.Addrs(), " "))
	return c
}

func startClusterNode(t testing.TB, o options) *Server {
	t.Helper()
	bus, err := freePort()
	if err != nil {
		t.Fatalf("redisserver: %v", err)
	}
	args := append(o.serverArgs(),
		"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
		"--cluster-node-timeout", "3000", "--cluster-port", strconv.Itoa(bus))
	p, err := startProcess(t, args)
	if err != nil {
		t.Fatalf("redisserver: cluster node: %v", err)
	}
	return &Server{t: t, kind: "process", b: p}
}

// waitOK polls CLUSTER INFO on every node until each one reports the
// cluster healthy with every slot assigned and every node known.
func (c *Cluster) waitOK() error {
	ctx, cancel := context.WithTimeout(context.Background(), clusterReadyWithin)
	defer cancel()
	for _, addr := range c.Addrs() {
		if err := waitNodeOK(ctx, addr, len(c.Nodes)); err != nil {
			return err
		}
	}
	return nil
}

func waitNodeOK(ctx context.Context, addr string, nodes int) error {
	client := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
	defer func() { _ = client.Close() }()
	want := []string{"cluster_state:ok", "cluster_slots_ok:16384", "cluster_known_nodes:" + strconv.Itoa(nodes)}
	var info string
	for {
		info, _ = client.ClusterInfo(ctx).Result()
		if containsAll(info, want) {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("cluster node %s not ready within %s; CLUSTER INFO:\n%s", addr, clusterReadyWithin, info)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func containsAll(s string, parts []string) bool {
	for _, p := range parts {
		if !strings.Contains(s, p) {
			return false
		}
	}
	return true
}
