package train_test

import (
	"context"
	"fmt"
	"log"
	"math"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/train"
	"github.com/gnnwb/gnnwb/graphs"
)

// Node classification on two triangles joined by one edge, labels by triangle.
func ExampleNodes() {
	es := []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 0, V: 2}, {U: 3, V: 4}, {U: 4, V: 5}, {U: 3, V: 5}, {U: 2, V: 3}}
	g, err := graphs.FromEdges(6, es, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	x := []float64{1, 0, 1, 0, 1, 0, 0, 1, 0, 1, 0, 1}
	y := []int32{0, 0, 0, 1, 1, 1}
	cfg := train.DefaultNodeConfig(gnn.KindGCN)
	cfg.Epochs, cfg.Stop = 50, train.StopNone
	res, err := train.Nodes(context.Background(), cfg, g, gnn.Features{Dense: x}, y, []int32{0, 5}, []int32{1, 4}, []int32{2, 3})
	if err != nil {
		log.Fatal(err)
	}
	logits, err := res.Model.Predict(gnn.NewBatch(g), gnn.Features{Dense: x})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.Epochs, res.TestAcc, train.Accuracy(logits, 2, y, nil))
	// Output: 50 1 1
}

// Graph classification: paths (label 0) against triangles (label 1).
func ExampleGraphs() {
	var gs []graphs.Graph
	var x []float64
	var y []int32
	for k := range 40 {
		es := []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}
		if k%2 == 1 {
			es = append(es, graphs.Edge{U: 0, V: 2})
		}
		g, err := graphs.FromEdges(3, es, graphs.Undirected)
		if err != nil {
			log.Fatal(err)
		}
		gs = append(gs, g)
		x = append(x, 1, 1, 1)
		y = append(y, int32(k%2))
	}
	idx := func(lo, hi int) []int32 {
		var s []int32
		for i := lo; i < hi; i++ {
			s = append(s, int32(i))
		}
		return s
	}
	cfg := train.DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize = 8, 30, 8
	res, err := train.Graphs(context.Background(), cfg, gs, x, y, idx(0, 24), idx(24, 32), idx(32, 40))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(res.TestAcc)
	// Output: 1
}

// Graph regression: the target of a path of n nodes is n/10, which a sum
// readout of constant features counts.
func ExampleGraphs_regression() {
	var gs []graphs.Graph
	var x, y []float64
	for k := range 60 {
		n := 2 + k%7
		var es []graphs.Edge
		for i := 0; i+1 < n; i++ {
			es = append(es, graphs.Edge{U: i, V: i + 1})
		}
		g, err := graphs.FromEdges(n, es, graphs.Undirected)
		if err != nil {
			log.Fatal(err)
		}
		gs = append(gs, g)
		for range n {
			x = append(x, 1)
		}
		y = append(y, float64(n)/10) // []float64 targets: a regression
	}
	idx := func(lo, hi int) []int32 {
		var s []int32
		for i := lo; i < hi; i++ {
			s = append(s, int32(i))
		}
		return s
	}
	cfg := train.DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize, cfg.Model.Dropout = 8, 100, 8, 0
	// The plain GIN (no BatchNorm, whose batch statistics blur a count):
	// 3 layers, sum pool, Linear–ReLU–Linear, constant learning rate.
	cfg.Model.Layers, cfg.Model.BatchNorm, cfg.Model.Head = 3, false, gnn.HeadMLP
	cfg.LRStep, cfg.LRGamma = 0, 0
	res, err := train.Graphs(context.Background(), cfg, gs, x, y, idx(0, 40), idx(40, 50), idx(50, 60))
	if err != nil {
		log.Fatal(err)
	}
	// The targets' variance is 0.04: the MSE is far below.
	fmt.Println(res.Metric, res.TestLoss < 0.002, res.TestMetric < 0.05)
	// Output: mae true true
}

// ROC-AUC and average precision of scikit-learn's documentation example;
// the third sample is unlabelled (NaN) and left out.
func ExampleROCAUC() {
	score := []float64{0.1, 0.4, 7, 0.35, 0.8}
	target := []float64{0, 0, math.NaN(), 1, 1}
	auc, err := train.ROCAUC(score, target, 1)
	if err != nil {
		log.Fatal(err)
	}
	ap, err := train.AveragePrecision(score, target, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("ROC-AUC %.4f, AP %.4f\n", auc, ap)
	// Output: ROC-AUC 0.7500, AP 0.8333
}
