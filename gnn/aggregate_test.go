package gnn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"gonum.org/v1/gonum/mat"
)

// denseNorm builds S for norm from the definition in MATH.md section 2,
// independently of NewOperator: a dense A (A_ij = weight of j→i), then
// Ã = A + I where the diagonal is 0, degrees as row sums.
func denseNorm(g graphs.Graph, norm Norm, rho float64) *mat.Dense {
	n := g.NumNodes()
	A := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			if w, ok := g.Weight(j, i); ok {
				A.Set(i, j, w)
			}
		}
	}
	if norm == Symmetric {
		for i := range n {
			if A.At(i, i) == 0 {
				A.Set(i, i, 1)
			}
		}
	}
	deg := make([]float64, n)
	for i := range n {
		deg[i] = mat.Sum(A.RowView(i))
	}
	S := mat.NewDense(n, n, nil)
	S.Apply(func(i, j int, a float64) float64 {
		switch norm {
		case Mean:
			if deg[i] == 0 {
				return 0
			}
			return a / deg[i]
		case Symmetric:
			return a / math.Sqrt(deg[i]*deg[j])
		case Graphon:
			return a / (float64(n) * rho)
		}
		return a
	}, A)
	return S
}

func TestOperatorDenseReference(t *testing.T) {
	const n = 13
	for _, gc := range graphCases {
		for _, norm := range []Norm{Sum, Mean, Symmetric, Graphon} {
			for _, d := range []int{5, 19} { // 19 = two 8-column kernel tiles + 3
				t.Run(fmt.Sprintf("%s/%s/d=%d", gc.name, norm, d), func(t *testing.T) {
					g := testGraph(t, n, 0.3, gc.directed, gc.weighted, 1)
					if g.NumSelfLoops() == 0 || g.Degree(n-1) != 0 {
						t.Fatalf("fixture lacks self loops or the isolated node")
					}
					const rho = 0.4
					op, err := NewOperator(g, norm, rho)
					if err != nil {
						t.Fatal(err)
					}
					S := denseNorm(g, norm, rho)
					rng := rand.New(rand.NewPCG(2, 2))
					h := randSlice(rng, n*d, 1)
					H := mat.NewDense(n, d, h)
					var want, wantT mat.Dense
					want.Mul(S, H)
					wantT.Mul(S.T(), H)
					got := make([]float64, n*d)
					op.Apply(got, h, d)
					compareDense(t, "S·h", got, want.RawMatrix().Data)
					op.ApplyT(got, h, d)
					compareDense(t, "Sᵀ·h", got, wantT.RawMatrix().Data)
					// ApplyAdd adds.
					acc := slices.Clone(h)
					op.ApplyAdd(acc, slices.Clone(h), d)
					for e := range acc {
						want := h[e] + want.RawMatrix().Data[e]
						if math.Abs(acc[e]-want) > 1e-12*(1+math.Abs(want)) {
							t.Fatalf("ApplyAdd[%d] = %v, want %v", e, acc[e], want)
						}
					}
					if norm == Mean || norm == Symmetric {
						// isolated node: mean gives 0; symmetric gives h_i (its own loop).
						row := make([]float64, d)
						op.Apply(got, h, d)
						if norm == Symmetric {
							copy(row, h[(n-1)*d:])
						}
						if !slices.Equal(got[(n-1)*d:], row) {
							t.Errorf("isolated node row %v, want %v", got[(n-1)*d:], row)
						}
					}
				})
			}
		}
	}
}

func compareDense(t *testing.T, what string, got, want []float64) {
	t.Helper()
	for e := range want {
		// Both sides sum at most n products of O(1) terms: rounding ≤ n·ε.
		if math.Abs(got[e]-want[e]) > 1e-13*(1+math.Abs(want[e])) {
			t.Fatalf("%s[%d] = %.17g, dense reference %.17g", what, e, got[e], want[e])
		}
	}
}

// TestSymmetricExistingLoop: a weighted graph with a loop of weight 3 keeps
// it (no extra 1 added), as PyG's add_remaining_self_loops.
func TestSymmetricExistingLoop(t *testing.T) {
	g, err := graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 0, W: 3}, {U: 0, V: 1, W: 1}}, graphs.Weighted|graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	op, err := NewOperator(g, Symmetric, 1)
	if err != nil {
		t.Fatal(err)
	}
	// d̃_0 = 3 + 1 = 4, d̃_1 = 1 + 1 = 2.
	want := []float64{3.0 / 4, 1 / math.Sqrt(8), 1 / math.Sqrt(8), 1.0 / 2}
	got := op.Dense()
	for e := range want {
		if math.Abs(got[e]-want[e]) > 1e-15 {
			t.Fatalf("S = %v, want %v", got, want)
		}
	}
}

func TestOperatorErrors(t *testing.T) {
	g := testGraph(t, 4, 0.5, false, false, 1)
	for _, tc := range []struct {
		name string
		norm Norm
		rho  float64
	}{{"bad norm", Norm(9), 1}, {"rho zero", Graphon, 0}, {"rho NaN", Graphon, math.NaN()}, {"rho big", Graphon, 1.5}} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewOperator(g, tc.norm, tc.rho); !errorsIs(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
	// empty graph works.
	op, err := NewOperator(graphs.Graph{}, Symmetric, 1)
	if err != nil {
		t.Fatal(err)
	}
	op.Apply(nil, nil, 3)
}

// TestOperatorDeterminism: the same bits with 1 and 2 workers on a graph
// large enough to span many chunks.
func TestOperatorDeterminism(t *testing.T) {
	g := testGraph(t, 1500, 0.01, true, true, 3)
	rng := rand.New(rand.NewPCG(1, 1))
	const d = 7
	h := randSlice(rng, g.NumNodes()*d, 1)
	run := func(procs int) []float64 {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		op, err := NewOperator(g, Symmetric, 1)
		if err != nil {
			t.Fatal(err)
		}
		out := make([]float64, len(h))
		op.Apply(out, h, d)
		op.ApplyTAdd(out, h, d)
		return out
	}
	if a, b := run(1), run(2); !slices.Equal(a, b) {
		t.Fatal("GOMAXPROCS=1 and 2 differ")
	}
}
