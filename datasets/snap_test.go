package datasets

import (
	"path/filepath"
	"slices"
	"testing"
)

// Expected values from the test data's PROVENANCE.md §4 and §5.
func TestReadSNAPAndGMLCounts(t *testing.T) {
	root := sharedDir(t)
	email := filepath.Join(root, "snap", "email-Eu-core")
	tests := []struct {
		name                                string
		load                                func() (*NodeDataset, error)
		nodes, edges, lines, loops, classes int
		directed, relabelled                bool
	}{
		// 25571 directed edges, 642 of them self loops.
		{"email-directed", func() (*NodeDataset, error) {
			return ReadSNAP(filepath.Join(email, "email-Eu-core.txt"), filepath.Join(email, "email-Eu-core-department-labels.txt"), true)
		}, 1005, 25571 - 642, 25571, 642, 42, true, false},
		{"email-undirected", func() (*NodeDataset, error) {
			return ReadSNAP(filepath.Join(email, "email-Eu-core.txt"), "", false)
		}, 1005, 16064, 25571, 642, 0, false, false},
		// 28980 lines, 12 self-loop lines, 14484 undirected non-self pairs.
		{"ca-grqc", func() (*NodeDataset, error) {
			return ReadSNAP(filepath.Join(root, "snap", "ca-GrQc", "CA-GrQc.txt"), "", false)
		}, 5242, 14484, 28980, 12, 0, false, true},
		{"facebook", func() (*NodeDataset, error) {
			return ReadSNAP(filepath.Join(root, "snap", "facebook", "facebook_combined.txt"), "", false)
		}, 4039, 88234, 88234, 0, 0, false, false},
		{"karate", func() (*NodeDataset, error) {
			return ReadKarate(filepath.Join(root, "karate", "karate.gml"))
		}, 34, 78, 78, 0, 2, false, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds, err := tc.load()
			if err != nil {
				t.Fatal(err)
			}
			s := ds.Stats()
			got := []int{s.Nodes, s.Edges, ds.Meta.LinesRead, ds.Meta.SelfLoops, s.Classes, ds.Meta.Duplicates}
			want := []int{tc.nodes, tc.edges, tc.lines, tc.loops, tc.classes, 0}
			if !slices.Equal(got, want) || s.Directed != tc.directed || ds.Meta.Relabelled != tc.relabelled {
				t.Errorf("nodes,edges,lines,loops,classes,dups = %v directed %v relabelled %v, want %v %v %v",
					got, s.Directed, ds.Meta.Relabelled, want, tc.directed, tc.relabelled)
			}
		})
	}
}

func TestReadKarateClub(t *testing.T) {
	ds, err := ReadKarate(filepath.Join(sharedDir(t), "karate", "karate.gml"))
	if err != nil {
		t.Fatal(err)
	}
	// PROVENANCE.md §4: deg(1) = 16, deg(34) = 17; 17 members per club;
	// node 1 (Mr. Hi) and node 34 (the officer) lead the two factions.
	if d1, d34 := ds.Graph.Degree(0), ds.Graph.Degree(33); d1 != 16 || d34 != 17 {
		t.Errorf("deg(1)=%d deg(34)=%d, want 16, 17", d1, d34)
	}
	cnt := [2]int{}
	for _, y := range ds.Y {
		cnt[y]++
	}
	if cnt != [2]int{17, 17} || ds.Y[0] != 0 || ds.Y[33] != 1 {
		t.Errorf("club sizes %v, y(1)=%d y(34)=%d", cnt, ds.Y[0], ds.Y[33])
	}
}
