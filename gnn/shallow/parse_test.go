package shallow

import (
	"errors"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestParse(t *testing.T) {
	if v, err := ParseVariant("b"); err != nil || v != ModelB {
		t.Errorf("variant b: %v %v", v, err)
	}
	if _, err := ParseVariant("C"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("variant C: %v", err)
	}
	if Variant(3).String() != "Variant(3)" {
		t.Error("String of unknown values")
	}
}

// Fuzz the parser: an error wrapping ErrParameter, or a value whose name
// parses back to itself; never a panic. (Activations: activation.FuzzParse;
// aggregations: aggregation.FuzzParse.)
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
