package datasets

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestLoadersIndependentOfGOMAXPROCS loads with 1 and 4 workers and
// compares every array bit for bit.
func TestLoadersIndependentOfGOMAXPROCS(t *testing.T) {
	root := sharedDir(t)
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	load := func() (*NodeDataset, *GraphDataset) {
		n, err := ReadPlanetoid(filepath.Join(root, "planetoid", "raw"), "citeseer")
		if err != nil {
			t.Fatal(err)
		}
		g, err := ReadTU(filepath.Join(root, "tu", "MUTAG"), "MUTAG", TUOptions{})
		if err != nil {
			t.Fatal(err)
		}
		return n, g
	}
	runtime.GOMAXPROCS(1)
	n1, g1 := load()
	runtime.GOMAXPROCS(4)
	n4, g4 := load()
	if !graphs.Equal(n1.Graph, n4.Graph) || !slices.Equal(denseX(t, n1), denseX(t, n4)) || !slices.Equal(n1.Y, n4.Y) || n1.Meta.Duplicates != n4.Meta.Duplicates {
		t.Error("Planetoid CiteSeer differs between GOMAXPROCS 1 and 4")
	}
	for i := range g1.Graphs {
		if !graphs.Equal(g1.Graphs[i], g4.Graphs[i]) || !slices.Equal(g1.EdgeX[i], g4.EdgeX[i]) {
			t.Fatalf("MUTAG graph %d differs between GOMAXPROCS 1 and 4", i)
		}
	}
}

// TestReadPlanetoidToy builds a tiny Planetoid dataset with the py2 pickle
// encoder and checks PyG's rules by hand: 510 allx rows (the first 2 are
// the training set), two test rows with test.index = [513, 511] (unsorted,
// with gaps), so n = 514, node 513 takes tx row 0 and node 511 tx row 1,
// nodes 510 and 512 are padded with zero features and label 0.
func TestReadPlanetoidToy(t *testing.T) {
	dir := t.TempDir()
	const nAll, d = 510, 3
	ptr := make([]int32, nAll+1)
	for i := 1; i <= nAll; i++ {
		ptr[i] = 2 // only row 0 has entries
	}
	ally := make([]int32, nAll*2)
	for i := 0; i < nAll; i++ {
		ally[2*i+i%2] = 1 // class i mod 2
	}
	adj := make([][]int, 514)
	adj[0] = []int{1, 1, 0, 513} // duplicate, self loop, edge to a test node
	adj[1] = []int{0}
	files := map[string][]byte{
		"x":          csrPickle(2, d, []int32{0, 2, 2}, []int32{0, 2}, []float32{1, 0.5}),
		"allx":       csrPickle(nAll, d, ptr, []int32{0, 2}, []float32{1, 0.5}),
		"tx":         csrPickle(2, d, []int32{0, 1, 2}, []int32{1, 2}, []float32{7, 9}),
		"y":          arrayPickle(2, 2, ally[:4]),
		"ally":       arrayPickle(nAll, 2, ally),
		"ty":         arrayPickle(2, 2, []int32{0, 1, 1, 0}),
		"graph":      dictPickle(adj),
		"test.index": []byte("513\n511\n"),
	}
	for part, b := range files {
		if err := os.WriteFile(filepath.Join(dir, "ind.toy."+part), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ds, err := ReadPlanetoid(dir, "toy")
	if err != nil {
		t.Fatal(err)
	}
	X := denseX(t, ds)
	row := func(i int) string { return fmt.Sprint(X[i*d : (i+1)*d]) }
	checks := []struct{ got, want string }{
		{fmt.Sprint(ds.Graph.NumNodes(), ds.NumFeatures, ds.NumClasses), "514 3 2"},
		{row(0), "[1 0 0.5]"},
		{row(513), "[0 7 0]"},
		{row(511), "[0 0 9]"},
		{row(510) + row(512), "[0 0 0][0 0 0]"},
		{fmt.Sprint(ds.Y[513], ds.Y[511], ds.Y[510], ds.Y[512], ds.Y[1]), "1 0 0 0 1"},
		{fmt.Sprint(ds.Train, len(ds.Val), ds.Val[0], ds.Val[499], ds.Test), "[0 1] 500 2 501 [511 513]"},
		{fmt.Sprint(ds.Meta.PaddedNodes, ds.Meta.SelfLoops, ds.Meta.Duplicates, ds.Meta.Symmetrised), "2 1 1 1"},
		{fmt.Sprint(ds.Graph.NumEdges(), ds.Graph.HasEdge(0, 513), ds.Graph.HasEdge(513, 0)), "2 true true"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
}
