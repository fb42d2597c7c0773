package gnn

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
)

// TestLayersDeterminism: every layer's forward and backward give the same
// bits with GOMAXPROCS 1, 2 and 4 on a graph spanning several node chunks and
// inputs wider than a column block.
func TestLayersDeterminism(t *testing.T) {
	g := testGraph(t, 1300, 0.004, true, true, 8)
	const in, out = 40, 9
	rng := rand.New(rand.NewPCG(8, 8))
	h := gnntest.RandSlice(rng, g.NumNodes()*in, 1)
	makers := map[string]func() Module{
		"gcn":  func() Module { return NewGCNConv(in, out) },
		"sage": func() Module { return NewSAGEConv(in, out) },
		"gin": func() Module {
			return NewGINConv(in, NewSequential(NewLinear(in, 12, true), NewActivation(activation.Erf, 0), NewLinear(12, out, true)), 0.1, true)
		},
		"gat": func() Module {
			l := NewGATConv(in, out, 3, true)
			l.AttnDropout = 0.4
			return l
		},
		"batchnorm": func() Module { return NewBatchNorm(in) },
		"gin-batchnorm": func() Module {
			return NewSequential(NewGINConv(in, NewSequential(NewLinear(in, 12, true), NewBatchNorm(12), NewActivation(activation.ReLU, 0), NewLinear(12, out, true)), 0, false),
				NewBatchNorm(out), NewActivation(activation.ReLU, 0))
		},
		"sequential": func() Module {
			return NewSequential(NewDropout(0.3, 1), NewGCNConv(in, 16), NewActivation(activation.Sigmoid, 0), NewDropout(0.5, 2), NewGCNConv(16, out))
		},
	}
	for name, mk := range makers {
		t.Run(name, func(t *testing.T) {
			run := func(procs int) ([]float64, []float64, []Param) {
				old := runtime.GOMAXPROCS(procs)
				defer runtime.GOMAXPROCS(old)
				m := mk()
				initRandom(m, 2)
				b := NewBatch(g)
				b.Train, b.Key = true, 99
				_, o := m.Dims()
				y := make([]float64, g.NumNodes()*o)
				if err := m.Forward(y, h, b); err != nil {
					t.Fatal(err)
				}
				dh := make([]float64, len(h))
				if err := m.Backward(dh, y, b); err != nil {
					t.Fatal(err)
				}
				return y, dh, m.Params()
			}
			y1, d1, p1 := run(1)
			for _, procs := range []int{2, 4} {
				y2, d2, p2 := run(procs)
				sameBits(t, "out", y1, y2)
				sameBits(t, "dh", d1, d2)
				for k := range p1 {
					sameBits(t, p1[k].Name, p1[k].Grad, p2[k].Grad)
				}
			}
		})
	}
}

func sameBits(t *testing.T, what string, a, b []float64) {
	t.Helper()
	for e := range a {
		if math.Float64bits(a[e]) != math.Float64bits(b[e]) {
			t.Fatalf("%s[%d]: %v vs %v", what, e, a[e], b[e])
		}
	}
}
