package walk_test

import (
	"fmt"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// The lazy walk on a path of four nodes: its stationary law is deg_i/2m,
// and it starts from it.
func ExampleNewGraph() {
	g, _ := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 3}}, graphs.Undirected)
	x := []float64{0, 1, 2, 3} // d = 1
	y := []float64{0, 1, 4, 9}
	w, err := walk.NewGraph(g, x, 1, y, aggregation.Aggregation{Norm: aggregation.Mean}, 1, walk.Options{Hold: 0.5})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("stationary law:", w.Stationary())
	nodes := make([]int, 12)
	w.Walk(rand.New(rand.NewPCG(1, 2)), nodes)
	fmt.Println("visited:", nodes)
	// Output:
	// stationary law: [0.16666666666666666 0.3333333333333333 0.3333333333333333 0.16666666666666666]
	// visited: [3 3 2 1 0 1 0 0 1 2 3 2]
}
