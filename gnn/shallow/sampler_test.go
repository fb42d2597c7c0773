package shallow

import (
	"github.com/gnnwb/gnnwb/graphs/graphstest"

	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

// testGraphs: an undirected weighted graph with a self loop and an isolated
// node, and a directed unweighted one.
func testGraphs(t *testing.T) map[string]graphs.Graph {
	t.Helper()
	und, err := graphs.FromEdges(6, []graphs.Edge{{U: 0, V: 1, W: 2}, {U: 1, V: 2, W: 0.5}, {U: 2, V: 0, W: 1.5}, {U: 3, V: 2, W: 1}, {U: 3, V: 3, W: 0.25}, {U: 4, V: 0, W: 3}},
		graphs.Weighted|graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := graphs.FromEdges(5, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 0}, {U: 3, V: 0}, {U: 0, V: 4}, {U: 4, V: 4}},
		graphs.Directed|graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]graphs.Graph{"undirected-weighted": und, "directed": dir}
}

func allAggregations() []aggregation.Aggregation {
	var as []aggregation.Aggregation
	for _, k := range []aggregation.Norm{aggregation.Graphon, aggregation.Sum, aggregation.Mean, aggregation.Symmetric} {
		for _, l := range []aggregation.Loops{aggregation.NoLoops, aggregation.AddLoops, aggregation.AddMissingLoops} {
			as = append(as, aggregation.Aggregation{Norm: k, Loops: l})
		}
	}
	return as
}

// TestGraphSamplerDense: the samples of both variants against the dense
// operator: φ_i = (x_i, (S x)_i) for model A, and for model B the model's
// output on the sampled neighbourhood equals N^{−γ} Σ_k c^k Σ_j S_ij σ(a^k·φ_j).
func TestGraphSamplerDense(t *testing.T) {
	const d, rho, nb = 2, 0.4, 7
	for name, g := range testGraphs(t) {
		n := g.NumNodes()
		x := make([]float64, n*d)
		y := make([]float64, n) // y_i = i names the drawn node
		for i := range x {
			x[i] = math.Sin(float64(3*i + 1))
		}
		for i := range y {
			y[i] = float64(i)
		}
		for _, agg := range allAggregations() {
			t.Run(fmt.Sprintf("%s/%v", name, agg), func(t *testing.T) {
				s, err := NewGraphSampler(g, x, d, y, agg, rho)
				if err != nil {
					t.Fatal(err)
				}
				S := graphstest.Aggregation(g, agg, rho)
				var M mat.Dense
				M.Mul(S, mat.NewDense(n, d, x))
				phi := func(j int) []float64 {
					return []float64{x[j*d], x[j*d+1], M.At(j, 0), M.At(j, 1)}
				}
				ba := &Samples{Dim: d, Y: make([]float64, nb), Phi: make([]float64, nb*2*d)}
				if err := s.Sample(rand.New(rand.NewPCG(3, 3)), ba.Phi, ba.Y); err != nil {
					t.Fatal(err)
				}
				for b, f := range ba.Y {
					for k, want := range phi(int(f)) {
						if math.Abs(ba.Phi[b*2*d+k]-want) > 1e-14 {
							t.Errorf("sample %d (node %v): φ[%d] = %v, want %v", b, f, k, ba.Phi[b*2*d+k], want)
						}
					}
				}
				bb := &Samples{Dim: d, Y: make([]float64, nb), End: make([]int, nb)}
				bb.Weight, bb.NbrPhi, err = s.SampleNeighbours(rand.New(rand.NewPCG(3, 3)), bb.Y, bb.End, nil, nil)
				if err != nil {
					t.Fatal(err)
				}
				if !sameBits(ba.Y, bb.Y) {
					t.Errorf("Sample and SampleNeighbours drew different nodes: %v, %v", ba.Y, bb.Y)
				}
				ids := make([]int, nb)
				for b, f := range bb.Y {
					ids[b] = int(f)
				}
				for _, v := range []Variant{ModelA, ModelB} {
					at, err := s.At(ids, v)
					if err != nil {
						t.Fatal(err)
					}
					want := ba
					if v == ModelB {
						want = bb
					}
					if !sameBatch(at, want) {
						t.Errorf("At(%v, %v) differs from the sampled batch", ids, v)
					}
				}
				m, err := NewModel(ModelConfig{Width: 3, Dim: d, Gamma: 1, Activation: activation.Tanh, Variant: ModelB, Sc: 1, Sw: 1, Seed: 2})
				if err != nil {
					t.Fatal(err)
				}
				got := make([]float64, nb)
				if err := m.Predict(got, bb); err != nil {
					t.Fatal(err)
				}
				for b, f := range bb.Y {
					i := int(f)
					want := 0.0
					for k := range m.N {
						h := 0.0
						for j := range n {
							h += S.At(i, j) * math.Tanh(dot(m.A[k*2*d:(k+1)*2*d], phi(j)))
						}
						want += m.C[k] * h
					}
					want /= float64(m.N)
					if math.Abs(got[b]-want) > 1e-14 {
						t.Errorf("model B at node %d: %v, dense %v", i, got[b], want)
					}
				}
			})
		}
	}
}

