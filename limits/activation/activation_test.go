package activation

import (
	"errors"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestDerivFiniteDifference checks σ' against central differences
// (h = 1e-5: truncation O(h²) ≈ 1e-10 plus rounding ≈ 1e-11, so 1e-8 bounds it).
func TestDerivFiniteDifference(t *testing.T) {
	for k := Identity; k <= Erf; k++ {
		t.Run(k.String(), func(t *testing.T) {
			for _, z := range []float64{-3, -0.7, -0.1, 0.2, 1, 2.5} {
				const h = 1e-5
				fd := (k.Eval(z+h) - k.Eval(z-h)) / (2 * h)
				if d := k.Deriv(z); math.Abs(d-fd) > 1e-8 {
					t.Errorf("σ'(%v) = %v, finite difference %v", z, d, fd)
				}
				s, ds := k.EvalDeriv(z)
				if s != k.Eval(z) || ds != k.Deriv(z) {
					t.Errorf("EvalDeriv(%v) = %v,%v differs from Eval, Deriv", z, s, ds)
				}
			}
		})
	}
}

func TestParse(t *testing.T) {
	for k := Identity; k <= Erf; k++ {
		got, err := Parse(k.String())
		if err != nil || got != k {
			t.Errorf("Parse(%q) = %v, %v", k.String(), got, err)
		}
	}
	if _, err := Parse("softplus"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Parse(softplus) error %v", err)
	}
	if Kind(9).Valid() || !math.IsNaN(Kind(9).Eval(0)) {
		t.Error("invalid kind accepted")
	}
}

func TestSigmoidTails(t *testing.T) {
	if s := Sigmoid.Eval(-800); s != 0 || math.IsNaN(s) {
		t.Errorf("sigmoid(-800) = %v", s)
	}
	if s := Sigmoid.Eval(800); s != 1 {
		t.Errorf("sigmoid(800) = %v", s)
	}
}
