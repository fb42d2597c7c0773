package datasets

import (
	"path/filepath"
	"slices"
	"testing"
)

// Expected values from the test data's PROVENANCE.md §1 (counted there
// with Python) and PyTorch Geometric's Planetoid STATS table (edges =
// 2 × undirected pairs).
func TestReadPlanetoidCounts(t *testing.T) {
	root := sharedDir(t)
	dir := filepath.Join(root, "planetoid", "raw")
	tests := []struct {
		name                           string
		nodes, edges, feats, classes   int
		train, val, test, padded, loop int
		nnzX                           int // nonzeros in rows 0..train−1 (= nnz of ind.<name>.x)
		classCounts                    []int
	}{
		{"cora", 2708, 5278, 1433, 7, 140, 500, 1000, 0, 0, 2647, []int{351, 217, 418, 818, 426, 298, 180}},
		{"citeseer", 3327, 4552, 3703, 6, 120, 500, 1000, 15, 248, 3778, nil},
		{"pubmed", 19717, 44324, 500, 3, 60, 500, 1000, 0, 6, 2819, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			needFile(t, filepath.Join(dir, "ind."+tc.name+".allx"))
			ds, err := ReadPlanetoid(dir, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			s := ds.Stats()
			got := []int{s.Nodes, s.Edges, s.Entries, s.Features, s.Classes, s.Train, s.Val, s.Test, ds.Meta.PaddedNodes}
			want := []int{tc.nodes, tc.edges, 2 * tc.edges, tc.feats, tc.classes, tc.train, tc.val, tc.test, tc.padded}
			if !slices.Equal(got, want) {
				t.Errorf("nodes,edges,entries,features,classes,train,val,test,padded = %v, want %v", got, want)
			}
			if ds.Meta.SelfLoops != tc.loop || ds.Meta.Symmetrised != 0 {
				t.Errorf("self loops %d (want %d), symmetrised %d (want 0)", ds.Meta.SelfLoops, tc.loop, ds.Meta.Symmetrised)
			}
			X := denseX(t, ds)
			if len(ds.Y) != tc.nodes {
				t.Fatalf("len(Y)=%d", len(ds.Y))
			}
			all := 0
			for _, v := range X {
				if v != 0 {
					all++
				}
			}
			if s.SparseEntries != all {
				t.Errorf("Stats().SparseEntries = %d, dense features have %d nonzeros", s.SparseEntries, all)
			}
			nnz := 0
			for _, v := range X[:tc.train*tc.feats] {
				if v != 0 {
					nnz++
				}
			}
			if nnz != tc.nnzX {
				t.Errorf("nonzeros in training rows = %d, want %d", nnz, tc.nnzX)
			}
			// 20 training nodes per class (Planetoid's public split).
			per := make([]int, tc.classes)
			for _, i := range ds.Train {
				per[ds.Y[i]]++
			}
			for c, k := range per {
				if k != 20 {
					t.Errorf("class %d has %d training nodes, want 20", c, k)
				}
			}
			if tc.classCounts != nil {
				all := make([]int, tc.classes)
				for _, y := range ds.Y {
					all[y]++
				}
				if !slices.Equal(all, tc.classCounts) {
					t.Errorf("class counts %v, want %v", all, tc.classCounts)
				}
			}
			if !slices.IsSorted(ds.Test) || ds.Test[0] < int32(ds.Val[len(ds.Val)-1]) {
				t.Errorf("test ids not sorted or overlapping validation")
			}
		})
	}
}

// TestReadPlanetoidFingerprint compares features, labels and edges with a
// PyG-equivalent numpy/scipy reading of the same files
// (bench/peers/load_peers.py --fingerprint, numpy 1.24.2, scipy 1.10.1):
// X = Σ (i+1)(j+1)·x_ij, Y = Σ (i+1)·y_i, E = Σ over edge_index columns
// (src·n + dst) mod 1000003.
func TestReadPlanetoidFingerprint(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "planetoid", "raw")
	tests := []struct {
		name    string
		x, y, e int64
	}{
		{"cora", 52537512582, 10514174, 5192873824},
		{"citeseer", 317817808020, 14899555, 4501959083},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := ReadPlanetoid(dir, tc.name)
			if err != nil {
				t.Fatal(err)
			}
			n, d := ds.Graph.NumNodes(), ds.NumFeatures
			X := denseX(t, ds)
			var fx float64
			var fy, fe int64
			for i := 0; i < n; i++ {
				for j, v := range X[i*d : (i+1)*d] {
					fx += float64(i+1) * float64(j+1) * v
				}
				fy += int64(i+1) * int64(ds.Y[i])
				for _, s := range ds.Graph.Neighbours(i) {
					fe += (int64(s)*int64(n) + int64(i)) % 1000003
				}
			}
			if int64(fx) != tc.x || fy != tc.y || fe != tc.e {
				t.Errorf("fingerprints X %d Y %d E %d, want %d %d %d", int64(fx), fy, fe, tc.x, tc.y, tc.e)
			}
		})
	}
}
