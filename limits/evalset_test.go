package limits

import (
	"errors"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

func mustAggregation(t testing.TB, name string) aggregation.Aggregation {
	t.Helper()
	a, err := aggregation.Parse(name)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestEvalSet checks the evaluation set against closed forms for
// W = u·v and X(u) = u: (T_W X)(u) = u/3, mean T_W X/d_W = 2/3, symmetric
// ∫ uv·v/sqrt((u/2)(v/2)) dv = 0.8 sqrt(u), sum (n−1)ρ u/3; for an SBM
// with a block boundary off the panel grid, exactly; and model B's
// entries aggregate the neighbours' x to the same m (Σ_e ω_e x_e = m).
func TestEvalSet(t *testing.T) {
	x, _ := generators.ParseSignal("poly:1")
	y, _ := generators.ParseTarget("poly:0,0,1")
	sbm, err := generators.ParseGraphon("sbm:0.3,0.7:0.9,0.1;0.1,0.5")
	if err != nil {
		t.Fatal(err)
	}
	// SBM, X(v) = v: (T_W X)(u) = P_a1 ∫_0^0.3 v dv + P_a2 ∫_0.3^1 v dv = 0.045 P_a1 + 0.455 P_a2.
	sbmM := func(u float64) float64 {
		if u < 0.3 {
			return 0.045*0.9 + 0.455*0.1
		}
		return 0.045*0.1 + 0.455*0.5
	}
	for _, tt := range []struct {
		agg string
		w   generators.Graphon
		m   func(u float64) float64
		tol float64 // the inner 512-node rule is exact for polynomials; v^{3/2} converges fast
	}{
		{"graphon", generators.Product(), func(u float64) float64 { return u / 3 }, 1e-14},
		{"mean", generators.Product(), func(u float64) float64 { return 2.0 / 3 }, 1e-14},
		{"symmetric", generators.Product(), func(u float64) float64 { return 0.8 * math.Sqrt(u) }, 1e-7},
		{"sum", generators.Product(), func(u float64) float64 { return 99 * 0.5 * u / 3 }, 1e-12},
		{"graphon", sbm, sbmM, 1e-14},
		// With a loop the sum adds the node's own x(u) = u (model B: one
		// more entry, the node itself).
		{"sum:add", generators.Product(), func(u float64) float64 { return 99*0.5*u/3 + u }, 1e-12},
		// Loops vanish from a normalised aggregation's limit.
		{"mean:add-missing", generators.Product(), func(u float64) float64 { return 2.0 / 3 }, 1e-14},
	} {
		t.Run(tt.agg+" "+tt.w.String(), func(t *testing.T) {
			p := generators.Process{W: tt.w, Rho: 0.5, N: 100, X: x, Y: y, Aggregation: mustAggregation(t, tt.agg)}
			a, rule, err := EvalSet(p, shallow.ModelA, 5)
			if err != nil {
				t.Fatal(err)
			}
			b, _, err := EvalSet(p, shallow.ModelB, 5)
			if err != nil {
				t.Fatal(err)
			}
			prev := 0
			for q, u := range rule.U {
				if a.Phi[2*q] != u || math.Abs(a.Phi[2*q+1]-tt.m(u)) > tt.tol || a.Y[q] != u*u {
					t.Errorf("u=%v: φ = %v, y = %v; want (u, %v), u²", u, a.Phi[2*q:2*q+2], a.Y[q], tt.m(u))
				}
				m := 0.0
				for e := prev; e < b.End[q]; e++ {
					m += b.Weight[e] * b.NbrPhi[2*e]
				}
				prev = b.End[q]
				if math.Abs(m-a.Phi[2*q+1]) > 1e-12*max(1, math.Abs(m)) {
					t.Errorf("u=%v: model B Σ ω x = %v, model A m = %v", u, m, a.Phi[2*q+1])
				}
			}
		})
	}
}

func TestEvalSetErrors(t *testing.T) {
	x, _ := generators.ParseSignal("poly:1")
	y, _ := generators.ParseTarget("poly:0,1")
	good := generators.Process{W: generators.Product(), Rho: 0.5, N: 100, X: x, Y: y}
	for _, tc := range []struct {
		name string
		p    generators.Process
		v    shallow.Variant
		q    int
	}{
		{"q zero", good, shallow.ModelA, 0},
		{"q huge", good, shallow.ModelA, MaxEvalPoints + 1},
		{"bad variant", good, shallow.Variant(7), 3},
		{"bad process", generators.Process{}, shallow.ModelA, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, _, err := EvalSet(tc.p, tc.v, tc.q); !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("err = %v, want ErrParameter", err)
			}
		})
	}
}
