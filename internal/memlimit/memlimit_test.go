package memlimit

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestAvailable builds fake /proc and /sys/fs/cgroup trees: the smaller of
// MemAvailable and the cgroup's room wins, for cgroup v2 and v1, and "max"
// or a huge v1 limit means no cgroup limit.
func TestAvailable(t *testing.T) {
	const meminfo = "MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n"
	for _, tc := range []struct {
		name, selfCgroup string
		files            map[string]string
		want             float64
		source           string
	}{
		{"v2 pod limit", "0::/kubepods/pod1\n", map[string]string{
			"kubepods/pod1/memory.max": "2147483648\n", "kubepods/pod1/memory.current": "147483648\n"}, 2e9, "cgroup limit"},
		{"v2 no limit", "0::/user.slice\n", map[string]string{"user.slice/memory.max": "max\n"}, 20000000 * 1024, "available memory"},
		{"v2 root files", "0::/\n", map[string]string{"memory.max": "1073741824\n", "memory.current": "0\n"}, 1 << 30, "cgroup limit"},
		{"v1 limit", "12:memory:/docker/abc\n11:cpu,cpuacct:/docker/abc\n", map[string]string{
			"memory/docker/abc/memory.limit_in_bytes": "536870912\n", "memory/docker/abc/memory.usage_in_bytes": "36870912\n"}, 5e8, "cgroup limit"},
		{"v1 unlimited", "12:memory:/\n", map[string]string{"memory/memory.limit_in_bytes": "9223372036854771712\n"}, 20000000 * 1024, "available memory"},
		{"over the limit", "0::/x\n", map[string]string{"x/memory.max": "100\n", "x/memory.current": "200\n"}, 0, "cgroup limit"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			proc, cg := filepath.Join(dir, "proc"), filepath.Join(dir, "cgroup")
			write(t, filepath.Join(proc, "meminfo"), meminfo)
			write(t, filepath.Join(proc, "self", "cgroup"), tc.selfCgroup)
			for name, text := range tc.files {
				write(t, filepath.Join(cg, name), text)
			}
			got, src := available(proc, cg)
			if got != tc.want || src != tc.source {
				t.Fatalf("available = %v (%s), want %v (%s)", got, src, tc.want, tc.source)
			}
		})
	}
	if got, src := available(t.TempDir(), t.TempDir()); got != unknown || src != "unknown" {
		t.Errorf("nothing readable: %v (%s)", got, src)
	}
	if got, _ := Available(); !(got > 0) {
		t.Errorf("Available() = %v on this machine", got)
	}
}

// TestCheck: a small request fits, a huge, infinite or NaN one does not and
// its message gives the estimate and the limit.
func TestCheck(t *testing.T) {
	for _, tc := range []struct {
		bytes float64
		ok    bool
	}{{1 << 10, true}, {1e30, false}, {math.Inf(1), false}, {math.NaN(), false}} {
		err := Check(tc.bytes)
		if (err == nil) != tc.ok {
			t.Fatalf("Check(%v) = %v", tc.bytes, err)
		}
		if err != nil && !strings.Contains(err.Error(), "GB, more than the ") {
			t.Fatalf("Check(%v): message %q", tc.bytes, err)
		}
	}
}
