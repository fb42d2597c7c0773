// Package gnntest holds the helpers that the tests and benchmarks of gnn
// and its subpackages share: random inputs, random graphs in CSR form, the
// tolerance of the finite-difference gradient checks, and a CPU-time
// clock for benchmarks on a shared machine.
package gnntest

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// RandSlice returns n values uniform in [−s, s) from rng.
func RandSlice(rng *rand.Rand, n int, s float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = s * (2*rng.Float64() - 1)
	}
	return x
}

// FDStep and FDTol: central differences have truncation error
// (h^2/6)·|f”'| and rounding error about eps·|L|/h, where the test losses
// L = Σ r⊙out reach |L| ≈ 10; the balance h = (3·eps·|L|/|f”'|)^(1/3) is
// about 1e-5, giving absolute errors near 1e-11, far below 1e-6 relative to
// gradients of order 1e-4..1 (smaller gradients are compared absolutely
// against 1e-10 through RelErr's floor).
const (
	FDStep = 1e-5
	FDTol  = 1e-6
)

// RelErr is |a − b| relative to max(|a|, |b|), or to 1e-4 when both are
// smaller.
func RelErr(a, b float64) float64 {
	d := math.Abs(a - b)
	s := max(math.Abs(a), math.Abs(b))
	if s < 1e-4 {
		return d / 1e-4
	}
	return d / s
}

// RandomCSR builds a graph with n nodes and about entries stored entries:
// undirected graphs get entries/2 random pairs (duplicates and loops
// dropped), directed ones exactly perRow = entries/n distinct senders per
// row, built directly as CSR (for the 10^7-edge benchmark).
func RandomCSR(tb testing.TB, n, entries int, directed bool, seed uint64) graphs.Graph {
	rng := rand.New(rand.NewPCG(seed, 11))
	if !directed {
		es := make([]graphs.Edge, entries/2)
		for k := range es {
			u, v := rng.IntN(n), rng.IntN(n)
			for u == v {
				v = rng.IntN(n)
			}
			es[k] = graphs.Edge{U: u, V: v}
		}
		g, err := graphs.FromEdges(n, es, graphs.Undirected|graphs.MergeMax)
		if err != nil {
			tb.Fatal(err)
		}
		return g
	}
	per := entries / n
	off := make([]int, n+1)
	idx := make([]int32, 0, n*per)
	row := make([]int32, 0, per)
	for i := range n {
		row = row[:0]
		for len(row) < per {
			j := int32(rng.IntN(n))
			if !slices.Contains(row, j) {
				row = append(row, j)
			}
		}
		slices.Sort(row)
		idx = append(idx, row...)
		off[i+1] = len(idx)
	}
	g, err := graphs.FromCSR(off, idx, nil, true)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}
