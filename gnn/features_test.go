package gnn

import (
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

func TestRowNormalize(t *testing.T) {
	X := []float64{1, 1, 2, 0, 0, 0, 0, 3, 0}
	got, err := RowNormalize(X, 3)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{0.25, 0.25, 0.5, 0, 0, 0, 0, 1, 0}
	for k := range want {
		if got[k] != want[k] {
			t.Fatalf("RowNormalize = %v, want %v", got, want)
		}
	}
	if X[0] != 1 {
		t.Fatal("input modified")
	}
	for _, d := range []int{0, 2} {
		if _, err := RowNormalize(X, d); !errors.Is(err, graphs.ErrShape) {
			t.Fatalf("d=%d: %v", d, err)
		}
	}
}

func ExampleRowNormalize() {
	// Two nodes with three binary features each.
	X, _ := RowNormalize([]float64{1, 0, 1, 1, 1, 1}, 3)
	fmt.Printf("%.3f\n", X)
	// Output: [0.500 0.000 0.500 0.333 0.333 0.333]
}

// TestRowNormalized: the sparse row normalisation equals the dense one and
// shares the structure of its input.
func TestRowNormalized(t *testing.T) {
	X := []float64{1, 1, 2, 0, 0, 0, 0, 3, 0, 0.5, 0, -0.5}
	s, err := sparse.FromDense(4, 3, X)
	if err != nil {
		t.Fatal(err)
	}
	got := s.RowNormalized()
	want, _ := RowNormalize(X, 3)
	if d, err := got.Dense(); err != nil || !slices.Equal(d, want) {
		t.Fatalf("RowNormalized = %v, want %v", d, want)
	}
	_, gi, _ := got.CSR()
	_, si, sv := s.CSR()
	if &gi[0] != &si[0] || sv[0] != 1 {
		t.Fatal("structure copied or input modified")
	}
	if _, err := sparse.FromCSR(2, 3, []int{0, 1}, nil, nil); !errors.Is(err, graphs.ErrShape) {
		t.Fatalf("inconsistent: %v", err) // such a matrix cannot be built
	}
}
