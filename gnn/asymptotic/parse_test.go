package asymptotic

import (
	"errors"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestParse(t *testing.T) {
	for _, a := range allAggregations() {
		if got, err := ParseAggregation(a.String()); err != nil || got != a {
			t.Errorf("ParseAggregation(%q) = %v, %v", a.String(), got, err)
		}
	}
	if got, err := ParseAggregation("GCN"); err != nil || got != Symmetric {
		t.Errorf("gcn: %v %v", got, err)
	}
	if _, err := ParseAggregation("max"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("max: %v", err)
	}
	if v, err := ParseVariant("b"); err != nil || v != ModelB {
		t.Errorf("variant b: %v %v", v, err)
	}
	if _, err := ParseVariant("C"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("variant C: %v", err)
	}
	if Aggregation(-1).String() != "Aggregation(-1)" || Variant(3).String() != "Variant(3)" {
		t.Error("String of unknown values")
	}
}

// Fuzz the parsers: an error wrapping ErrParameter, or a value whose name
// parses back to itself; never a panic. (Activations: activation.FuzzParse.)
func FuzzParseAggregation(f *testing.F) {
	f.Add("graphon")
	f.Fuzz(func(t *testing.T, s string) {
		a, err := ParseAggregation(s)
		if err != nil {
			if !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("error kind: %v", err)
			}
			return
		}
		if b, err := ParseAggregation(a.String()); err != nil || b != a {
			t.Fatalf("%q → %v does not round-trip", s, a)
		}
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
