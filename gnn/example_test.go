package gnn_test

import (
	"fmt"
	"log"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// A two-layer GCN on a 4-cycle: forward pass and parameter count.
func ExampleNewModel() {
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 3}, {U: 3, V: 0}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	m, err := gnn.NewModel(gnn.KindGCN, 2, 16, 3, gnn.ModelOptions{Dropout: 0.5})
	if err != nil {
		log.Fatal(err)
	}
	m.Init(1)
	x := []float64{1, 0, 0, 1, 1, 0, 0, 1}
	out := make([]float64, 4*3)
	if err := m.Forward(out, gnn.Features{Dense: x}, gnn.NewBatch(g)); err != nil {
		log.Fatal(err)
	}
	n := 0
	for _, p := range m.Params() {
		n += len(p.Value)
	}
	fmt.Println(len(out), n) // (2·16+16) + (16·3+3)
	// Output: 12 99
}

// Two graphs joined block-diagonally, pooled per graph.
func ExampleJoin() {
	a, _ := graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 1}}, graphs.Undirected)
	c, _ := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	b, err := gnn.Join([]graphs.Graph{a, c})
	if err != nil {
		log.Fatal(err)
	}
	h := []float64{1, 2, 3, 4, 5} // one feature per node
	out := make([]float64, 2)
	if err := gnn.NewReadout(gnn.SumPool, 1).Forward(out, h, b); err != nil {
		log.Fatal(err)
	}
	fmt.Println(b.NumGraphs(), b.Offsets, out)
	// Output: 2 [0 2 5] [3 12]
}

// One training pass of a BatchNorm on a 4×2 input moves the running
// statistics from (0, 1) by momentum 0.1 towards the batch mean and the
// unbiased batch variance: column 0 is 1, 3, 5, 7 (mean 4, variance 20/3).
func ExampleNewBatchNorm() {
	bn := gnn.NewBatchNorm(2)
	h := []float64{1, 0, 3, 2, 5, 2, 7, 4}
	out := make([]float64, len(h))
	if err := bn.Forward(out, h, &gnn.Batch{Train: true}); err != nil {
		log.Fatal(err)
	}
	fmt.Printf("mean %.4f var %.4f out[0] %.4f\n", bn.RunMean, bn.RunVar, out[0])
	// Output: mean [0.4000 0.2000] var [1.5667 1.1667] out[0] -1.3416
}

// Xu et al.'s GIN on MUTAG-sized input (7 node labels, 2 classes): 4 GIN
// layers with BatchNorm and the jumping-knowledge sum over 5 depths.
func ExampleNewGraphModel() {
	m, err := gnn.NewGraphModel(gnn.KindGIN, 7, 64, 2, gnn.ModelOptions{Layers: 4, BatchNorm: true, Head: gnn.HeadJumpSum, Dropout: 0.5})
	if err != nil {
		log.Fatal(err)
	}
	var trained, buffers int
	for _, p := range m.Params() {
		if p.Buffer {
			buffers += len(p.Value)
		} else {
			trained += len(p.Value)
		}
	}
	fmt.Println(trained, buffers)
	// Output: 31192 1024
}
