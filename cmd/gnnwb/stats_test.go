package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// gnnwb runs the command in-process and returns status, stdout, stderr.
func gnnwb(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"gnnwb"}, args...), &out, &errb)
	return code, out.String(), errb.String()
}

func TestStats(t *testing.T) {
	file := filepath.Join(t.TempDir(), "g.txt")
	// a triangle, a pendant edge, an isolated node (kept by the header) and a self loop
	text := "# Nodes: 6 Edges: 6\n0 1\n1 2\n2 0\n2 3\n4 4\n"
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := gnnwb(t, "stats", "--json", file)
	if code != 0 {
		t.Fatalf("stats: code %d: %s", code, stderr)
	}
	var s struct {
		Nodes, Edges, SelfLoops, Components int
		Triangles                           int64
		Clustering                          float64
		Degree                              struct {
			Min, Max int
			Mean     float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stats --json output %q: %v", stdout, err)
	}
	// triples: node 2 has degree 3 (3 triples), nodes 0, 1 degree 2 (1 each): 5; 3·1/5.
	if s.Nodes != 6 || s.Edges != 5 || s.Triangles != 1 || s.Clustering != 0.6 || s.Components != 3 || s.Degree.Min != 0 || s.Degree.Max != 3 {
		t.Fatalf("stats = %+v", s)
	}
	code, stdout, _ = gnnwb(t, "stats", file)
	if code != 0 || !strings.Contains(stdout, "triangles") {
		t.Fatalf("stats text: code %d, %q", code, stdout)
	}
}

func TestStatsErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	os.WriteFile(bad, []byte("0 1\n1 x\n"), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"stats"}, 2, "FILE"},
		{"unknown flag", []string{"stats", "--bogus", bad}, 2, "bogus"},
		{"missing file", []string{"stats", filepath.Join(dir, "none.txt")}, 1, "none.txt"},
		{"malformed line", []string{"stats", bad}, 1, "bad.txt:2"},
		{"unknown command", []string{"nosuch"}, 2, "nosuch"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := gnnwb(t, tt.args...)
			if code != tt.code || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Fatalf("code %d (want %d), stdout %q, stderr %q (want one line naming %q)", code, tt.code, stdout, stderr, tt.want)
			}
		})
	}
}

// TestStatsNotRegular: a named pipe or a directory is refused at once with
// exit status 1 and one line naming it, instead of blocking on the pipe.
func TestStatsNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	for _, tc := range []struct{ path, want string }{{fifo, "a named pipe"}, {dir, "a directory"}} {
		done := make(chan struct{})
		var code int
		var stderr string
		go func() {
			code, _, stderr = gnnwb(t, "stats", tc.path)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("stats %s blocked", tc.path)
		}
		if code != 1 || !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("stats %s: code %d, stderr %q", tc.path, code, stderr)
		}
	}
}

// TestStatsFlagAfterFile: the usage line's order, FILE then flags, works.
func TestStatsFlagAfterFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "g.txt")
	if err := os.WriteFile(file, []byte("0 1\n1 2\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := gnnwb(t, "stats", file, "--json")
	if code != 0 || !strings.HasPrefix(stdout, `{"nodes":3,"edges":2`) {
		t.Fatalf("code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}
