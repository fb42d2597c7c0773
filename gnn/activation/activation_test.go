package activation

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestDerivFiniteDifference checks σ' against central differences
// (h = 1e-5: truncation O(h²) ≈ 1e-10 plus rounding ≈ 1e-11, so 1e-8 bounds it).
func TestDerivFiniteDifference(t *testing.T) {
	for k := Identity; k <= ELU; k++ {
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
	for k := Identity; k <= ELU; k++ {
		got, err := Parse(k.String())
		if err != nil || got != k {
			t.Errorf("Parse(%q) = %v, %v", k.String(), got, err)
		}
	}
	tests := []struct {
		name, in string
		want     Kind
		ok       bool
	}{
		{"tanh", "tanh", Tanh, true},
		{"upper relu", " ReLU ", ReLU, true},
		{"linear alias", "linear", Identity, true},
		{"erf", "erf", Erf, true},
		{"sigmoid", "sigmoid", Sigmoid, true},
		{"elu", "ELU", ELU, true},
		{"unknown", "softplus", 0, false},
		{"empty", "", 0, false},
		{"inner space", "re lu", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := Parse(tt.in)
			if tt.ok != (err == nil) || (tt.ok && k != tt.want) {
				t.Errorf("Parse(%q) = %v, %v", tt.in, k, err)
			}
			if err != nil && (!errors.Is(err, graphs.ErrParameter) || !strings.Contains(err.Error(), fmt.Sprintf("%q", tt.in))) {
				t.Errorf("Parse(%q) error %v", tt.in, err)
			}
		})
	}
	if got := Names(); len(got) != int(ELU)+1 || got[ELU] != "elu" {
		t.Errorf("Names() = %v", got)
	}
	if s := Kind(9).String(); s != "Activation(9)" {
		t.Errorf("Kind(9).String() = %q", s)
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

// TestELU checks the closed forms: σ(z) = e^z − 1 and σ'(z) = e^z for z ≤ 0,
// the identity above, and σ'(0) = 1 (C¹ at 0).
func TestELU(t *testing.T) {
	tests := []struct{ z, s, ds float64 }{
		{0, 0, 1},
		{2, 2, 1},
		{-1, math.Exp(-1) - 1, math.Exp(-1)},
		{-40, math.Exp(-40) - 1, math.Exp(-40)},
	}
	for _, tt := range tests {
		s, ds := ELU.EvalDeriv(tt.z)
		if math.Abs(s-tt.s) > 1e-15 || math.Abs(ds-tt.ds) > 1e-15 {
			t.Errorf("ELU(%v) = %v, %v; want %v, %v", tt.z, s, ds, tt.s, tt.ds)
		}
	}
}

// TestApply checks the slice form against Eval: bit for bit except Sigmoid
// at z < 0, whose formula 1/(1 + e^{−z}) may differ in the last bit (1 ulp).
func TestApply(t *testing.T) {
	h := []float64{-30, -3, -0.7, -0.1, 0, 0.2, 1, 2.5, 30}
	for k := Identity; k <= ELU; k++ {
		out := make([]float64, len(h))
		k.Apply(out, h)
		for i, z := range h {
			want := k.Eval(z)
			if k == Sigmoid && z < 0 {
				if math.Abs(out[i]-want) > 2*math.Nextafter(want, 1)-2*want {
					t.Errorf("%v: Apply(%v) = %v, Eval %v", k, z, out[i], want)
				}
				continue
			}
			if out[i] != want {
				t.Errorf("%v: Apply(%v) = %v, Eval %v", k, z, out[i], want)
			}
		}
	}
	in := append([]float64(nil), h...)
	ReLU.Apply(in, in) // in place
	if in[0] != 0 || in[8] != 30 {
		t.Errorf("in-place ReLU.Apply = %v", in)
	}
}

// FuzzParse checks that Parse never panics and accepts exactly the names
// String prints and "linear", in any case and with surrounding spaces; that
// a parsed kind's name parses back to it; and that every error names the
// input and wraps ErrParameter.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"identity", "elu", "Tanh", " relu", "", "softplus"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		name := strings.ToLower(strings.TrimSpace(s))
		k, err := Parse(s)
		if err != nil {
			if !errors.Is(err, graphs.ErrParameter) || !strings.Contains(err.Error(), fmt.Sprintf("%q", s)) {
				t.Fatalf("Parse(%q) error %v", s, err)
			}
			if name == "linear" || slices.Contains(Names(), name) {
				t.Fatalf("Parse(%q) refused a name: %v", s, err)
			}
			return
		}
		if !k.Valid() || (k.String() != name && !(name == "linear" && k == Identity)) {
			t.Fatalf("Parse(%q) = %v", s, k)
		}
		if b, err := Parse(k.String()); err != nil || b != k {
			t.Fatalf("%q → %v does not round-trip", s, k)
		}
		_ = k.Eval(0.5) + k.Deriv(0.5)
	})
}
