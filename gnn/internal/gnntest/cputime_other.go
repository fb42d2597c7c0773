//go:build !unix

package gnntest

import (
	"testing"
	"time"
)

// CPUClock is 0 where getrusage is missing.
func CPUClock() time.Duration { return 0 }

// ReportCPU adds nothing where CPUClock is missing.
func ReportCPU(b *testing.B, start time.Duration) {}
