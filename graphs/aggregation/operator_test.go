package aggregation_test

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/graphs/graphstest"

	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/asm"
	"gonum.org/v1/gonum/mat"
)

func randSlice(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = 2*rng.Float64() - 1
	}
	return x
}

func allAggregations() []aggregation.Aggregation {
	var as []aggregation.Aggregation
	for _, k := range []aggregation.Norm{aggregation.Sum, aggregation.Mean, aggregation.Symmetric, aggregation.Graphon} {
		for _, l := range []aggregation.Loops{aggregation.NoLoops, aggregation.AddLoops, aggregation.AddMissingLoops} {
			as = append(as, aggregation.Aggregation{Norm: k, Loops: l})
		}
	}
	return as
}

// TestOperatorDenseReference checks every aggregation on every kind of
// graph against the dense reference, with the assembly kernels and with the
// pure-Go loop.
func TestOperatorDenseReference(t *testing.T) {
	const n = 13
	old := asm.UseFMA
	defer asm.SetFMA(old)
	for _, fma := range []bool{false, true} {
		asm.SetFMA(fma)
		for _, gc := range graphstest.Kinds() {
			for _, a := range allAggregations() {
				for _, d := range []int{5, 19} { // 19 = two 8-column kernel tiles + 3
					t.Run(fmt.Sprintf("fma=%v/%s/%s/d=%d", asm.UseFMA, gc.Name, a, d), func(t *testing.T) {
						g := graphstest.Random(t, n, 0.3, gc, 1)
						if g.NumSelfLoops() == 0 || g.Degree(n-1) != 0 {
							t.Fatalf("fixture lacks self loops or the isolated node")
						}
						const rho = 0.4
						op, err := a.Operator(g, rho)
						if err != nil {
							t.Fatal(err)
						}
						if op.Aggregation() != a || op.NumNodes() != n {
							t.Fatalf("Aggregation() = %v, NumNodes() = %d", op.Aggregation(), op.NumNodes())
						}
						S := graphstest.Aggregation(g, a, rho)
						compareDense(t, "Dense", op.Dense(), S.RawMatrix().Data)
						rng := rand.New(rand.NewPCG(2, 2))
						h := randSlice(rng, n*d)
						H := mat.NewDense(n, d, h)
						var want, wantT mat.Dense
						want.Mul(S, H)
						wantT.Mul(S.T(), H)
						got := make([]float64, n*d)
						op.Apply(got, h, d)
						compareDense(t, "S·h", got, want.RawMatrix().Data)
						op.ApplyT(got, h, d)
						compareDense(t, "Sᵀ·h", got, wantT.RawMatrix().Data)
						acc := slices.Clone(h)
						op.ApplyAdd(acc, h, d)
						for e := range acc {
							w := h[e] + want.RawMatrix().Data[e]
							if math.Abs(acc[e]-w) > 1e-12*(1+math.Abs(w)) {
								t.Fatalf("ApplyAdd[%d] = %v, want %v", e, acc[e], w)
							}
						}
						acc = slices.Clone(h)
						op.ApplyTAdd(acc, h, d)
						for e := range acc {
							w := h[e] + wantT.RawMatrix().Data[e]
							if math.Abs(acc[e]-w) > 1e-12*(1+math.Abs(w)) {
								t.Fatalf("ApplyTAdd[%d] = %v, want %v", e, acc[e], w)
							}
						}
						// Row i gives the nonzero entries of row i of S.
						for i := range n {
							cols, coef := op.Row(i)
							row := make([]float64, n)
							for e, j := range cols {
								row[j] += coef[e]
							}
							compareDense(t, fmt.Sprintf("Row(%d)", i), row, S.RawRowView(i))
						}
					})
				}
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

// TestLoopPolicies: on a weighted graph with a loop of weight 3 at node 0,
// aggregation.AddMissingLoops keeps it (PyG's add_remaining_self_loops), aggregation.AddLoops adds
// 1 (A + I) and aggregation.NoLoops keeps A; node 1 has no loop.
func TestLoopPolicies(t *testing.T) {
	g, err := graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 0, W: 3}, {U: 0, V: 1, W: 1}}, graphs.Weighted|graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	s8, s15 := 1/math.Sqrt(8), 1/math.Sqrt(5)
	for _, tc := range []struct {
		loops aggregation.Loops
		want  []float64
	}{
		// degrees 4, 1: S = [[3/4, 1/√4], [1/√4, 0]]
		{aggregation.NoLoops, []float64{3.0 / 4, 1.0 / 2, 1.0 / 2, 0}},
		// degrees 5, 2
		{aggregation.AddLoops, []float64{4.0 / 5, s15 / math.Sqrt(2), s15 / math.Sqrt(2), 1.0 / 2}},
		// degrees 4, 2
		{aggregation.AddMissingLoops, []float64{3.0 / 4, s8, s8, 1.0 / 2}},
	} {
		a := aggregation.Aggregation{Norm: aggregation.Symmetric, Loops: tc.loops}
		op, err := a.Operator(g, 1)
		if err != nil {
			t.Fatal(err)
		}
		got := op.Dense()
		for e := range tc.want {
			if math.Abs(got[e]-tc.want[e]) > 1e-15 {
				t.Fatalf("%v: S = %v, want %v", a, got, tc.want)
			}
		}
	}
	// An unweighted graph with a stored loop: aggregation.AddLoops gives it weight 2.
	g, err = graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 0}, {U: 0, V: 1}}, graphs.KeepSelfLoops)
	if err != nil {
		t.Fatal(err)
	}
	op, err := aggregation.Aggregation{Norm: aggregation.Sum, Loops: aggregation.AddLoops}.Operator(g, 1)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := op.Dense(), []float64{2, 1, 1, 1}; !slices.Equal(got, want) {
		t.Fatalf("sum:add on a looped unweighted graph: S = %v, want %v", got, want)
	}
}

