package main

import (
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestOpsEndpoints runs the bot in the terminal with INTERVISION_OPS_ADDR and reads
// its endpoints while it runs.
func TestOpsEndpoints(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	env := map[string]string{OpsAddrEnv: addr}
	in, w := io.Pipe()
	done := make(chan int, 1)
	var out, errb strings.Builder
	go func() {
		done <- run(context.Background(), nil, in, &syncWriter{b: &out}, &syncWriter{b: &errb}, func(k string) string { return env[k] })
	}()
	get := func(path string) (int, string) {
		deadline := time.Now().Add(10 * time.Second)
		for {
			resp, err := http.Get("http://" + addr + path)
			if err == nil {
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				return resp.StatusCode, string(b)
			}
			if time.Now().After(deadline) {
				t.Fatalf("GET %s: %v", path, err)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	if code, body := get("/healthz"); code != 200 || strings.TrimSpace(body) != "ok" {
		t.Errorf("/healthz = %d %q", code, body)
	}
	if code, body := get("/readyz"); code != 200 {
		t.Errorf("/readyz = %d %q", code, body)
	}
	if _, err := io.WriteString(w, "/help\n"); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, body := get("/metrics")
		if strings.Contains(body, `intervision_events_total{kind="command",platform="terminal"} 1`) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no terminal command in /metrics:\n%s", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	w.Close()
	select {
	case code := <-done:
		if code != 0 {
			t.Fatalf("exit %d", code)
		}
	case <-time.After(15 * time.Second):
		t.Fatal("the bot did not stop at the end of input")
	}
	if _, err := http.Get("http://" + addr + "/healthz"); err == nil {
		t.Error("the ops listener still answers after the bot stopped")
	}
}

// syncWriter is a strings.Builder safe for the bot's goroutines and the test.
type syncWriter struct {
	mu sync.Mutex
	b  *strings.Builder
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
