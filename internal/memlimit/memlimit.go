// Package memlimit tells how much memory this process may still use, so
// that a request too large for it is refused with a clear error before it
// is attempted (and killed by the kernel or a container runtime).
//
// The figure is the smallest of: the memory available on the machine
// (MemAvailable of /proc/meminfo, which counts reclaimable caches), and the
// room left under the process's cgroup memory limit (cgroup v2 memory.max
// minus memory.current, or cgroup v1 memory.limit_in_bytes minus
// memory.usage_in_bytes), as a Kubernetes pod's limit is enforced. Where
// none can be read (another operating system) it is 1 TiB.
package memlimit

import (
	"bufio"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// unknown is the figure returned when nothing can be read.
const unknown = 1 << 40

// Available returns the bytes this process may still allocate and the
// source of the figure ("available memory", "cgroup limit" or "unknown").
// The files are read at most once per second (a read costs about 0.1 ms);
// in between the last figure is returned.
func Available() (bytes float64, source string) {
	cache.mu.Lock()
	defer cache.mu.Unlock()
	if now := time.Now(); cache.at.IsZero() || now.Sub(cache.at) > time.Second {
		cache.bytes, cache.source = available("/proc", "/sys/fs/cgroup")
		cache.at = now
	}
	return cache.bytes, cache.source
}

var cache struct {
	mu     sync.Mutex
	at     time.Time
	bytes  float64
	source string
}

func available(proc, cgroup string) (float64, string) {
	best, src := float64(unknown), "unknown"
	if kb, ok := meminfo(filepath.Join(proc, "meminfo"), "MemAvailable:"); ok {
		best, src = kb*1024, "available memory"
	}
	if room, ok := cgroupRoom(proc, cgroup); ok && room < best {
		best, src = room, "cgroup limit"
	}
	return best, src
}

// meminfo returns the value (kB) of key in a /proc/meminfo file.
func meminfo(path, key string) (float64, bool) {
	f, err := os.Open(path)
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 2 && fields[0] == key {
			kb, err := strconv.ParseFloat(fields[1], 64)
			return kb, err == nil && kb >= 0
		}
	}
	return 0, false
}

// cgroupRoom returns limit − usage of the process's memory cgroup, v2 or v1.
func cgroupRoom(proc, cgroup string) (float64, bool) {
	data, err := os.ReadFile(filepath.Join(proc, "self", "cgroup"))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(data), "\n") {
		parts := strings.SplitN(line, ":", 3)
		if len(parts) != 3 {
			continue
		}
		path := parts[2]
		switch {
		case parts[0] == "0" && parts[1] == "": // v2 unified hierarchy
			if room, ok := room(filepath.Join(cgroup, path, "memory.max"), filepath.Join(cgroup, path, "memory.current")); ok {
				return room, true
			}
			if room, ok := room(filepath.Join(cgroup, "memory.max"), filepath.Join(cgroup, "memory.current")); ok {
				return room, true
			}
		case strings.Contains(","+parts[1]+",", ",memory,"): // v1
			dir := filepath.Join(cgroup, "memory", path)
			if room, ok := room(filepath.Join(dir, "memory.limit_in_bytes"), filepath.Join(dir, "memory.usage_in_bytes")); ok {
				return room, true
			}
			dir = filepath.Join(cgroup, "memory")
			if room, ok := room(filepath.Join(dir, "memory.limit_in_bytes"), filepath.Join(dir, "memory.usage_in_bytes")); ok {
				return room, true
			}
		}
	}
	return 0, false
}

// room returns limit − usage read from two files; "max" (v2) or a v1 limit
// of 2^62 or more means no limit (false).
func room(limitFile, usageFile string) (float64, bool) {
	l, err := os.ReadFile(limitFile)
	if err != nil {
		return 0, false
	}
	ls := strings.TrimSpace(string(l))
	if ls == "max" {
		return 0, false
	}
	limit, err := strconv.ParseFloat(ls, 64)
	if err != nil || limit >= 1<<62 {
		return 0, false
	}
	var usage float64
	if u, err := os.ReadFile(usageFile); err == nil {
		usage, _ = strconv.ParseFloat(strings.TrimSpace(string(u)), 64)
	}
	return max(limit-usage, 0), true
}

// Check returns nil when bytes fit in what Available reports, and otherwise
// an error saying the estimate, the limit and its source, for the caller to
// wrap with what asked for it and graphs.ErrTooLarge. A NaN or infinite
// estimate never fits.
func Check(bytes float64) error {
	avail, source := Available()
	if bytes <= avail {
		return nil
	}
	return &TooLargeError{Bytes: bytes, Avail: avail, Source: source}
}

// TooLargeError is Check's error.
type TooLargeError struct {
	Bytes, Avail float64 // estimated need and limit, in bytes
	Source       string  // source of the limit, as Available
}

func (e *TooLargeError) Error() string {
	return "needs ≈" + gb(e.Bytes) + ", more than the " + gb(e.Avail) + " this process may use (" + e.Source + ")"
}

// gb formats bytes in GB with 3 significant digits.
func gb(b float64) string {
	return strconv.FormatFloat(b/1e9, 'g', 3, 64) + " GB"
}
