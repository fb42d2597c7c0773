package train

import (
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/gnn/optim"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

type gcnShape struct {
	name           string
	n, entries, d  int
	density        float64
	classes        int
	sparseFeatures bool
}

// Shapes of Cora and PubMed (PyTorch Geometric's Planetoid STATS table:
// Cora 2,708 nodes, 10,556 directed edges, 1,433 features, 7 classes;
// PubMed 19,717 nodes, 88,648 edges, 500 features, 3 classes). Cora's
// binary features have 49,216 nonzeros, 1.27%.
var gcnShapes = []gcnShape{
	{"cora", 2708, 10556, 1433, 0.013, 7, true},
	{"pubmed", 19717, 88648, 500, 1, 3, false},
}

// gcnSetup builds the graph, features, labels, training mask and a 2-layer
// GCN (hidden 16, ReLU, dropout 0.5, Adam lr 0.01, weight decay 5e-4 on all
// parameters as the PyTorch peer bench/peers/gcn_torch.py).
func gcnSetup(tb testing.TB, s gcnShape) (*gnn.Model, *gnn.Batch, gnn.Features, []int32, []int32, *optim.Adam) {
	g := gnntest.RandomCSR(tb, s.n, s.entries, false, 1)
	rng := rand.New(rand.NewPCG(2, 2))
	X := make([]float64, s.n*s.d)
	for e := range X {
		if s.density >= 1 {
			X[e] = rng.Float64()
		} else if rng.Float64() < s.density {
			X[e] = 1
		}
	}
	y := make([]int32, s.n)
	for i := range y {
		y[i] = int32(rng.IntN(s.classes))
	}
	train := make([]int32, 20*s.classes)
	for i := range train {
		train[i] = int32(i)
	}
	m, err := gnn.NewModel(gnn.KindGCN, s.d, 16, s.classes, gnn.ModelOptions{Dropout: 0.5, DecayAll: true})
	if err != nil {
		tb.Fatal(err)
	}
	m.Init(1)
	f := gnn.Features{Dense: X}
	if s.sparseFeatures {
		if f.Sparse, err = sparse.FromDense(s.n, s.d, X); err != nil {
			tb.Fatal(err)
		}
	}
	return m, gnn.NewBatch(g), f, y, train, optim.NewAdam(0.01, 5e-4)
}

// BenchmarkGCNEpoch is one training epoch (forward with dropout, masked
// cross-entropy, backward, Adam step) of Kipf & Welling's 2-layer GCN on
// synthetic Cora- and PubMed-shaped graphs; compare with
// bench/peers/gcn_torch.py (PyTorch, 2 threads).
func BenchmarkGCNEpoch(b *testing.B) {
	for _, s := range gcnShapes {
		b.Run(s.name, func(b *testing.B) {
			m, batch, f, y, train, opt := gcnSetup(b, s)
			ps := m.Params()
			logits := make([]float64, s.n*s.classes)
			grad := make([]float64, len(logits))
			batch.Train = true
			step := 0
			epoch := func() {
				batch.Key = stepKey(1, step)
				step++
				optim.ZeroGrad(ps)
				if err := m.Forward(logits, f, batch); err != nil {
					b.Fatal(err)
				}
				if _, err := CrossEntropy(grad, logits, s.classes, y, train); err != nil {
					b.Fatal(err)
				}
				if err := m.Backward(grad, batch); err != nil {
					b.Fatal(err)
				}
				if err := opt.Step(ps); err != nil {
					b.Fatal(err)
				}
			}
			epoch() // warm-up: operators and buffers
			b.ReportAllocs()
			b.ResetTimer()
			start := gnntest.CPUClock()
			for b.Loop() {
				epoch()
			}
			gnntest.ReportCPU(b, start)
		})
	}
}

// BenchmarkGINGraphStep is one training step (forward, backward, Adam) of
// the graph-level GIN on a MUTAG-shaped mini-batch: 32 graphs of 18 nodes,
// 7 features, hidden 64. "default" is NewGraphModel's plain model with 4
// layers, "xu" adds BatchNorm and the jumping-knowledge sum head.
func BenchmarkGINGraphStep(b *testing.B) {
	const graphsPer, nodes, d, hidden, classes = 32, 18, 7, 64, 2
	gs := make([]graphs.Graph, graphsPer)
	for k := range gs {
		gs[k] = gnntest.RandomCSR(b, nodes, 2*nodes, false, uint64(k))
	}
	batch, err := gnn.Join(gs)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	x := gnntest.RandSlice(rng, batch.NumNodes()*d, 1)
	y := make([]int32, graphsPer)
	for k := range y {
		y[k] = int32(k % classes)
	}
	for _, tc := range []struct {
		name string
		opt  gnn.ModelOptions
	}{
		{"default", gnn.ModelOptions{Layers: 4, Dropout: 0.5}},
		{"xu", gnn.ModelOptions{Layers: 4, Dropout: 0.5, BatchNorm: true, Head: gnn.HeadJumpSum}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			m, err := gnn.NewGraphModel(gnn.KindGIN, d, hidden, classes, tc.opt)
			if err != nil {
				b.Fatal(err)
			}
			m.Init(1)
			ps := m.Params()
			opt := optim.NewAdam(0.01, 0)
			logits := make([]float64, graphsPer*classes)
			grad := make([]float64, len(logits))
			batch.Train = true
			step := 0
			run := func() {
				batch.Key = stepKey(1, step)
				step++
				optim.ZeroGrad(ps)
				if err := m.Forward(logits, gnn.Features{Dense: x}, batch); err != nil {
					b.Fatal(err)
				}
				if _, err := CrossEntropy(grad, logits, classes, y, nil); err != nil {
					b.Fatal(err)
				}
				if err := m.Backward(grad, batch); err != nil {
					b.Fatal(err)
				}
				if err := opt.Step(ps); err != nil {
					b.Fatal(err)
				}
			}
			run()
			b.ReportAllocs()
			b.ResetTimer()
			start := gnntest.CPUClock()
			for b.Loop() {
				run()
			}
			gnntest.ReportCPU(b, start)
		})
	}
}
