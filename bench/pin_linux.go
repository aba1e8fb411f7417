package main

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// pinCPUs gives the redis-server with process id pid the first CPU this process may
// run on, to itself, and this process (and so redis-benchmark, which it starts later)
// the others: each side of the measurement gets cores of its own, as a bot and its
// Redis on separate hosts would, and as redis-benchmark's client and the server
// settle anyway. It keeps GOMAXPROCS as it is: Go would otherwise lower it to the
// CPUs left, and with one P a reply from Redis waits until that P next looks at the
// network, which leaves both sides idle. It returns what it did, for the output.
func pinCPUs(pid int) (string, error) {
	var all unix.CPUSet
	if err := unix.SchedGetaffinity(0, &all); err != nil {
		return "", fmt.Errorf("read this process's CPUs: %w", err)
	}
	redisSet, benchSet, first, err := splitCPUs(all)
	if err != nil {
		return "", err
	}
	runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	if err := setAffinity(pid, &redisSet); err != nil {
		return "", fmt.Errorf("pin redis-server: %w", err)
	}
	if err := setAffinity(os.Getpid(), &benchSet); err != nil {
		return "", fmt.Errorf("pin the bench: %w", err)
	}
	return fmt.Sprintf("redis-server on CPU %d, the bench and redis-benchmark on the other %d (GOMAXPROCS=%d)",
		first, benchSet.Count(), runtime.GOMAXPROCS(0)), nil
}

// splitCPUs splits all into its first CPU (for redis-server) and the others.
func splitCPUs(all unix.CPUSet) (redisSet, benchSet unix.CPUSet, first int, err error) {
	if all.Count() < 2 {
		return redisSet, benchSet, 0, errors.New("needs at least 2 CPUs")
	}
	first = -1
	for c, seen := 0, 0; seen < all.Count(); c++ {
		switch {
		case !all.IsSet(c):
			continue
		case first < 0:
			first = c
			redisSet.Set(c)
		default:
			benchSet.Set(c)
		}
		seen++
	}
	return redisSet, benchSet, first, nil
}

// setAffinity sets the CPUs of every thread of process pid (a new thread inherits
// its creator's).
func setAffinity(pid int, set *unix.CPUSet) error {
	tasks, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return err
	}
	for _, t := range tasks {
		tid, err := strconv.Atoi(t.Name())
		if err != nil {
			continue
		}
		if err := unix.SchedSetaffinity(tid, set); err != nil && !errors.Is(err, unix.ESRCH) {
			return fmt.Errorf("thread %d: %w", tid, err)
		}
	}
	return nil
}
