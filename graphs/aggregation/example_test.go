package aggregation_test

import (
	"fmt"
	"log"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// A GCN's aggregation on a path 0 – 1 – 2, with and without self-loops.
func ExampleAggregation_Operator() {
	g, err := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	h := []float64{1, 2, 3} // one feature per node
	for _, a := range []aggregation.Aggregation{aggregation.GCN, aggregation.GCNNoLoops} {
		op, err := a.Operator(g, 1)
		if err != nil {
			log.Fatal(err)
		}
		out := make([]float64, 3)
		op.Apply(out, h, 1)
		fmt.Printf("%-22s %.4f\n", a, out)
	}
	// Output:
	// symmetric:add-missing  [1.3165 2.2997 2.3165]
	// symmetric              [1.4142 2.8284 1.4142]
}

// The graphon limit of the mean aggregation on the constant graphon W ≡ 0.3,
// on a two-node grid: every node averages f over [0,1].
func ExampleAggregation_Integral() {
	w := []float64{0.3, 0.3, 0.3, 0.3}
	omega := []float64{0.5, 0.5}
	in, err := aggregation.SAGE.Integral(w, omega, 0)
	if err != nil {
		log.Fatal(err)
	}
	out, err := in.Apply(nil, []float64{1, 3}, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(out, in.Degree())
	// Output: [2 2] [0.3 0.3]
}

func ExampleParse() {
	for _, name := range []string{"gcn", "symmetric", "mean:add", "graphon"} {
		a, err := aggregation.Parse(name)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s → norm %v, loops %v\n", name, a.Norm, a.Loops)
	}
	// Output:
	// gcn → norm symmetric, loops add-missing
	// symmetric → norm symmetric, loops none
	// mean:add → norm mean, loops add
	// graphon → norm graphon, loops none
}
