package datasets

import (
	"path/filepath"
	"slices"
	"testing"
)

// Expected counts from the test data's PROVENANCE.md §3 (graphs, nodes,
// undirected edges, classes); features are the one-hot widths of the node
// labels (distinct values listed there: 7, 3, 3, 37, 38, 18, none), edge
// features those of the edge labels (4 for MUTAG and PTC_MR).
func TestReadTUCounts(t *testing.T) {
	root := sharedDir(t)
	tests := []struct {
		name                                    string
		graphs, nodes, edges, classes, features int
		edgeFeatures, lines, duplicates         int
		classCounts                             []int
	}{
		{"MUTAG", 188, 3371, 3721, 2, 7, 4, 7442, 0, []int{63, 125}},
		{"PROTEINS", 1113, 43471, 81044, 2, 3, 0, 162088, 0, []int{663, 450}},
		{"ENZYMES", 600, 19580, 37282, 6, 3, 0, 74564, 0, []int{100, 100, 100, 100, 100, 100}},
		{"NCI1", 4110, 122747, 132753, 2, 37, 0, 265506, 0, []int{2053, 2057}},
		{"NCI109", 4127, 122494, 132604, 2, 38, 0, 265208, 0, []int{2048, 2079}},
		{"PTC_MR", 344, 4915, 5054, 2, 18, 4, 10108, 0, []int{192, 152}},
		{"IMDB-BINARY", 1000, 19773, 96531, 2, 0, 0, 386124, 193062, []int{500, 500}},
		{"IMDB-MULTI", 1500, 19502, 98903, 3, 0, 0, 395612, 197806, []int{500, 500, 500}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(root, "tu", tc.name)
			needFile(t, filepath.Join(dir, tc.name+"_A.txt"))
			ds, err := ReadTU(dir, tc.name, TUOptions{})
			if err != nil {
				t.Fatal(err)
			}
			s := ds.Stats()
			got := []int{s.Graphs, s.Nodes, s.Edges, s.Entries, s.Classes, s.Features, ds.NumEdgeFeatures, ds.Meta.LinesRead, ds.Meta.Duplicates, ds.Meta.SelfLoops, ds.Meta.Symmetrised}
			want := []int{tc.graphs, tc.nodes, tc.edges, 2 * tc.edges, tc.classes, tc.features, tc.edgeFeatures, tc.lines, tc.duplicates, 0, 0}
			if !slices.Equal(got, want) {
				t.Errorf("graphs,nodes,edges,entries,classes,features,edgefeatures,lines,dups,loops,sym = %v, want %v", got, want)
			}
			cnt := make([]int, ds.NumClasses)
			for _, y := range ds.Y {
				cnt[y]++
			}
			if !slices.Equal(cnt, tc.classCounts) {
				t.Errorf("class counts %v, want %v (labels %v)", cnt, tc.classCounts, ds.Meta.LabelValues)
			}
			if len(ds.X) != tc.nodes*tc.features || ds.NodeOffsets[len(ds.Graphs)] != tc.nodes {
				t.Errorf("len(X)=%d, NodeOffsets end %d", len(ds.X), ds.NodeOffsets[len(ds.Graphs)])
			}
			// Every node has exactly one one-hot feature set.
			for i := 0; i < tc.nodes && tc.features > 0; i++ {
				sum := 0.0
				for _, v := range ds.X[i*tc.features : (i+1)*tc.features] {
					sum += v
				}
				if sum != 1 {
					t.Fatalf("node %d: one-hot row sums to %v", i, sum)
				}
			}
			for g, ex := range ds.EdgeX {
				if len(ex) != ds.Graphs[g].NumEntries()*ds.NumEdgeFeatures {
					t.Fatalf("graph %d: %d edge features for %d entries", g, len(ex), ds.Graphs[g].NumEntries())
				}
			}
		})
	}
}
