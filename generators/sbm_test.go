package generators

import (
	"errors"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestSBMBlockCounts checks the edge count between every pair of blocks:
// the count is Binomial(pairs_ab, P_ab) with pairs_aa = C(n_a,2) and
// pairs_ab = n_a·n_b, so z uses the exact variance P(1−P)·pairs. Triangles
// inside block 0 (an ER graph G(n_0, P_00)) are checked like ER's.
func TestSBMBlockCounts(t *testing.T) {
	tests := []struct {
		name  string
		sizes []int
		probs [][]float64
	}{
		{"two blocks", []int{300, 500}, [][]float64{{0.05, 0.01}, {0.01, 0.08}}},
		{"empty and full blocks", []int{40, 0, 60, 1}, [][]float64{{1, 0.5, 0, 0.3}, {0.5, 0.2, 0.1, 0}, {0, 0.1, 0.02, 1}, {0.3, 0, 1, 0.7}}},
		{"many blocks", []int{700, 9000, 300, 10000}, [][]float64{{0.01, 0.001, 0, 0.0002}, {0.001, 0.0005, 0.002, 0.0001}, {0, 0.002, 0.3, 0}, {0.0002, 0.0001, 0, 0.0004}}},
		{"one block", []int{200}, [][]float64{{0.2}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := SBM(tc.sizes, tc.probs, newRand(11))
			if err != nil {
				t.Fatal(err)
			}
			k := len(tc.sizes)
			start := make([]int, k+1)
			for a, s := range tc.sizes {
				start[a+1] = start[a] + s
			}
			checkSimple(t, g, start[k], false)
			block := func(i int) int {
				for a := range k {
					if i < start[a+1] {
						return a
					}
				}
				return -1
			}
			count := make([]float64, k*k)
			for i := range g.NumNodes() {
				for _, j := range g.Neighbours(i) {
					if int(j) < i {
						a, b := block(i), block(int(j))
						count[min(a, b)*k+max(a, b)]++
					}
				}
			}
			for a := range k {
				for b := a; b < k; b++ {
					pairs := float64(tc.sizes[a]) * float64(tc.sizes[b])
					if a == b {
						pairs = float64(tc.sizes[a]) * float64(tc.sizes[a]-1) / 2
					}
					p := tc.probs[a][b]
					if z := zscore(count[a*k+b], p*pairs, p*(1-p)*pairs); math.Abs(z) > zMax {
						t.Errorf("blocks (%d,%d): %v edges, want %.1f: z=%.2f", a, b, count[a*k+b], p*pairs, z)
					}
				}
			}
			if n0 := float64(tc.sizes[0]); n0 <= 1000 {
				h, err := SBM([]int{tc.sizes[0]}, [][]float64{{tc.probs[0][0]}}, newRand(12))
				if err != nil {
					t.Fatal(err)
				}
				p := tc.probs[0][0]
				c3 := n0 * (n0 - 1) * (n0 - 2) / 6
				c22 := n0 * (n0 - 1) / 2 * (n0 - 2) * (n0 - 3) / 2
				v := c3*(math.Pow(p, 3)-math.Pow(p, 6)) + 2*c22*(math.Pow(p, 5)-math.Pow(p, 6))
				if z := zscore(float64(triangles(h)), p*p*p*c3, v); math.Abs(z) > zMax {
					t.Errorf("triangles in one block: %d, want %.1f: z=%.2f", triangles(h), p*p*p*c3, z)
				}
			}
		})
	}
}

// TestSBMNodeLaw checks the degree law of one node across 400 replicates:
// node i of block a has degree Σ_b Binomial(n_b − [a=b], P_ab); with P
// constant in b it is Binomial(n−1, p), tested by chi-square. The node is
// the last of the graph, so every block's residual carry-over is exercised.
func TestSBMNodeLaw(t *testing.T) {
	sizes := []int{100, 250, 0, 150}
	const p, reps = 0.02, 400
	probs := [][]float64{{p, p, p, p}, {p, p, p, p}, {p, p, p, p}, {p, p, p, p}}
	n := 500
	obs := make([]float64, n)
	for r := range reps {
		g, err := SBM(sizes, probs, newRand(uint64(r)))
		if err != nil {
			t.Fatal(err)
		}
		obs[g.Degree(n-1)]++
	}
	exp := make([]float64, n)
	for k := range exp {
		exp[k] = reps * binomPMF(n-1, k, p)
	}
	x, df := chiSquare(obs, exp)
	if z := chiSquareZ(x, df); z > zMax {
		t.Errorf("degree law: chi2=%.1f df=%d z=%.2f", x, df, z)
	}
}

func TestSBMDeterministic(t *testing.T) {
	sizes := []int{20000, 15000}
	probs := [][]float64{{0.0004, 0.0001}, {0.0001, 0.0003}}
	var g [2]graphs.Graph
	for k, procs := range []int{1, 2} {
		withProcs(procs, func() {
			var err error
			if g[k], err = SBM(sizes, probs, newRand(3)); err != nil {
				t.Fatal(err)
			}
		})
	}
	if !graphs.Equal(g[0], g[1]) {
		t.Fatal("SBM differs between GOMAXPROCS 1 and 2")
	}
}

func TestSBMRefusals(t *testing.T) {
	rng := newRand(1)
	tests := []struct {
		name  string
		sizes []int
		probs [][]float64
		want  error
	}{
		{"negative size", []int{3, -1}, [][]float64{{0.1, 0.1}, {0.1, 0.1}}, graphs.ErrParameter},
		{"too few rows", []int{3, 3}, [][]float64{{0.1, 0.1}}, graphs.ErrShape},
		{"ragged", []int{3, 3}, [][]float64{{0.1, 0.1}, {0.1}}, graphs.ErrShape},
		{"asymmetric", []int{3, 3}, [][]float64{{0.1, 0.2}, {0.1, 0.1}}, graphs.ErrParameter},
		{"above one", []int{3, 3}, [][]float64{{1.1, 0.1}, {0.1, 0.1}}, graphs.ErrParameter},
		{"negative", []int{3}, [][]float64{{-0.1}}, graphs.ErrParameter},
		{"NaN", []int{3}, [][]float64{{math.NaN()}}, graphs.ErrParameter},
		{"too many nodes", []int{graphs.MaxNodes, 1}, [][]float64{{0, 0}, {0, 0}}, graphs.ErrTooLarge},
		{"sizes overflow", []int{math.MaxInt, math.MaxInt}, [][]float64{{0, 0}, {0, 0}}, graphs.ErrTooLarge},
		{"beyond memory", []int{1_000_000_000}, [][]float64{{0.5}}, graphs.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := SBM(tc.sizes, tc.probs, rng)
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := SBM([]int{1}, [][]float64{{0}}, nil); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("nil rng: err = %v", err)
	}
}
