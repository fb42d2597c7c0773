package datasets

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// Expected values from the test data's PROVENANCE.md §6.
func TestReadOGBGraphMolbace(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "ogb", "ogbg_molbace")
	ds, err := ReadOGBGraph(dir, "")
	if err != nil {
		t.Fatal(err)
	}
	s := ds.Stats()
	got := []int{s.Graphs, s.Nodes, s.Edges, s.Features, ds.NumEdgeFeatures, s.Classes, s.Train, s.Val, s.Test, ds.Meta.SelfLoops, ds.Meta.Duplicates}
	want := []int{1513, 51577, 55768, 9, 3, 2, 1210, 151, 152, 0, 0}
	if !slices.Equal(got, want) {
		t.Errorf("graphs,nodes,edges,features,edgefeatures,classes,train,val,test,loops,dups = %v, want %v", got, want)
	}
	pos := 0
	for _, y := range ds.Y {
		pos += int(y)
	}
	if pos != 691 {
		t.Errorf("%d positive graphs, want 691", pos)
	}
	all := slices.Concat(ds.Train, ds.Val, ds.Test)
	slices.Sort(all)
	for i, g := range all {
		if int(g) != i {
			t.Fatalf("splits do not partition 0..1512 (position %d holds %d)", i, g)
		}
	}
	// Both directions of an edge carry the same edge features.
	for g, gr := range ds.Graphs[:50] {
		off, nb, _ := gr.CSR()
		e := ds.NumEdgeFeatures
		for i := 0; i < gr.NumNodes(); i++ {
			for p := off[i]; p < off[i+1]; p++ {
				j := int(nb[p])
				q := off[j] + slices.Index(gr.Neighbours(j), int32(i))
				if !slices.Equal(ds.EdgeX[g][p*e:(p+1)*e], ds.EdgeX[g][q*e:(q+1)*e]) {
					t.Fatalf("graph %d: edge features of %d→%d and %d→%d differ", g, j, i, i, j)
				}
			}
		}
	}
}

func writeGz(t *testing.T, path, text string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	z := gzip.NewWriter(&b)
	z.Write([]byte(text))
	z.Close()
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// ogbNodeFixture writes a 5-node node-property dataset in OGB's layout:
// edges 0-1, 1-2, 2-3, 3-3 (self loop), 1-0 (reverse duplicate), 4 isolated.
func ogbNodeFixture(t *testing.T, edges string) string {
	dir := filepath.Join(t.TempDir(), "ogbn_toy")
	writeGz(t, filepath.Join(dir, "raw", "edge.csv.gz"), edges)
	writeGz(t, filepath.Join(dir, "raw", "node-feat.csv.gz"), "0.5,1\n1,2\n-1,0\n2,2\n3,1e-3\n")
	writeGz(t, filepath.Join(dir, "raw", "node-label.csv.gz"), "0\n1\n2\n1\n0\n")
	writeGz(t, filepath.Join(dir, "raw", "num-node-list.csv.gz"), "5\n")
	writeGz(t, filepath.Join(dir, "split", "time", "train.csv.gz"), "3\n0\n")
	writeGz(t, filepath.Join(dir, "split", "time", "valid.csv.gz"), "1\n")
	writeGz(t, filepath.Join(dir, "split", "time", "test.csv.gz"), "2\n4\n")
	return dir
}

func TestReadOGBNodeFixture(t *testing.T) {
	dir := ogbNodeFixture(t, "0,1\n1,2\n2,3\n3,3\n1,0\n")
	for _, directed := range []bool{false, true} {
		ds, err := ReadOGBNode(dir, "", directed)
		if err != nil {
			t.Fatal(err)
		}
		g := ds.Graph
		wantEdges := 3 // {0,1} {1,2} {2,3}
		if directed {
			wantEdges = 4 // 0→1 1→2 2→3 1→0
		}
		if g.NumNodes() != 5 || g.NumEdges() != wantEdges || g.Directed() != directed || ds.Meta.SelfLoops != 1 {
			t.Errorf("directed=%v: %v, self loops %d", directed, g, ds.Meta.SelfLoops)
		}
		if ds.NumFeatures != 2 || ds.X[9] != 1e-3 || ds.NumClasses != 3 || ds.Y[2] != 2 {
			t.Errorf("features %d X[9]=%v classes %d", ds.NumFeatures, ds.X[9], ds.NumClasses)
		}
		if !slices.Equal(ds.Train, []int32{0, 3}) || !slices.Equal(ds.Val, []int32{1}) || !slices.Equal(ds.Test, []int32{2, 4}) {
			t.Errorf("split %v %v %v", ds.Train, ds.Val, ds.Test)
		}
		// Undirected: 1→2 and 2→3 have no reverse in the file (0→1 and
		// 1→0 both do), so 2 entries are added.
		if !directed && (ds.Meta.Symmetrised != 2 || ds.Meta.Duplicates != 0) {
			t.Errorf("symmetrised %d duplicates %d, want 2, 0", ds.Meta.Symmetrised, ds.Meta.Duplicates)
		}

	}
}

func TestReadOGBNodeErrors(t *testing.T) {
	tests := []struct {
		name, edges string
		line        int
		kind        error
	}{
		{"id out of range", "0,1\n1,5\n", 2, graphs.ErrNodeID},
		{"three columns", "0,1\n1,2,3\n", 2, graphs.ErrShape},
		{"not a number", "0,1\nx,2\n", 2, graphs.ErrFormat},
		{"negative", "0,-1\n", 1, graphs.ErrNodeID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := ogbNodeFixture(t, tc.edges)
			_, err := ReadOGBNode(dir, "time", false)
			var pe *graphs.ParseError
			if !errors.As(err, &pe) || pe.Line != tc.line || !errors.Is(err, tc.kind) || filepath.Base(pe.Path) != "edge.csv.gz" {
				t.Errorf("err = %v, want edge.csv.gz:%d wrapping %v", err, tc.line, tc.kind)
			}
		})
	}
	dir := ogbNodeFixture(t, "0,1\n")
	os.Remove(filepath.Join(dir, "raw", "node-label.csv.gz"))
	if _, err := ReadOGBNode(dir, "", false); !errors.Is(err, ErrMissing) {
		t.Errorf("missing node-label: err = %v, want ErrMissing", err)
	}
}
