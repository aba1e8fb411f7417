// Package redistest starts real redis-server processes for tests and benchmarks: a
// single server on a free loopback port, or a small Redis Cluster. Servers run in a
// temporary directory without persistence and stop when the test ends. A missing
// redis-server binary fails the test: it is never skipped.
package redistest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server is one redis-server process started by Start.
type Server struct {
	// Addr is host:port of the server.
	Addr string
	// Port is the TCP port the server listens on.
	Port int
	dir  string
	args []string

	mu  sync.Mutex
	cmd *exec.Cmd
}

// URL returns a redis:// URL for the server.
func (s *Server) URL() string { return "redis://" + s.Addr }

// Start runs a redis-server on a free loopback port and stops it when tb ends.
// Extra arguments are appended to the command line (for example "--cluster-enabled",
// "yes").
func Start(tb testing.TB, extra ...string) *Server {
	tb.Helper()
	mustBinary(tb, "redis-server")
	s, err := Launch(tb.TempDir(), freePort(tb), extra...)
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	tb.Cleanup(s.Stop)
	return s
}

// Launch runs a redis-server on port with its files in dir, for programs that are not
// tests (the bench). The caller stops it with Stop. Port 0 picks a free port.
func Launch(dir string, port int, extra ...string) (*Server, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return nil, fmt.Errorf("redis-server not found on PATH (apt-get install -y redis-server redis-tools): %w", err)
	}
	if port == 0 {
		if port, err = pickPort(); err != nil {
			return nil, err
		}
	}
	s := &Server{Addr: net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), Port: port, dir: dir}
	s.args = append([]string{
		"--port", strconv.Itoa(port),
		"--bind", "127.0.0.1",
		"--dir", dir,
		"--save", "",
		"--appendonly", "no",
		"--protected-mode", "no",
		"--loglevel", "warning",
		"--logfile", filepath.Join(dir, "redis.log"),
	}, extra...)
	if err := s.start(bin); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) start(bin string) error {
	cmd := exec.Command(bin, s.args...)
	cmd.Dir = s.dir
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start redis-server on port %d: %w", s.Port, err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	s.mu.Lock()
	s.cmd = cmd
	s.mu.Unlock()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-done:
			return fmt.Errorf("redis-server on port %d exited early; log: %s", s.Port, s.log())
		default:
		}
		if ping(s.Addr) == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	return fmt.Errorf("redis-server on port %d did not answer PING within 10s; log: %s", s.Port, s.log())
}

func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "redis.log"))
	return strings.TrimSpace(string(b))
}

// Stop kills the server and waits until its port is closed. It is safe to call twice.
func (s *Server) Stop() {
	s.mu.Lock()
	cmd := s.cmd
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	_ = cmd.Process.Kill()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		c, err := net.DialTimeout("tcp", s.Addr, 100*time.Millisecond)
		if err != nil {
			return
		}
		_ = c.Close()
		time.Sleep(20 * time.Millisecond)
	}
}

// Restart starts the server again on the same port (after Stop). Data is not kept.
func (s *Server) Restart() error {
	s.Stop()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	if err := s.start(bin); err != nil {
		return fmt.Errorf("restart: %w", err)
	}
	return nil
}

// Cluster is a Redis Cluster of masters started by StartCluster.
type Cluster struct {
	// Servers are the cluster's masters.
	Servers []*Server
}

// Addrs returns host:port of every master.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.Servers))
	for i, s := range c.Servers {
		out[i] = s.Addr
	}
	return out
}

// URL returns a redis+cluster:// URL naming every master, as redisstore.Open accepts.
func (c *Cluster) URL() string {
	a := c.Addrs()
	u := "redis+cluster://" + a[0]
	for i, x := range a[1:] {
		if i == 0 {
			u += "?"
		} else {
			u += "&"
		}
		u += "addr=" + x
	}
	return u
}

// StartCluster starts n masters with cluster mode on, joins them with
// redis-cli --cluster create (no replicas) and waits until the cluster state is ok
// on every node.
func StartCluster(tb testing.TB, n int) *Cluster {
	tb.Helper()
	if n < 3 {
		tb.Fatalf("redistest: a Redis Cluster needs at least 3 masters, got %d", n)
	}
	cli := mustBinary(tb, "redis-cli")
	c := &Cluster{}
	for range n {
		s := Start(tb, "--cluster-enabled", "yes",
			"--cluster-config-file", "nodes.conf",
			"--cluster-node-timeout", "2000")
		c.Servers = append(c.Servers, s)
	}
	args := append([]string{"--cluster", "create"}, c.Addrs()...)
	args = append(args, "--cluster-replicas", "0", "--cluster-yes")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, cli, args...).CombinedOutput()
	if err != nil {
		tb.Fatalf("redistest: redis-cli --cluster create: %v\n%s", err, out)
	}
	deadline := time.Now().Add(20 * time.Second)
	for _, s := range c.Servers {
		for {
			info, err := exec.Command(cli, "-h", "127.0.0.1", "-p", strconv.Itoa(s.Port), "cluster", "info").Output()
			if err == nil && bytes.Contains(info, []byte("cluster_state:ok")) {
				break
			}
			if time.Now().After(deadline) {
				tb.Fatalf("redistest: cluster node %s not ok within 20s: %s", s.Addr, info)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	return c
}

// mustBinary finds a binary on PATH or fails tb with a hint.
func mustBinary(tb testing.TB, name string) string {
	tb.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		tb.Fatalf("redistest: %s not found on PATH: install it (apt-get install -y redis-server redis-tools); these tests need a real Redis", name)
	}
	return p
}

// freePort asks the kernel for a free loopback port, or fails tb.
func freePort(tb testing.TB) int {
	tb.Helper()
	p, err := pickPort()
	if err != nil {
		tb.Fatalf("redistest: %v", err)
	}
	return p
}

// pickPort asks the kernel for a free loopback port. Redis Cluster also listens on
// port+10000 for its bus, so that port must be free too.
func pickPort() (int, error) {
	for range 100 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return 0, fmt.Errorf("find a free port: %w", err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		_ = l.Close()
		if port <= 55535 {
			if bus, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port+10000))); err == nil {
				_ = bus.Close()
				return port, nil
			}
		}
	}
	return 0, errors.New("no free port below 55536")
}

// ping sends an inline PING and expects +PONG.
func ping(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(500 * time.Millisecond))
	if _, err := c.Write([]byte("PING\r\n")); err != nil {
		return err
	}
	buf := make([]byte, 64)
	n, err := c.Read(buf)
	if err != nil {
		return err
	}
	// A server with a password answers -NOAUTH: it is up all the same.
	if !bytes.HasPrefix(buf[:n], []byte("+PONG")) && !bytes.HasPrefix(buf[:n], []byte("-NOAUTH")) {
		return fmt.Errorf("unexpected reply %q", buf[:n])
	}
	return nil
}