func TestSamplerErrors(t *testing.T) {
	g := testGraphs(t)["directed"]
	x, y := make([]float64, 10), make([]float64, 5)
	tests := []struct {
		name string
		err  error
		kind error
	}{
		{"empty graph", func() error { _, err := NewGraphSampler(graphs.Graph{}, nil, 1, nil, aggregation.GIN, 1); return err }(), graphs.ErrParameter},
		{"d 0", func() error { _, err := NewGraphSampler(g, x, 0, y, aggregation.GIN, 1); return err }(), graphs.ErrParameter},
		{"short x", func() error { _, err := NewGraphSampler(g, x[:9], 2, y, aggregation.GIN, 1); return err }(), graphs.ErrShape},
		{"rho 0", func() error { _, err := NewGraphSampler(g, x, 2, y, aggregation.Aggregation{}, 0); return err }(), graphs.ErrParameter},
		{"rho NaN", func() error { _, err := NewGraphSampler(g, x, 2, y, aggregation.Aggregation{}, math.NaN()); return err }(), graphs.ErrParameter},
		{"aggregation", func() error {
			_, err := NewGraphSampler(g, x, 2, y, aggregation.Aggregation{Norm: 7}, 1)
			return err
		}(), graphs.ErrParameter},
		{"func unset", (&FuncSampler{D: 1}).Sample(rand.New(rand.NewPCG(1, 1)), make([]float64, 2), make([]float64, 1)), graphs.ErrParameter},
		{"func no W", func() error {
			_, _, err := legendreSamplerNoW().SampleNeighbours(rand.New(rand.NewPCG(1, 1)), make([]float64, 1), make([]int, 1), nil, nil)
			return err
		}(), graphs.ErrParameter},
		{"func phi shape", legendreSampler().Sample(rand.New(rand.NewPCG(1, 1)), make([]float64, 3), make([]float64, 1)), graphs.ErrShape},
	}
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.kind) {
			t.Errorf("%s: error %v, want %v", tt.name, tt.err, tt.kind)
		}
	}
}

func legendreSamplerNoW() *FuncSampler {
	s := legendreSampler()
	s.W = nil
	return s
}

func sameBatch(a, b *Samples) bool {
	if a.Dim != b.Dim || len(a.End) != len(b.End) {
		return false
	}
	for i := range a.End {
		if a.End[i] != b.End[i] {
			return false
		}
	}
	return sameBits(a.Y, b.Y) && sameBits(a.Phi, b.Phi) && sameBits(a.Weight, b.Weight) && sameBits(a.NbrPhi, b.NbrPhi)
}

// TestFuncSamplerAt: the batch At builds for the latents Sample drew equals
// the sampled batch, for both variants.
func TestFuncSamplerAt(t *testing.T) {
	s := legendreSampler()
	const nb = 4
	u := make([]float64, nb)
	rng := rand.New(rand.NewPCG(2, 9))
	for i := range u {
		u[i] = rng.Float64()
	}
	ba := &Samples{Dim: 1, Y: make([]float64, nb), Phi: make([]float64, 2*nb)}
	if err := s.Sample(rand.New(rand.NewPCG(2, 9)), ba.Phi, ba.Y); err != nil {
		t.Fatal(err)
	}
	bb := &Samples{Dim: 1, Y: make([]float64, nb), End: make([]int, nb)}
	var err error
	bb.Weight, bb.NbrPhi, err = s.SampleNeighbours(rand.New(rand.NewPCG(2, 9)), bb.Y, bb.End, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[Variant]*Samples{ModelA: ba, ModelB: bb} {
		got, err := s.At(u, v)
		if err != nil {
			t.Fatal(err)
		}
		if !sameBatch(got, want) {
			t.Errorf("%v: At differs from the sampled batch", v)
		}
	}
	if len(bb.Weight) != nb*8 {
		t.Errorf("model B entries %d, want %d (8 nodes, W > 0)", len(bb.Weight), nb*8)
	}
	g := testGraphs(t)["directed"]
	gs, err := NewGraphSampler(g, make([]float64, 5), 1, make([]float64, 5), aggregation.GIN, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gs.At([]int{5}, ModelA); !errors.Is(err, graphs.ErrNodeID) {
		t.Errorf("node 5 of 5: %v", err)
	}
}

// TestLatentsFirstCoupling: a sampler that draws its B latents before the
// neighbours (the Sampler contract) gives the same latents, hence the same
// targets, whatever its neighbour count nρ: runs that differ only in n share
// the latent sequence. egoBench is the benchmark's ego-like sampler.
func TestLatentsFirstCoupling(t *testing.T) {
	var ys [2][]float64
	for i, k := range []int{10, 50} {
		s := egoBench{k: k}
		for step := range int64(5) {
			y, phi := make([]float64, 3), make([]float64, 12)
			if err := s.Sample(StepRand(4, step), phi, y); err != nil {
				t.Fatal(err)
			}
			ys[i] = append(ys[i], y...)
		}
	}
	if !sameBits(ys[0], ys[1]) {
		t.Error("neighbour count changed the latent sequence")
	}
}
