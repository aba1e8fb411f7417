package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// pinCPUs gives the redis-server with process id pid the first CPU this process may
// run on, to itself, and this process (and so redis-benchmark, which it starts later)
// the others: each side of the measurement gets cores of its own, as redis-benchmark's
// client and the server settle anyway. It keeps GOMAXPROCS as it is: Go would
// otherwise lower it to the CPUs left, and with one P a reply from Redis waits until
// that P next looks at the network, which leaves both sides idle. On failure it puts
// both processes back on all the CPUs. It returns what it did, for the output.
func pinCPUs(pid int) (string, error) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return "", fmt.Errorf("read this process's CPUs: %w", err)
	}
	redisSet, benchSet, err := splitCPUs(all)
	if err != nil {
		return "", err
	}
	// Setting GOMAXPROCS, even to what it is, stops the runtime from changing it.
	procs := runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	err = setAffinity(pid, &redisSet)
	if err != nil {
		err = fmt.Errorf("pin redis-server: %w", err)
	} else if err = setAffinity(os.Getpid(), &benchSet); err != nil {
		err = fmt.Errorf("pin the bench: %w", err)
	}
	if err != nil {
		_ = setAffinity(pid, &all)
		_ = setAffinity(os.Getpid(), &all)
		return "", err
	}
	return fmt.Sprintf("redis-server on CPU %s, the bench and redis-benchmark on CPUs %s (GOMAXPROCS=%d)",
		cpuList(redisSet), cpuList(benchSet), procs), nil
}

// splitCPUs splits all into its first CPU (for redis-server) and the others.
func splitCPUs(all unix.CPUSet) (redisSet, benchSet unix.CPUSet, err error) {
	cpus := cpusOf(all)
	if len(cpus) < 2 {
		return redisSet, benchSet, errors.New("needs at least 2 CPUs")
	}
	redisSet.Set(cpus[0])
	for _, c := range cpus[1:] {
		benchSet.Set(c)
	}
	return redisSet, benchSet, nil
}

// cpusOf lists the CPUs in set, in order.
func cpusOf(set unix.CPUSet) []int {
	var out []int
	for c := 0; len(out) < set.Count(); c++ {
		if set.IsSet(c) {
			out = append(out, c)
		}
	}
	return out
}

// cpuList is set as "0" or "1,2,3".
func cpuList(set unix.CPUSet) string {
	parts := make([]string, 0, set.Count())
	for _, c := range cpusOf(set) {
		parts = append(parts, strconv.Itoa(c))
	}
	return strings.Join(parts, ",")
}

// setAffinity sets the CPUs of every thread of process pid. A new thread inherits its
// creator's; one created meanwhile by a thread not yet set is found by reading the
// threads again, until a reading finds none that was not set.
func setAffinity(pid int, set *unix.CPUSet) error {
	done := map[int]bool{}
	for {
		tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
		if err != nil {
			return err
		}
		found := false
		for _, t := range tasks {
			tid, err := strconv.Atoi(t.Name())
			if err != nil || done[tid] {
				continue
			}
			found = true
			if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
				return fmt.Errorf("thread %d: %w", tid, err)
			}
			done[tid] = true
		}
		if !found {
			return nil
		}
	}
}
