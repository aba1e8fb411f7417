// Package gctune sets the garbage collector of the bot's process. The bot's live heap
// is small (mostly its record caches, some 20 MB under load) and almost everything it
// allocates per turn is garbage at once, so Go's default GOGC of 100 collects often:
// ~10% of the process's CPU in the bench (docs/redis.md). A higher GC percent trades
// memory for that CPU; a soft memory limit below the container's keeps the larger
// heap goal from pushing the process out of it.
package gctune

import (
	"fmt"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
)

// Percent is the GC percent the bot runs with when GOGC is not set: the heap may
// grow to five times the live heap between collections.
const Percent = 400

// limitShare is the share of the cgroup's memory limit the soft memory limit takes.
const limitShare = 0.9

// cgroupLimits are the files that hold the container's memory limit (cgroup v2, v1).
var cgroupLimits = []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}

// Apply sets the GC percent to Percent unless the environment sets GOGC, and, unless
// it sets GOMEMLIMIT, a soft memory limit of 90% of the cgroup's memory limit when
// there is one. It returns what it set, for the log ("" when nothing).
func Apply(getenv func(string) string) string {
	return apply(getenv, os.ReadFile)
}

func apply(getenv func(string) string, readFile func(string) ([]byte, error)) string {
	var set []string
	if getenv("GOGC") == "" {
		debug.SetGCPercent(Percent)
		set = append(set, "GOGC="+strconv.Itoa(Percent))
	}
	if getenv("GOMEMLIMIT") == "" {
		if limit := cgroupLimit(readFile); limit > 0 {
			soft := int64(float64(limit) * limitShare)
			debug.SetMemoryLimit(soft)
			set = append(set, fmt.Sprintf("GOMEMLIMIT=%d (%.0f%% of the cgroup's %d)", soft, 100*limitShare, limit))
		}
	}
	return strings.Join(set, " ")
}

// cgroupLimit is the cgroup's memory limit in bytes, or 0 when there is none (no
// cgroup file, "max", or v1's "unlimited" of nearly 2^63).
func cgroupLimit(readFile func(string) ([]byte, error)) int64 {
	for _, f := range cgroupLimits {
		b, err := readFile(f)
		if err != nil {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
		if err != nil || n <= 0 || n >= 1<<60 {
			return 0
		}
		return n
	}
	return 0
}
