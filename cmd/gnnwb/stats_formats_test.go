package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// TestStatsFormats: stats reads the graph formats of graphs/graphio, by
// extension or --format, and SNAP's CA-GrQc.txt as SNAP ships it, giving
// NetworkX's numbers (nx.read_edgelist(path, nodetype=int)).
func TestStatsFormats(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"g.graphml": `<graphml><key id="w" for="edge" attr.name="weight" attr.type="double"/><graph edgedefault="directed"><node id="a"/><node id="z"/><edge source="a" target="b"><data key="w">2</data></edge></graph></graphml>`,
		"g.json":    `{"directed": false, "nodes": [{"id": "a"}, {"id": "z"}], "links": [{"source": "a", "target": "b"}, {"source": "b", "target": "c"}, {"source": "c", "target": "a"}]}`,
		"g.dat":     "alice bob {'weight': 1.5}\nbob carol {}\n",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	type summary struct {
		Nodes, Edges, Components int
		Triangles                int64
		Directed, Weighted       bool
	}
	for _, tc := range []struct {
		args []string
		want summary
	}{
		{[]string{filepath.Join(dir, "g.graphml")}, summary{Nodes: 3, Edges: 1, Components: 2, Directed: true, Weighted: true}},
		{[]string{filepath.Join(dir, "g.json")}, summary{Nodes: 4, Edges: 3, Components: 2, Triangles: 1}},
		{[]string{"--format", "networkx", filepath.Join(dir, "g.dat")}, summary{Nodes: 3, Edges: 2, Components: 1, Weighted: true}},
	} {
		code, stdout, stderr := gnnwb(t, append([]string{"stats", "--json"}, tc.args...)...)
		var s summary
		if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil || s != tc.want {
			t.Errorf("stats %v: code %d, %+v (want %+v), %s", tc.args, code, s, tc.want, stderr)
		}
	}
	if code, _, stderr := gnnwb(t, "stats", filepath.Join(dir, "g.dat")); code != 1 || !strings.Contains(stderr, "g.dat:1: ") || !strings.Contains(stderr, "format networkx") {
		t.Errorf("an unknown extension is an integer edge list: code %d, %s", code, stderr)
	}
	if code, _, stderr := gnnwb(t, "stats", "--format", "gexf", filepath.Join(dir, "g.dat")); code != 2 {
		t.Errorf("unknown format: code %d, %s", code, stderr)
	}

	root, err := dataroot.Find()
	if err != nil {
		t.Skipf("%v: skipping CA-GrQc", err)
	}
	path := filepath.Join(root, "snap", "ca-GrQc", "CA-GrQc.txt")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s absent: skipping", path)
	}
	code, stdout, stderr := gnnwb(t, "stats", "--json", path)
	var s struct {
		summary
		SelfLoops  int     `json:"self_loops"`
		Clustering float64 `json:"clustering"`
	}
	if code != 0 || json.Unmarshal([]byte(stdout), &s) != nil {
		t.Fatalf("stats CA-GrQc.txt: code %d, %s", code, stderr)
	}
	if s.Nodes != 5242 || s.Edges != 14496 || s.SelfLoops != 12 || s.Triangles != 48260 || s.Components != 355 || s.Clustering != 0.6298424741263426 {
		t.Errorf("stats CA-GrQc.txt: %+v, want NetworkX's 5242 nodes, 14496 edges, 12 self loops, 48260 triangles, transitivity 0.6298424741263426, 355 components", s)
	}
}