func TestOperatorErrors(t *testing.T) {
	g := graphstest.Random(t, 4, 0.5, graphstest.Kind{}, 1)
	for _, tc := range []struct {
		name string
		a    aggregation.Aggregation
		rho  float64
	}{
		{"bad norm", aggregation.Aggregation{Norm: 9}, 1},
		{"bad loops", aggregation.Aggregation{Loops: 7}, 1},
		{"rho zero", aggregation.Aggregation{Norm: aggregation.Graphon}, 0},
		{"rho NaN", aggregation.Aggregation{Norm: aggregation.Graphon}, math.NaN()},
		{"rho big", aggregation.Aggregation{Norm: aggregation.Graphon}, 1.5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.a.Operator(g, tc.rho); !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
	// rho is ignored by the normalisations that do not use it.
	if _, err := aggregation.GCN.Operator(g, math.NaN()); err != nil {
		t.Fatal(err)
	}
	// The empty graph works.
	for _, a := range allAggregations() {
		op, err := a.Operator(graphs.Graph{}, 1)
		if err != nil {
			t.Fatal(err)
		}
		op.Apply(nil, nil, 3)
	}
}

// TestOperatorDeterminism: the same bits with 1 and 2 workers on a graph
// large enough to span many chunks.
func TestOperatorDeterminism(t *testing.T) {
	g := graphstest.Random(t, 1500, 0.01, graphstest.Kind{Directed: true, Weighted: true}, 3)
	rng := rand.New(rand.NewPCG(1, 1))
	const d = 7
	h := randSlice(rng, g.NumNodes()*d)
	run := func(procs int) []float64 {
		old := runtime.GOMAXPROCS(procs)
		defer runtime.GOMAXPROCS(old)
		op, err := aggregation.GCN.Operator(g, 1)
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

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want aggregation.Aggregation
	}{
		{"sum", aggregation.Aggregation{Norm: aggregation.Sum}},
		{" Mean ", aggregation.Aggregation{Norm: aggregation.Mean}},
		{"symmetric", aggregation.GCNNoLoops},
		{"symmetric:add", aggregation.Aggregation{Norm: aggregation.Symmetric, Loops: aggregation.AddLoops}},
		{"symmetric:add-missing", aggregation.GCN},
		{"gcn", aggregation.GCN},
		{"GRAPHON:none", aggregation.Aggregation{Norm: aggregation.Graphon}},
		{"mean:add", aggregation.Aggregation{Norm: aggregation.Mean, Loops: aggregation.AddLoops}},
	} {
		got, err := aggregation.Parse(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("Parse(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, a := range allAggregations() {
		got, err := aggregation.Parse(a.String())
		if err != nil || got != a {
			t.Errorf("Parse(%q) = %v, %v; want %v", a.String(), got, err, a)
		}
		text, err := a.MarshalText()
		if err != nil {
			t.Fatal(err)
		}
		var b aggregation.Aggregation
		if err := b.UnmarshalText(text); err != nil || b != a {
			t.Errorf("UnmarshalText(%q) = %v, %v", text, b, err)
		}
	}
	for _, bad := range []string{"", "max", "sum:", "sum:both", "symmetric+loops", "gcn:add", ":add"} {
		if _, err := aggregation.Parse(bad); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("Parse(%q): err = %v, want ErrParameter", bad, err)
		}
	}
	if _, err := (aggregation.Aggregation{Norm: 4}).MarshalText(); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("MarshalText of an invalid value: err = %v", err)
	}
}
