package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/intervision-bot/intervision/state/redistest"
)

// pinChildEnv makes the test binary, started by TestPinCPUs, pin itself and the
// redis-server it names instead of running the tests.
const pinChildEnv = "INTERVISION_BENCH_PIN_CHILD"

func TestMain(m *testing.M) {
	if pid := os.Getenv(pinChildEnv); pid != "" {
		os.Exit(pinChild(pid))
	}
	os.Exit(m.Run())
}

// pinChild runs pinCPUs for the redis-server pid, keeps the CPU busy long enough for
// the runtime to have lowered GOMAXPROCS to the CPUs left (it looks about once a
// second), and checks that it did not and that every thread of this process is on the
// CPUs after the first.
func pinChild(pid string) int {
	n, _ := strconv.Atoi(pid)
	before := runtime.GOMAXPROCS(0)
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		fmt.Println(err)
		return 1
	}
	if _, err := pinCPUs(n); err != nil {
		fmt.Println("pinCPUs:", err)
		return 1
	}
	for end := time.Now().Add(2500 * time.Millisecond); time.Now().Before(end); {
	}
	if got := runtime.GOMAXPROCS(0); got != before {
		fmt.Printf("GOMAXPROCS %d after pinning, want %d\n", got, before)
		return 1
	}
	want := cpusOf(all)[1:]
	for tid, cpus := range threadCPUs(os.Getpid()) {
		if !slices.Equal(cpus, want) {
			fmt.Printf("thread %d on CPUs %v, want %v\n", tid, cpus, want)
			return 1
		}
	}
	return 0
}

// threadCPUs is the CPUs of each thread of process pid.
func threadCPUs(pid int) map[int][]int {
	out := map[int][]int{}
	tasks, _ := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	for _, t := range tasks {
		tid, _ := strconv.Atoi(t.Name())
		var set unix.CPUSet
		if unix.SchedGetaffinity(tid, &set) == nil {
			out[tid] = cpusOf(set)
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
		r, b, err := splitCPUs(all)
		if tc.fails {
			if err == nil {
				t.Errorf("%v: split, want an error", tc.all)
			}
			continue
		}
		if err != nil || !slices.Equal(cpusOf(r), tc.redis) || !slices.Equal(cpusOf(b), tc.bench) {
			t.Errorf("%v: redis %v bench %v err %v, want %v and %v", tc.all, cpusOf(r), cpusOf(b), err, tc.redis, tc.bench)
		}
		if got, want := cpuList(b), fmt.Sprint(tc.bench[0]); got[:len(want)] != want {
			t.Errorf("%v: cpuList %q, want it to start with %s", tc.all, got, want)
		}
	}
}

// TestPinCPUs pins a redis-server (several threads) and a child process that checks
// its own threads and GOMAXPROCS (pinChild); then every thread of the server must be
// on the first CPU alone.
func TestPinCPUs(t *testing.T) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		t.Fatal(err)
	}
	srv := redistest.Start(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), pinChildEnv+"="+strconv.Itoa(srv.Pid()))
	out, err := cmd.CombinedOutput()
	if all.Count() < 2 {
		// One CPU: nothing to split, and pinCPUs must say so.
		if err == nil {
			t.Fatalf("pinned on one CPU: %s", out)
		}
		return
	}
	if err != nil {
		t.Fatalf("child: %v: %s", err, out)
	}
	threads := threadCPUs(srv.Pid())
	if len(threads) < 2 {
		t.Fatalf("redis-server has %d threads, want several (its background threads)", len(threads))
	}
	for tid, cpus := range threads {
		if !slices.Equal(cpus, cpusOf(all)[:1]) {
			t.Errorf("redis-server thread %d on CPUs %v, want %v", tid, cpus, cpusOf(all)[:1])
		}
	}
}
