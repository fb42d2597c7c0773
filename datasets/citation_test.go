package datasets

import (
	"path/filepath"
	"slices"
	"testing"
)

// Expected values from the test data's PROVENANCE.md §2a and §2b.
func TestReadLINQSAndNPZCounts(t *testing.T) {
	root := sharedDir(t)
	tests := []struct {
		name                               string
		load                               func() (*NodeDataset, error)
		nodes, edges, feats, classes, nnz  int
		lines, unknown, loops, symmetrised int
		classCounts                        []int
		firstClass                         string
	}{
		{"linqs-cora", func() (*NodeDataset, error) { return ReadLINQS(filepath.Join(root, "linqs", "cora"), "cora") },
			2708, 5278, 1433, 7, 49216, 5429, 0, 0, 2*5278 - 5429, []int{298, 418, 818, 426, 217, 180, 351}, "Case_Based"},
		{"linqs-citeseer", func() (*NodeDataset, error) { return ReadLINQS(filepath.Join(root, "linqs", "citeseer"), "citeseer") },
			3312, 4536, 3703, 6, 105165, 4732, 17, 124, -1, []int{249, 596, 701, 508, 668, 590}, "AI"},
		{"npz-cora", func() (*NodeDataset, error) { return ReadNPZ(filepath.Join(root, "gnn-benchmark-npz", "cora.npz")) },
			2708, 5278, 1433, 7, 49216, 5429, 0, 0, 2*5278 - 5429, []int{298, 418, 818, 426, 217, 180, 351}, "Case_Based"},
		{"npz-citeseer", func() (*NodeDataset, error) { return ReadNPZ(filepath.Join(root, "gnn-benchmark-npz", "citeseer.npz")) },
			3312, 4536, 3703, 6, 105165, 4715, 0, 124, -1, []int{249, 596, 701, 508, 668, 590}, "AI"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := tc.load()
			if err != nil {
				t.Fatal(err)
			}
			s := ds.Stats()
			got := []int{s.Nodes, s.Edges, s.Entries, s.Features, s.Classes, ds.Meta.LinesRead, ds.Meta.UnknownEndpoints, ds.Meta.SelfLoops, ds.Meta.Duplicates}
			want := []int{tc.nodes, tc.edges, 2 * tc.edges, tc.feats, tc.classes, tc.lines, tc.unknown, tc.loops, 0}
			if !slices.Equal(got, want) {
				t.Errorf("nodes,edges,entries,features,classes,lines,unknown,loops,dups = %v, want %v", got, want)
			}
			if tc.symmetrised >= 0 && ds.Meta.Symmetrised != tc.symmetrised {
				t.Errorf("symmetrised %d, want %d", ds.Meta.Symmetrised, tc.symmetrised)
			}
			nnz := 0
			for _, v := range denseX(t, ds) {
				if v != 0 {
					nnz++
					if v != 1 {
						t.Fatalf("feature value %v, want binary", v)
					}
				}
			}
			if nnz != tc.nnz {
				t.Errorf("feature nonzeros %d, want %d", nnz, tc.nnz)
			}
			cnt := make([]int, ds.NumClasses)
			for _, y := range ds.Y {
				cnt[y]++
			}
			if !slices.Equal(cnt, tc.classCounts) || ds.ClassNames[0] != tc.firstClass {
				t.Errorf("class counts %v names %v, want %v starting %s", cnt, ds.ClassNames, tc.classCounts, tc.firstClass)
			}
		})
	}
}
