package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestReadIDs: label, target and feature files that name nodes by a graph
// file's own ids.
func TestReadIDs(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	ids := []string{"alice", "bob", "937"}
	y, err := ReadNodeLabelsIDs(write("y", "# who\nbob 1\n937 0\n"), 3, ids)
	if err != nil || !slices.Equal(y, []int32{-1, 1, 0}) {
		t.Errorf("labels %v %v", y, err)
	}
	tg, err := ReadTargetsIDs(write("t", "alice 0.5\n"), 3, ids)
	if err != nil || tg[0] != 0.5 || tg[1] == tg[1] {
		t.Errorf("targets %v %v", tg, err)
	}
	X, d, err := ReadNodeFeaturesIDs(write("x", "937 3 4\nalice 1 2\nbob 5 6\n"), 3, ids)
	if err != nil || d != 2 || !slices.Equal(X, []float64{1, 2, 5, 6, 3, 4}) {
		t.Errorf("features %v %d %v", X, d, err)
	}
	var pe *graphs.ParseError
	if _, err := ReadNodeLabelsIDs(write("bad", "carol 1\n"), 3, ids); !errors.As(err, &pe) || pe.Line != 1 || !errors.Is(err, graphs.ErrNodeID) {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := ReadNodeLabelsIDs(write("y2", "0 1\n"), 2, nil); err != nil {
		t.Errorf("nil ids: %v", err)
	}
	if _, err := ReadTargetsIDs(write("t2", "0 1\n"), 2, ids); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("ids for another n: %v", err)
	}
}
