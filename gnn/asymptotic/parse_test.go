package asymptotic

import (
	"errors"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		want     int
		ok       bool
	}{
		{"tanh", "tanh", int(Tanh), true},
		{"upper relu", " ReLU ", int(ReLU), true},
		{"linear alias", "linear", int(Identity), true},
		{"erf", "erf", int(Erf), true},
		{"sigmoid", "sigmoid", int(Sigmoid), true},
		{"unknown", "softplus", 0, false},
		{"empty", "", 0, false},
		{"elu not in the model", "elu", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := ParseActivation(tt.in)
			if tt.ok != (err == nil) || (tt.ok && int(a) != tt.want) {
				t.Errorf("ParseActivation(%q) = %v, %v", tt.in, a, err)
			}
			if err != nil && !errors.Is(err, graphs.ErrParameter) {
				t.Errorf("error kind: %v", err)
			}
		})
	}
	if v, err := ParseVariant("b"); err != nil || v != ModelB {
		t.Errorf("variant b: %v %v", v, err)
	}
	if _, err := ParseVariant("C"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("variant C: %v", err)
	}
	if Activation(9).String() != "Activation(9)" || Variant(3).String() != "Variant(3)" {
		t.Error("String of unknown values")
	}
}

// Fuzz the parsers: an error wrapping ErrParameter, or a value whose name
// parses back to itself; never a panic.
func FuzzParseActivation(f *testing.F) {
	f.Add("tanh")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseActivation(s)
		if err != nil {
			if !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("error kind: %v", err)
			}
			return
		}
		if b, err := ParseActivation(a.String()); err != nil || b != a {
			t.Fatalf("%q → %v does not round-trip", s, a)
		}
		_ = a.Eval(0.5) + a.Deriv(0.5)
	})
}

func FuzzParseVariant(f *testing.F) {
	f.Add("A")
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseVariant(s)
		if err != nil {
			if !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("error kind: %v", err)
			}
			return
		}
		if w, err := ParseVariant(v.String()); err != nil || w != v {
			t.Fatalf("%q → %v does not round-trip", s, v)
		}
	})
}
