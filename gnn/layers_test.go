package gnn

import (
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs/graphstest"

	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
)

// smallInput returns a batch on a test graph and an n×d input away from
// ReLU kinks (entries in ±[0.1, 1]).
func smallInput(t *testing.T, gc graphstest.Kind, n, d int, seed uint64) (*Batch, []float64) {
	g := testGraph(t, n, 0.3, gc.Directed, gc.Weighted, seed)
	rng := rand.New(rand.NewPCG(seed, 5))
	h := gnntest.RandSlice(rng, n*d, 1)
	for e, x := range h {
		if x >= 0 && x < 0.1 {
			h[e] += 0.1
		} else if x < 0 && x > -0.1 {
			h[e] -= 0.1
		}
	}
	return NewBatch(g), h
}

func initRandom(m Module, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	for _, p := range m.Params() {
		if p.Init == InitKeep || p.Buffer {
			continue
		}
		for e := range p.Value {
			p.Value[e] = 2*rng.Float64() - 1 // biases nonzero too
		}
	}
}

func TestGradLayers(t *testing.T) {
	const n, in, out = 9, 4, 3
	type layerCase struct {
		name string
		make func() Module
	}
	layers := []layerCase{
		{"linear", func() Module { return NewLinear(in, out, true) }},
		{"linear-nobias", func() Module { return NewLinear(in, out, false) }},
		{"gcn", func() Module { return NewGCNConv(in, out) }},
		{"gcn-no-loops", func() Module { l := NewGCNConv(in, out); l.Loops = aggregation.NoLoops; return l }},
		{"gcn-add-loops", func() Module { l := NewGCNConv(in, out); l.Loops = aggregation.AddLoops; return l }},
	}
	for _, gc := range graphCases {
		for _, lc := range layers {
			t.Run(gc.Name+"/"+lc.name, func(t *testing.T) {
				b, h := smallInput(t, gc, n, in, 11)
				m := lc.make()
				initRandom(m, 4)
				_, o := m.Dims()
				checkModule(t, m, b, h, n*o, 1)
			})
		}
	}
}

func TestGradActivations(t *testing.T) {
	for _, kind := range []activation.Kind{activation.Identity, activation.ReLU, activation.Tanh, activation.Sigmoid, activation.Erf, activation.ELU} {
		t.Run(kind.String(), func(t *testing.T) {
			b, h := smallInput(t, graphCases[0], 6, 3, 2)
			checkModule(t, NewActivation(kind, 3), b, h, len(h), 2)
		})
	}
}

func TestGradDropout(t *testing.T) {
	for _, p := range []float64{0.5, 0.3} {
		t.Run(fmt.Sprint(p), func(t *testing.T) {
			b, h := smallInput(t, graphCases[0], 50, 3, 2)
			b.Train, b.Key = true, 42
			d := NewDropout(p, 1)
			checkModule(t, d, b, h, len(h), 2)
			out := make([]float64, len(h))
			if err := d.Forward(out, h, b); err != nil {
				t.Fatal(err)
			}
			kept := 0
			for e := range out {
				switch out[e] {
				case 0:
				default:
					kept++
					if r := out[e] / h[e]; gnntest.RelErr(r, d.scale) > 1e-15 {
						t.Fatalf("kept entry scaled by %v, want %v", r, d.scale)
					}
				}
			}
			// kept ~ Binomial(150, 1−p): |z| < 5.
			mu := 150 * (1 - p)
			sd := sqrt(150 * p * (1 - p))
			if z := (float64(kept) - mu) / sd; z > 5 || z < -5 {
				t.Errorf("kept %d of 150, z = %.2f", kept, z)
			}
		})
	}
}
