package main

import (
	"os/exec"
	"slices"
	"testing"

	"golang.org/x/sys/unix"
)

func cpus(set unix.CPUSet) []int {
	var out []int
	for c := 0; len(out) < set.Count(); c++ {
		if set.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}

func TestSplitCPUs(t *testing.T) {
	for _, tc := range []struct {
		all, redis, bench []int
		fails             bool
	}{
		{all: []int{0, 1}, redis: []int{0}, bench: []int{1}},
		{all: []int{2, 3, 5, 70}, redis: []int{2}, bench: []int{3, 5, 70}},
		{all: []int{1}, fails: true},
		{all: nil, fails: true},
	} {
		var all unix.CPUSet
		for _, c := range tc.all {
			all.Set(c)
		}
		r, b, first, err := splitCPUs(all)
		if tc.fails {
			if err == nil {
				t.Errorf("%v: split, want an error", tc.all)
			}
			continue
		}
		if err != nil || first != tc.redis[0] || !slices.Equal(cpus(r), tc.redis) || !slices.Equal(cpus(b), tc.bench) {
			t.Errorf("%v: redis %v bench %v first %d err %v, want %v and %v", tc.all, cpus(r), cpus(b), first, err, tc.redis, tc.bench)
		}
	}
}

// TestSetAffinity pins a child process and reads its CPUs back.
func TestSetAffinity(t *testing.T) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	var one unix.CPUSet
	one.Set(cpus(all)[0])
	cmd := exec.Command("sleep", "10")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	if err := setAffinity(cmd.Process.Pid, &one); err != nil {
		t.Fatal(err)
	}
	var got unix.CPUSet
	if err := unix.SchedGetaffinity(cmd.Process.Pid, &got); err != nil {
		t.Fatal(err)
	}
	if got != one {
		t.Errorf("child's CPUs %v, want %v", cpus(got), cpus(one))
	}
}
