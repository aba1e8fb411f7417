package gctune

import (
	"errors"
	"math"
	"runtime/debug"
	"strings"
	"testing"
)

func env(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

func files(files map[string]string) func(string) ([]byte, error) {
	return func(name string) ([]byte, error) {
		if s, ok := files[name]; ok {
			return []byte(s), nil
		}
		return nil, errors.New("no such file")
	}
}

// restore puts the process's GC settings back after a test.
func restore(t *testing.T) {
	percent := debug.SetGCPercent(100)
	limit := debug.SetMemoryLimit(-1)
	t.Cleanup(func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	})
}

func TestApply(t *testing.T) {
	restore(t)
	got := apply(env(nil), files(map[string]string{"/sys/fs/cgroup/memory.max": "1000000000\n"}))
	if p := debug.SetGCPercent(100); p != Percent {
		t.Errorf("GC percent %d, want %d", p, Percent)
	}
	if l := debug.SetMemoryLimit(-1); l != 900000000 {
		t.Errorf("memory limit %d, want 900000000", l)
	}
	if !strings.Contains(got, "GOGC=400") || !strings.Contains(got, "GOMEMLIMIT=900000000") {
		t.Errorf("Apply reported %q", got)
	}
}

// TestApplyLeavesEnvironment: GOGC and GOMEMLIMIT in the environment win (the runtime
// has read them already).
func TestApplyLeavesEnvironment(t *testing.T) {
	restore(t)
	got := apply(env(map[string]string{"GOGC": "100", "GOMEMLIMIT": "1GiB"}),
		files(map[string]string{"/sys/fs/cgroup/memory.max": "1000000000"}))
	if got != "" {
		t.Errorf("Apply set %q", got)
	}
	if p := debug.SetGCPercent(100); p != 100 {
		t.Errorf("GC percent %d, want 100", p)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit %d, want none", l)
	}
}

func TestCgroupLimit(t *testing.T) {
	for _, tc := range []struct {
		files map[string]string
		want  int64
	}{
		{nil, 0},
		{map[string]string{"/sys/fs/cgroup/memory.max": "max\n"}, 0},
		{map[string]string{"/sys/fs/cgroup/memory.max": "536870912\n"}, 536870912},
		{map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "9223372036854771712\n"}, 0},
		{map[string]string{"/sys/fs/cgroup/memory/memory.limit_in_bytes": "268435456\n"}, 268435456},
	} {
		if got := cgroupLimit(files(tc.files)); got != tc.want {
			t.Errorf("cgroupLimit(%v) = %d, want %d", tc.files, got, tc.want)
		}
	}
}
