package graphio_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// A NetworkX edge list with string ids and weights, read and written back
// as node-link JSON.
func Example() {
	in := "alice bob {'weight': 1.5}\nbob carol {'weight': 2}\n"
	g, ids, err := graphio.Parse(strings.NewReader(in), "people.edgelist", graphio.Options{Format: graphio.NetworkX})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(g, ids)
	w, _ := g.Weight(0, 1)
	fmt.Println(ids[0], ids[1], w)
	if err := graphio.Encode(os.Stdout, graphio.NodeLink, g, ids); err != nil {
		fmt.Println(err)
	}
	// Output:
	// undirected weighted graph: 3 nodes, 2 edges [alice bob carol]
	// alice bob 1.5
	// {"directed": false, "multigraph": false, "graph": {}, "nodes": [
	// {"id": "alice"},
	// {"id": "bob"},
	// {"id": "carol"}],
	// "edges": [
	// {"source": "alice", "target": "bob", "weight": 1.5},
	// {"source": "bob", "target": "carol", "weight": 2.0}]}
}

// SNAP's edge lists name nodes by sparse integers; the ids are kept.
func ExampleParse_snap() {
	in := "# Nodes: 3 Edges: 2\n3466\t937\n937\t26196\n"
	g, ids, err := graphio.Parse(strings.NewReader(in), "CA-GrQc.txt", graphio.Options{Format: graphio.EdgeList})
	fmt.Println(g.NumNodes(), g.NumEdges(), ids, err)
	// Output:
	// 3 2 [937 3466 26196] <nil>
}
