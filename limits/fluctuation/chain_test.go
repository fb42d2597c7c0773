package fluctuation_test

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// maxRel returns max_i |x_i − y_i| / max_i |y_i|.
func maxRel(x, y []float64) float64 {
	scale, d := 0.0, 0.0
	for i := range y {
		scale = max(scale, math.Abs(y[i]))
		d = max(d, math.Abs(x[i]-y[i]))
	}
	if scale == 0 {
		return d
	}
	return d / scale
}

// TestChainMatchesUnits: the one-step moment map against N units trained by
// shallow.Model.Step itself, step after step, for several widths, γ, batch
// sizes and both initialisations, with targets and features of order one so
// that the second-order terms h²(e·b)e, h² q eeᵀ and h² eᵀQe matter (the
// first steps move the moments by O(h) = O(α N^{γ−2})). The map is exact, so
// the only difference is rounding: 1e-12 relative over 40 steps.
func TestChainMatchesUnits(t *testing.T) {
	for _, tc := range []struct {
		name      string
		width, d  int
		gamma     float64
		batch     int
		symmetric bool
	}{
		{"N=1 γ=1 B=1", 1, 1, 1, 1, false},
		{"N=7 γ=1 B=3", 7, 2, 1, 3, false},
		{"N=64 γ=0.75 B=2", 64, 2, 0.75, 2, false},
		{"N=50 γ=0.5 B=1 symmetric", 50, 3, 0.5, 1, true},
		{"N=6 γ=1 B=4 symmetric", 6, 1, 1, 4, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			const alpha = 1.7
			m, err := shallow.NewModel(shallow.ModelConfig{Width: tc.width, Dim: tc.d, Gamma: tc.gamma, Activation: activation.Identity,
				Sc: 1.3, Sw: 0.9, Symmetric: tc.symmetric, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			p := 2 * tc.d
			ch, err := fluctuation.NewChain(tc.width, tc.gamma, alpha, p)
			if err != nil {
				t.Fatal(err)
			}
			mo := m.Moments()
			rng := rand.New(rand.NewPCG(3, 4))
			b := &shallow.Samples{Dim: tc.d, Y: make([]float64, tc.batch), Phi: make([]float64, tc.batch*p)}
			for step := range 40 {
				for i := range b.Phi {
					b.Phi[i] = rng.NormFloat64()
				}
				for i := range b.Y {
					b.Y[i] = 2 * rng.NormFloat64()
				}
				if _, err := m.Step(b, alpha); err != nil {
					t.Fatal(err)
				}
				if err := ch.Step(&mo, b); err != nil {
					t.Fatal(err)
				}
				want := m.Moments()
				for _, c := range []struct {
					name      string
					got, want []float64
				}{{"b", mo.MeanCA, want.MeanCA}, {"Q", mo.MeanAA, want.MeanAA}, {"q", []float64{mo.MeanC2}, []float64{want.MeanC2}}} {
					if r := maxRel(c.got, c.want); r > 1e-12 {
						t.Fatalf("step %d: %s relative error %.3g: chain %v, units %v", step, c.name, r, c.got, c.want)
					}
				}
				if !math.IsNaN(mo.MeanC) {
					t.Fatalf("MeanC = %v after a step, want NaN", mo.MeanC)
				}
			}
		})
	}
}

// TestChainOneUnit: an independent few-line simulation of one unit with
// h = α = 1 (N = 1, γ = 1), where the second-order terms are as large as the
// first-order ones: c' = c + δ a·φ, a' = a + δ c φ, δ = y − c a·φ.
func TestChainOneUnit(t *testing.T) {
	c, a := 1.2, []float64{0.5, -1}
	m := shallow.Moments{MeanCA: []float64{c * a[0], c * a[1]}, MeanAA: []float64{a[0] * a[0], a[0] * a[1], a[1] * a[0], a[1] * a[1]}, MeanC2: c * c}
	b := &shallow.Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 2}}
	ch, err := fluctuation.NewChain(1, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	z := a[0]*b.Phi[0] + a[1]*b.Phi[1]
	delta := b.Y[0] - c*z
	c2 := c + delta*z
	a2 := []float64{a[0] + delta*c*b.Phi[0], a[1] + delta*c*b.Phi[1]}
	if err := ch.Step(&m, b); err != nil {
		t.Fatal(err)
	}
	want := []float64{c2 * a2[0], c2 * a2[1], a2[0] * a2[0], a2[0] * a2[1], a2[1] * a2[1], c2 * c2}
	got := []float64{m.MeanCA[0], m.MeanCA[1], m.MeanAA[0], m.MeanAA[1], m.MeanAA[3], m.MeanC2}
	if r := maxRel(got, want); r > 1e-14 {
		t.Errorf("one unit, h = 1: moments %v, want %v (relative error %.3g)", got, want, r)
	}
}

func TestChainErrors(t *testing.T) {
	for _, tc := range []struct {
		name         string
		width        int
		gamma, alpha float64
		dim          int
	}{
		{"width 0", 0, 1, 1, 2}, {"dim 0", 1, 1, 1, 0}, {"gamma 0.4", 1, 0.4, 1, 2}, {"gamma NaN", 1, math.NaN(), 1, 2},
		{"alpha Inf", 1, 1, math.Inf(1), 2},
	} {
		if _, err := fluctuation.NewChain(tc.width, tc.gamma, tc.alpha, tc.dim); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("%s: err = %v, want ErrParameter", tc.name, err)
		}
	}
	ch, err := fluctuation.NewChain(4, 1, 1, 2)
	if err != nil {
		t.Fatal(err)
	}
	good := shallow.Moments{MeanCA: make([]float64, 2), MeanAA: make([]float64, 4)}
	for _, tc := range []struct {
		name string
		m    shallow.Moments
		b    shallow.Samples
		kind error
	}{
		{"short Q", shallow.Moments{MeanCA: make([]float64, 2), MeanAA: make([]float64, 3)}, shallow.Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 1}}, graphs.ErrShape},
		{"empty batch", good, shallow.Samples{Dim: 1}, graphs.ErrShape},
		{"wrong Dim", good, shallow.Samples{Dim: 2, Y: []float64{1}, Phi: []float64{1, 1, 1, 1}}, graphs.ErrShape},
		{"short Phi", good, shallow.Samples{Dim: 1, Y: []float64{1, 2}, Phi: []float64{1, 1}}, graphs.ErrShape},
		{"model B", good, shallow.Samples{Dim: 1, Y: []float64{1}, End: []int{1}, Weight: []float64{1}, NbrPhi: []float64{1, 1}}, graphs.ErrUnsupported},
	} {
		m := tc.m
		if err := ch.Step(&m, &tc.b); !errors.Is(err, tc.kind) {
			t.Errorf("%s: err = %v, want %v", tc.name, err, tc.kind)
		}
	}
}
