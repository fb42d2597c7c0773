package aggregation

import "testing"

// FuzzParse: Parse accepts or refuses any string without panicking, and a
// name it accepts round-trips through String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"graphon", "sum", "mean", "symmetric", "gcn", "symmetric:add-missing", "mean:add", " Sum:none ", "max", "sum:", ":"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		if err := a.Validate(); err != nil {
			t.Fatalf("Parse(%q) = %v, invalid: %v", s, a, err)
		}
		if b, err := Parse(a.String()); err != nil || b != a {
			t.Fatalf("Parse(%q) = %v; Parse(%q) = %v, %v", s, a, a.String(), b, err)
		}
	})
}
