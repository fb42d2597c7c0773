package graphio_test

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// TestCAGrQc reads SNAP's CA-GrQc.txt as SNAP ships it (a "# Nodes: 5242"
// header and ids up to 26196) by its extension and checks NetworkX's
// numbers for nx.read_edgelist(path, nodetype=int): nodes, edges, self
// loops, triangles, transitivity and connected components.
func TestCAGrQc(t *testing.T) {
	root, err := dataroot.Find()
	if err != nil {
		t.Skipf("%v; skipping real-data test", err)
	}
	path := filepath.Join(root, "snap", "ca-GrQc", "CA-GrQc.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("dataset file %s absent: %v", path, err)
	}
	g, ids, err := graphio.Read(path, graphio.Options{KeepSelfLoops: true})
	if err != nil {
		t.Fatal(err)
	}
	s, err := graphs.Summarize(g)
	if err != nil {
		t.Fatal(err)
	}
	if s.Nodes != 5242 || s.Edges != 14496 || s.SelfLoops != 12 || s.Triangles != 48260 || s.Components != 355 ||
		math.Abs(s.Clustering-0.6298424741263426) > 1e-15 {
		t.Errorf("summary %+v, want NetworkX's 5242 nodes, 14496 edges, 12 self loops, 48260 triangles, transitivity 0.6298424741263426, 355 components", s)
	}
	if len(ids) != 5242 || ids[0] != "13" || ids[5241] != "26196" {
		t.Errorf("ids: %d, first %q, last %q", len(ids), ids[0], ids[len(ids)-1])
	}
}
