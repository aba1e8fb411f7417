package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthcheckAddrEnv is the operations listener's address (/healthz, /readyz, /metrics).
const healthcheckAddrEnv = "INTERVISION_OPS_ADDR"

// healthcheckDefaultAddr is the address a container's listener uses (docker-compose.yml).
const healthcheckDefaultAddr = ":9090"

// runHealthcheck asks the operations listener whether the bot is ready: exit 0 on
// 200, 1 otherwise with the reason on stderr. It is the container's healthcheck: the
// distroless image has no curl or wget.
func runHealthcheck(ctx context.Context, c cli, args []string) int {
	fs := flag.NewFlagSet("healthcheck", flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	url := fs.String("url", readyzURL(c.getenv(healthcheckAddrEnv)), "URL to GET; 200 is healthy (default from "+healthcheckAddrEnv+")")
	timeout := fs.Duration("timeout", 3*time.Second, "give up after this long")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 0 {
		fmt.Fprintln(c.stderr, "usage: intervision healthcheck [--url URL] [--timeout 3s]")
		return 2
	}
	ctx, cancel := context.WithTimeout(ctx, *timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, *url, nil)
	if err != nil {
		fmt.Fprintf(c.stderr, "healthcheck: %v\n", err)
		return 1
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(c.stderr, "healthcheck: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode != http.StatusOK {
		reason := strings.TrimSpace(string(body))
		if reason == "" {
			reason = http.StatusText(resp.StatusCode)
		}
		fmt.Fprintf(c.stderr, "healthcheck: %s: %s: %s\n", *url, resp.Status, reason)
		return 1
	}
	return 0
}

// readyzURL is the /readyz URL of a listener on addr (INTERVISION_OPS_ADDR; ":9090"
// when empty). A listener on every interface (":9090", "0.0.0.0:9090", "[::]:9090") is
// asked on 127.0.0.1.
func readyzURL(addr string) string {
	addr = strings.TrimSpace(addr)
	if addr == "" {
		addr = healthcheckDefaultAddr
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		// Not host:port: leave it to the request to report.
		return "http://" + addr + "/readyz"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "127.0.0.1"
	}
	return "http://" + net.JoinHostPort(host, port) + "/readyz"
}
