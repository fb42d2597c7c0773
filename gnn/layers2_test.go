package gnn

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

func TestGradGraphLayers(t *testing.T) {
	const n, in, out = 9, 4, 3
	type layerCase struct {
		name  string
		train bool
		make  func() Module
	}
	layers := []layerCase{
		{"sage", false, func() Module { return NewSAGEConv(in, out) }},
		{"gin-trainable-eps", false, func() Module {
			return NewGINConv(in, NewSequential(NewLinear(in, 5, true), NewActivation(activation.Tanh, 0), NewLinear(5, out, true)), 0.3, true)
		}},
		{"gin-fixed-eps", false, func() Module { return NewGINConv(in, NewLinear(in, out, true), 0, false) }},
		{"gat-concat", false, func() Module { return NewGATConv(in, out, 2, true) }},
		{"gat-mean", false, func() Module { return NewGATConv(in, out, 3, false) }},
		{"gat-attn-dropout", true, func() Module { l := NewGATConv(in, out, 2, true); l.AttnDropout = 0.3; return l }},
		{"sequential", true, func() Module {
			return NewSequential(NewDropout(0.5, 1), NewGCNConv(in, 5), NewActivation(activation.Tanh, 0), NewDropout(0.2, 2), NewSAGEConv(5, out))
		}},
	}
	for _, gc := range graphCases {
		for _, lc := range layers {
			t.Run(gc.Name+"/"+lc.name, func(t *testing.T) {
				b, h := smallInput(t, gc, n, in, 11)
				b.Train, b.Key = lc.train, 77
				m := lc.make()
				initRandom(m, 4)
				_, o := m.Dims()
				checkModule(t, m, b, h, n*o, 1)
			})
		}
	}
}

func TestGradReadout(t *testing.T) {
	var gs []graphs.Graph
	for k, n := range []int{4, 0, 6, 1} {
		gs = append(gs, testGraph(t, max(n, 1), 0.5, false, false, uint64(k))) // n ≥ 1 here
		if n == 0 {
			gs[k] = graphs.Graph{}
		}
	}
	b, err := Join(gs)
	if err != nil {
		t.Fatal(err)
	}
	if b.NumGraphs() != 4 || b.NumNodes() != 11 {
		t.Fatalf("joined %d graphs, %d nodes", b.NumGraphs(), b.NumNodes())
	}
	rng := rand.New(rand.NewPCG(3, 3))
	const d = 3
	h := gnntest.RandSlice(rng, b.NumNodes()*d, 1)
	for _, kind := range []Pool{SumPool, MeanPool, MaxPool} {
		t.Run(kind.String(), func(t *testing.T) {
			r := NewReadout(kind, d)
			checkModule(t, r, b, h, b.NumGraphs()*d, 2)
			out := make([]float64, b.NumGraphs()*d)
			if err := r.Forward(out, h, b); err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(out[d:2*d], []float64{0, 0, 0}) {
				t.Errorf("empty graph pooled to %v, want 0", out[d:2*d])
			}
			// graph 3 is the single node 10.
			if !slices.Equal(out[3*d:], h[10*d:]) {
				t.Errorf("one-node graph pooled to %v, want %v", out[3*d:], h[10*d:])
			}
		})
	}
	t.Run("graph-model", func(t *testing.T) {
		m := NewSequential(NewGINConv(d, NewLinear(d, 4, true), 0.1, true), NewActivation(activation.Tanh, 0), NewReadout(MeanPool, 4), NewLinear(4, 2, true))
		initRandom(m, 5)
		checkModule(t, m, b, h, b.NumGraphs()*2, 3)
	})
}

