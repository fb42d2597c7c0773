package train

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestCheckpointErrors: garbage and unknown versions are refused with
// ErrFormat; a missing file means a fresh start.
func TestCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte("not a checkpoint"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := loadCheckpoint(bad); !errors.Is(err, graphs.ErrFormat) {
		t.Fatalf("garbage: err = %v", err)
	}
	old := filepath.Join(dir, "old")
	c := &checkpoint{Task: "nodes"}
	if err := saveCheckpoint(old, c); err != nil {
		t.Fatal(err)
	}
	c2, err := loadCheckpoint(old)
	if err != nil || c2.Task != "nodes" || c2.Version != checkpointVersion {
		t.Fatalf("round trip: %v %+v", err, c2)
	}
	if c, err := loadCheckpoint(filepath.Join(dir, "missing")); c != nil || err != nil {
		t.Fatalf("missing file: %v %v", c, err)
	}
	for _, v := range []int{0, 3, 4} {
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&checkpoint{Version: v, Task: "nodes"}); err != nil {
			t.Fatal(err)
		}
		if _, err := decodeCheckpoint(buf.Bytes(), "v"); !errors.Is(err, graphs.ErrFormat) {
			t.Errorf("version %d: err = %v, want ErrFormat", v, err)
		}
	}
}

// FuzzCheckpoint: arbitrary bytes give an error or a checkpoint, never a panic.
func FuzzCheckpoint(f *testing.F) {
	dir := f.TempDir()
	p := filepath.Join(dir, "seed")
	if err := saveCheckpoint(p, &checkpoint{Task: "graphs", Params: [][]float64{{1, 2}}, Shapes: []int{2}}); err != nil {
		f.Fatal(err)
	}
	seed, err := os.ReadFile(p)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := decodeCheckpoint(data, "fuzz")
		if (err == nil) == (c == nil) {
			t.Fatalf("checkpoint %v with error %v", c, err)
		}
		if err != nil && !errors.Is(err, graphs.ErrFormat) {
			t.Fatalf("error %v is not ErrFormat", err)
		}
	})
}

// TestCheckpointCorrupt: every single flipped byte of a checkpoint, and
// every truncation, is refused with ErrFormat and a message naming the
// file (one flipped byte near the end used to resume with other results).
func TestCheckpointCorrupt(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "run.ckpt")
	c := &checkpoint{Task: "nodes", Kind: "gcn", Seed: 3, Epoch: 7, Params: [][]float64{{1, 2, 3}, {4.5}}, Shapes: []int{3, 1}}
	if err := saveCheckpoint(p, c); err != nil {
		t.Fatal(err)
	}
	good, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	check := func(what string, data []byte) {
		t.Helper()
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if _, err := loadCheckpoint(p); !errors.Is(err, graphs.ErrFormat) || !strings.Contains(err.Error(), p) {
			t.Fatalf("%s: err = %v, want ErrFormat naming %s", what, err, p)
		}
	}
	for i := range good {
		bad := bytes.Clone(good)
		bad[i] ^= 0x10
		check(fmt.Sprintf("byte %d of %d flipped", i, len(good)), bad)
	}
	for _, n := range []int{0, 1, len(good) / 2, len(good) - 1} {
		check(fmt.Sprintf("truncated to %d bytes", n), good[:n])
	}
}
