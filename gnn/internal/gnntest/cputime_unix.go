//go:build unix

package gnntest

import (
	"syscall"
	"testing"
	"time"
)

// CPUClock reports the process's user+system CPU time, a measure that a
// busy shared machine disturbs less than wall time.
func CPUClock() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// ReportCPU adds a "cpu-ms/op" metric from start (taken after set-up).
func ReportCPU(b *testing.B, start time.Duration) {
	if b.N > 0 {
		b.ReportMetric(float64(CPUClock()-start)/float64(b.N)/1e6, "cpu-ms/op")
	}
}
