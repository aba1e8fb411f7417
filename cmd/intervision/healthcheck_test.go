package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestHealthcheck(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/readyz":
			w.Write([]byte("ok\n"))
		case "/down/readyz":
			http.Error(w, "store: connection refused", http.StatusServiceUnavailable)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	// A port nothing listens on: bind one, note it, close it.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := l.Addr().String()
	l.Close()

	cases := []struct {
		name     string
		args     []string
		env      map[string]string
		code     int
		inStderr string
	}{
		{"200", []string{"--url", srv.URL + "/readyz"}, nil, 0, ""},
		{"503", []string{"--url", srv.URL + "/down/readyz"}, nil, 1, "503 Service Unavailable: store: connection refused"},
		{"nothing listening", []string{"--url", "http://" + closed + "/readyz"}, nil, 1, "connection refused"},
		{"from INTERVISION_OPS_ADDR", nil, map[string]string{healthcheckAddrEnv: strings.TrimPrefix(srv.URL, "http://")}, 0, ""},
		{"INTERVISION_OPS_ADDR, nothing listening", nil, map[string]string{healthcheckAddrEnv: ":" + portOf(t, closed)}, 1, "http://127.0.0.1:" + portOf(t, closed) + "/readyz"},
		{"extra argument", []string{"now"}, nil, 2, "usage"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			getenv := func(k string) string { return c.env[k] }
			code := run(context.Background(), append([]string{"healthcheck"}, c.args...), nil, &out, &errb, getenv)
			if code != c.code {
				t.Fatalf("exit %d, want %d; stderr: %s", code, c.code, errb.String())
			}
			if c.code == 0 && errb.Len() != 0 {
				t.Fatalf("healthy, but stderr: %s", errb.String())
			}
			if !strings.Contains(errb.String(), c.inStderr) {
				t.Fatalf("stderr %q lacks %q", errb.String(), c.inStderr)
			}
		})
	}
}

func portOf(t *testing.T, addr string) string {
	t.Helper()
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return port
}

func TestReadyzURL(t *testing.T) {
	for addr, want := range map[string]string{
		"":               "http://127.0.0.1:9090/readyz",
		":9090":          "http://127.0.0.1:9090/readyz",
		"0.0.0.0:8080":   "http://127.0.0.1:8080/readyz",
		"[::]:8080":      "http://127.0.0.1:8080/readyz",
		"127.0.0.2:9091": "http://127.0.0.2:9091/readyz",
		"[::1]:9090":     "http://[::1]:9090/readyz",
	} {
		if got := readyzURL(addr); got != want {
			t.Errorf("readyzURL(%q) = %s, want %s", addr, got, want)
		}
	}
}
