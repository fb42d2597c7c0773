//go:build unix

package gnn

import (
	"syscall"
	"testing"
	"time"
)

// cpuClock reports the process's user+system CPU time, a measure that a
// busy shared machine disturbs less than wall time.
func cpuClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU adds a "cpu-ms/op" metric from start (taken after set-up).
func reportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(cpuClock()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
