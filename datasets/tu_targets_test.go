package datasets

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestReadTUGraphAttributes: DS_graph_attributes.txt gives NumTargets real
// targets per graph, beside the class labels or without them, and its
// malformed lines are errors naming the file and line.
func TestReadTUGraphAttributes(t *testing.T) {
	for _, tc := range []struct {
		name       string
		attributes string
		labels     bool
		want       []float64
		width      int
	}{
		{"one target, with labels", "0.5\n-2e3\n", true, []float64{0.5, -2000}, 1},
		{"two targets, with labels", "1, 2.25\n-3, 4\n", true, []float64{1, 2.25, -3, 4}, 2},
		{"two targets, no labels", "1, 2.25\n-3, 4\n", false, []float64{1, 2.25, -3, 4}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tuToy)
			writeFiles(t, dir, map[string]string{"T_graph_attributes.txt": tc.attributes})
			if !tc.labels {
				if err := os.Remove(filepath.Join(dir, "T_graph_labels.txt")); err != nil {
					t.Fatal(err)
				}
			}
			ds, err := ReadTU(dir, "T", TUOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ds.Targets, tc.want) || ds.NumTargets != tc.width || len(ds.Graphs) != 2 {
				t.Fatalf("targets %v (%d per graph), %d graphs; want %v (%d)", ds.Targets, ds.NumTargets, len(ds.Graphs), tc.want, tc.width)
			}
			if tc.labels != (ds.Y != nil) || tc.labels != (ds.NumClasses == 2) {
				t.Fatalf("labels %v, %d classes", ds.Y, ds.NumClasses)
			}
			if !slices.Contains(ds.Meta.Files, filepath.Join(dir, "T_graph_attributes.txt")) ||
				slices.Contains(ds.Meta.Files, filepath.Join(dir, "T_graph_labels.txt")) != tc.labels || ds.Meta.Files[0] != filepath.Join(dir, "T_A.txt") {
				t.Fatalf("files %v", ds.Meta.Files)
			}
		})
	}
	dir := t.TempDir()
	writeFiles(t, dir, tuToy)
	if ds, err := ReadTU(dir, "T", TUOptions{}); err != nil || ds.Targets != nil || ds.NumTargets != 0 {
		t.Fatalf("without graph attributes: targets %v, %v", ds.Targets, err)
	}
	for _, tc := range []struct {
		name, attributes string
		line             int
		kind             error
	}{
		{"NaN", "1\nNaN\n", 2, graphs.ErrFormat},
		{"infinite", "+Inf\n1\n", 1, graphs.ErrFormat},
		{"malformed", "1\n2x\n", 2, graphs.ErrFormat},
		{"ragged", "1, 2\n3\n", 2, graphs.ErrShape},
		{"more rows than labels", "1\n2\n3\n", 0, graphs.ErrShape},
		{"empty", "", 0, graphs.ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tuToy)
			writeFiles(t, dir, map[string]string{"T_graph_attributes.txt": tc.attributes})
			ds, err := ReadTU(dir, "T", TUOptions{})
			if ds != nil {
				t.Fatalf("got a dataset with error %v", err)
			}
			wantParseError(t, err, "T_graph_attributes.txt", tc.line, tc.kind)
		})
	}
}
