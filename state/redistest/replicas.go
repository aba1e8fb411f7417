package redistest

import (
	"bytes"
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// ReplicatedCluster is a Redis Cluster whose masters each have replicas, started by
// StartReplicatedCluster.
type ReplicatedCluster struct {
	Cluster
	// Nodes are every node, masters and replicas, in the order they were started.
	Nodes []*Server
}

// StartReplicatedCluster starts masters×(1+replicas) nodes with cluster mode on and
// extra arguments (for example "--cluster-node-timeout", "5000", "--appendonly",
// "yes"), joins them with redis-cli --cluster create --cluster-replicas, and waits
// until every node reports cluster_state:ok and every replica's link to its master is
// up. Cluster.Servers are the nodes that are masters at that point.
func StartReplicatedCluster(tb testing.TB, masters, replicas int, extra ...string) *ReplicatedCluster {
	tb.Helper()
	if masters < 3 {
		tb.Fatalf("redistest: a Redis Cluster needs at least 3 masters, got %d", masters)
	}
	cli := mustBinary(tb, "redis-cli")
	c := &ReplicatedCluster{}
	args := append([]string{"--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"}, extra...)
	for range masters * (1 + replicas) {
		c.Nodes = append(c.Nodes, Start(tb, args...))
	}
	create := []string{"--cluster", "create"}
	for _, s := range c.Nodes {
		create = append(create, s.Addr)
	}
	create = append(create, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, cli, create...).CombinedOutput(); err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(30 * time.Second)
	for _, s := range c.Nodes {
		for {
			info, err := exec.Command(cli, "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "cluster", "info").Output()
			role, _ := Role(s)
			repl, _ := exec.Command(cli, "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "info", "replication").Output()
			if err == nil && bytes.Contains(info, []byte("cluster_state:ok")) &&
				(role == "master" || bytes.Contains(repl, []byte("master_link_status:up"))) {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("redistest: cluster node %s (%s) not ok within 30s: %s %s", s.Addr, role, info, repl)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	for _, s := range c.Nodes {
		if role, _ := Role(s); role == "master" {
			c.Servers = append(c.Servers, s)
		}
	}
	if len(c.Servers) != masters {
		tb.Fatalf("redistest: %d masters after create, want %d", len(c.Servers), masters)
	}
	return c
}

// Role is the first word of the node's ROLE reply ("master" or "slave"), or "" when
// it cannot be asked.
func Role(s *Server) (string, error) {
	out, err := exec.Command("redis-cli", "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "role").Output()
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(strings.SplitN(string(out), "\n", 2)[0]), nil
}

// Pid is the server's process id, or 0 when it is not running.
func (s *Server) Pid() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil || s.cmd.Process == nil {
		return 0
	}
	return s.cmd.Process.Pid
}