// TestJoinBlockDiagonal: the joined graph's rows are the parts' rows shifted.
func TestJoinBlockDiagonal(t *testing.T) {
	a := testGraph(t, 5, 0.5, true, true, 1)
	c := testGraph(t, 4, 0.5, true, false, 2)
	b, err := Join([]graphs.Graph{a, c})
	if err != nil {
		t.Fatal(err)
	}
	if !b.G.Weighted() || !b.G.Directed() || b.G.NumEntries() != a.NumEntries()+c.NumEntries() {
		t.Fatalf("joined graph %v", b.G)
	}
	for i := range 4 {
		for j := range 4 {
			if w, ok := c.Weight(j, i); ok {
				if w2, ok2 := b.G.Weight(j+5, i+5); !ok2 || w2 != w {
					t.Fatalf("edge %d→%d lost", j, i)
				}
			}
		}
	}
	if _, err := Join([]graphs.Graph{a, testGraph(t, 3, 0.5, false, false, 1)}); !errorsIs(err, graphs.ErrParameter) {
		t.Fatalf("mixed directions: err = %v", err)
	}
}

// TestSparseInput: in evaluation mode the sparse path gives the dense
// path's output and parameter gradients.
func TestSparseInput(t *testing.T) {
	const n, in, out = 12, 30, 4
	g := testGraph(t, n, 0.3, false, true, 3)
	rng := rand.New(rand.NewPCG(9, 9))
	x := make([]float64, n*in)
	for e := range x {
		if rng.Float64() < 0.1 {
			x[e] = 1
		}
	}
	sp, err := sparse.FromDense(n, in, x)
	if err != nil {
		t.Fatal(err)
	}
	if d, err := sp.Dense(); err != nil || !slices.Equal(d, x) {
		t.Fatal("Dense(FromDense(x)) != x")
	}
	for _, first := range []func() SparseModule{
		func() SparseModule { return NewGCNConv(in, 6) },
		func() SparseModule { return NewLinear(in, 6, true) },
		func() SparseModule { return NewSAGEConv(in, 6) },
		func() SparseModule { return NewGATConv(in, 3, 2, true) },
	} {
		mk := func() *Sequential {
			m := NewSequential(NewDropout(0.5, 1), first(), NewActivation(activation.ReLU, 0), NewGCNConv(6, out))
			initRandom(m, 1)
			return m
		}
		b := NewBatch(g)
		md, ms := mk(), mk()
		od, os := make([]float64, n*out), make([]float64, n*out)
		if err := md.Forward(od, x, b); err != nil {
			t.Fatal(err)
		}
		if err := ms.ForwardSparse(os, sp, b); err != nil {
			t.Fatal(err)
		}
		for e := range od {
			if math.Abs(od[e]-os[e]) > 1e-14 {
				t.Fatalf("sparse %v != dense %v", os[e], od[e])
			}
		}
		r := gnntest.RandSlice(rng, n*out, 1)
		if err := md.Backward(nil, r, b); err != nil {
			t.Fatal(err)
		}
		if err := ms.Backward(nil, r, b); err != nil {
			t.Fatal(err)
		}
		pd, ps := md.Params(), ms.Params()
		for k := range pd {
			for e := range pd[k].Grad {
				if math.Abs(pd[k].Grad[e]-ps[k].Grad[e]) > 1e-13 {
					t.Fatalf("%s grad %v (sparse) vs %v (dense)", pd[k].Name, ps[k].Grad[e], pd[k].Grad[e])
				}
			}
		}
		// In training, sparse dropout keeps about half of the stored entries.
		b.Train, b.Key = true, 5
		d := NewDropout(0.5, 3)
		xs, err := d.Sparse(sp, b)
		if err != nil {
			t.Fatal(err)
		}
		kept := 0
		_, _, xv := xs.CSR()
		_, _, spv := sp.CSR()
		for e, v := range xv {
			if v != 0 {
				kept++
				if v != 2*spv[e] {
					t.Fatalf("kept value %v, want %v", v, 2*spv[e])
				}
			}
		}
		nnz := float64(sp.NNZ())
		if z := (float64(kept) - nnz/2) / math.Sqrt(nnz/4); math.Abs(z) > 5 {
			t.Fatalf("kept %d of %v stored entries: z = %.2f", kept, nnz, z)
		}
	}
}
