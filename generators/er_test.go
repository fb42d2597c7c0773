package generators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestErdosRenyiCounts checks |E|, the degree sums of four node ranges and
// the triangle count of one G(n,p) draw per case against docs/mathematics.md §1:
// E|E| = pN, Var|E| = p(1−p)N with N = C(n,2); for a node range R of size r,
// S = Σ_{i∈R} deg_i = 2·E(R) + E(R, rest), so E[S] = p(r(r−1) + r(n−r)) and
// Var S = p(1−p)(4·C(r,2) + r(n−r)); E[T] = p³C(n,3) and
// Var T = C(n,3)(p³−p⁶) + 2·C(n,2)C(n−2,2)(p⁵−p⁶) (pairs of triangles
// sharing one edge; the others are independent).
func TestErdosRenyiCounts(t *testing.T) {
	tests := []struct {
		name string
		n    int
		p    float64
		seed uint64
	}{
		{"sparse", 3000, 0.002, 1},
		{"sparse many blocks", 20000, 0.0005, 2},
		{"dense", 300, 0.3, 3},
		{"tiny p", 5000, 1e-7, 4},
		{"p near 1", 200, 0.999, 5},
		{"complete", 150, 1, 6},
		{"empty", 150, 0, 7},
		{"one node", 1, 0.5, 8},
		{"no nodes", 0, 0.5, 9},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			g, err := ErdosRenyi(tc.n, tc.p, newRand(tc.seed))
			if err != nil {
				t.Fatal(err)
			}
			checkSimple(t, g, tc.n, false)
			n, p := float64(tc.n), tc.p
			pairs := n * (n - 1) / 2
			if z := zscore(float64(g.NumEdges()), p*pairs, p*(1-p)*pairs); math.Abs(z) > zMax {
				t.Errorf("edges %d, want %.1f: z=%.2f", g.NumEdges(), p*pairs, z)
			}
			for q := range 4 {
				lo, hi := q*tc.n/4, (q+1)*tc.n/4
				r := float64(hi - lo)
				s := 0
				for i := lo; i < hi; i++ {
					s += g.Degree(i)
				}
				mean := p * (r*(r-1) + r*(n-r))
				v := p * (1 - p) * (2*r*(r-1) + r*(n-r))
				if z := zscore(float64(s), mean, v); math.Abs(z) > zMax {
					t.Errorf("degree sum of nodes [%d,%d) %d, want %.1f: z=%.2f", lo, hi, s, mean, z)
				}
			}
			if tc.n <= 3000 {
				c3 := n * (n - 1) * (n - 2) / 6
				c22 := pairs * (n - 2) * (n - 3) / 2
				mean := p * p * p * c3
				v := c3*(math.Pow(p, 3)-math.Pow(p, 6)) + 2*c22*(math.Pow(p, 5)-math.Pow(p, 6))
				if z := zscore(float64(triangles(g)), mean, v); math.Abs(z) > zMax {
					t.Errorf("triangles %d, want %.1f: z=%.2f", triangles(g), mean, z)
				}
			}
		})
	}
}

// TestErdosRenyiNodeLaw checks that the degree of node 0 and of node n−1
// (the first and last row of the lower triangle, in different blocks) are
// Binomial(n−1, p), by a chi-square test over 400 seeded replicates.
func TestErdosRenyiNodeLaw(t *testing.T) {
	const n, p, reps = 1500, 0.004, 400
	obs := [2][]float64{make([]float64, n), make([]float64, n)}
	for r := range reps {
		g, err := ErdosRenyi(n, p, newRand(uint64(1000+r)))
		if err != nil {
			t.Fatal(err)
		}
		obs[0][g.Degree(0)]++
		obs[1][g.Degree(n-1)]++
	}
	exp := make([]float64, n)
	for k := range exp {
		exp[k] = reps * binomPMF(n-1, k, p)
	}
	for which, o := range obs {
		x, df := chiSquare(o, exp)
		if z := chiSquareZ(x, df); z > zMax {
			t.Errorf("node %d degree law: chi2=%.1f df=%d z=%.2f", which*(n-1), x, df, z)
		}
	}
}

func TestErdosRenyiDeterministic(t *testing.T) {
	var g [3]graphs.Graph
	for k, procs := range []int{1, 2, 4} {
		withProcs(procs, func() {
			var err error
			g[k], err = ErdosRenyi(40000, 0.0002, newRand(42))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	if !graphs.Equal(g[0], g[1]) || !graphs.Equal(g[0], g[2]) {
		t.Fatal("G(n,p) differs between GOMAXPROCS 1, 2 and 4")
	}
	h, _ := ErdosRenyi(40000, 0.0002, newRand(43))
	if graphs.Equal(g[0], h) {
		t.Fatal("seeds 42 and 43 give the same graph")
	}
}

func TestGNMDeterministic(t *testing.T) {
	var g [2]graphs.Graph
	for k, procs := range []int{1, 2} {
		withProcs(procs, func() {
			var err error
			g[k], err = GNM(30000, 50000, newRand(7))
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	if !graphs.Equal(g[0], g[1]) {
		t.Fatal("G(n,m) differs between GOMAXPROCS 1 and 2")
	}
	if g[0].NumEdges() != 50000 {
		t.Fatalf("G(n,m) has %d edges, want 50000", g[0].NumEdges())
	}
}

// TestGNMUniform checks that G(n,m) has exactly m edges and that every pair
// is included equally often. Over R replicates the inclusion counts O_e of
// the N pairs have mean Rq (q = m/N) and, since one draw includes pair e
// with variance q(1−q) and two pairs with covariance −q(1−q)/(N−1), the
// statistic Σ_e (O_e − Rq)² / (R q(1−q) N/(N−1)) is χ² with N−1 degrees of
// freedom in the limit.
func TestGNMUniform(t *testing.T) {
	tests := []struct {
		name    string
		n, m, r int
	}{
		{"dense (p'=1)", 6, 4, 3000},
		{"sparse", 30, 20, 1000},
		{"all but one", 8, 27, 2000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			N := tc.n * (tc.n - 1) / 2
			obs := make([]float64, N)
			for rep := range tc.r {
				g, err := GNM(tc.n, tc.m, newRand(uint64(rep)))
				if err != nil {
					t.Fatal(err)
				}
				if g.NumEdges() != tc.m {
					t.Fatalf("rep %d: %d edges, want %d", rep, g.NumEdges(), tc.m)
				}
				e := 0
				for i := range tc.n {
					for j := range i {
						if g.HasEdge(i, j) {
							obs[e]++
						}
						e++
					}
				}
			}
			q := float64(tc.m) / float64(N)
			scale := float64(tc.r) * q * (1 - q) * float64(N) / float64(N-1)
			var x float64
			for _, o := range obs {
				d := o - float64(tc.r)*q
				x += d * d / scale
			}
			if z := chiSquareZ(x, N-1); z > zMax {
				t.Errorf("pair inclusion: chi2=%.1f df=%d z=%.2f", x, N-1, z)
			}
		})
	}
}

func TestGNMEdgeCases(t *testing.T) {
	for _, tc := range []struct{ n, m int }{{0, 0}, {1, 0}, {2, 1}, {10, 45}, {10, 0}} {
		g, err := GNM(tc.n, tc.m, newRand(1))
		if err != nil {
			t.Fatal(err)
		}
		checkSimple(t, g, tc.n, false)
		if g.NumEdges() != tc.m {
			t.Errorf("GNM(%d,%d) has %d edges", tc.n, tc.m, g.NumEdges())
		}
	}
}

func TestErdosRenyiRefusals(t *testing.T) {
	rng := newRand(1)
	tests := []struct {
		name string
		call func() error
		want error
	}{
		{"p negative", func() error { _, err := ErdosRenyi(10, -0.1, rng); return err }, graphs.ErrParameter},
		{"p above one", func() error { _, err := ErdosRenyi(10, 1.5, rng); return err }, graphs.ErrParameter},
		{"p NaN", func() error { _, err := ErdosRenyi(10, math.NaN(), rng); return err }, graphs.ErrParameter},
		{"p Inf", func() error { _, err := ErdosRenyi(10, math.Inf(1), rng); return err }, graphs.ErrParameter},
		{"n negative", func() error { _, err := ErdosRenyi(-1, 0.5, rng); return err }, graphs.ErrParameter},
		{"nil rng", func() error { _, err := ErdosRenyi(10, 0.5, nil); return err }, graphs.ErrParameter},
		{"n above MaxNodes", func() error { _, err := ErdosRenyi(graphs.MaxNodes+1, 0, rng); return err }, graphs.ErrTooLarge},
		{"edges beyond memory", func() error { _, err := ErdosRenyi(2_000_000_000, 0.5, rng); return err }, graphs.ErrTooLarge},
		{"GNM m negative", func() error { _, err := GNM(10, -1, rng); return err }, graphs.ErrParameter},
		{"GNM m too large", func() error { _, err := GNM(10, 46, rng); return err }, graphs.ErrParameter},
		{"GNM n negative", func() error { _, err := GNM(-3, 0, rng); return err }, graphs.ErrParameter},
		{"GNM nil rng", func() error { _, err := GNM(3, 1, nil); return err }, graphs.ErrParameter},
		{"GNM beyond memory", func() error { _, err := GNM(2_000_000_000, 1<<60, rng); return err }, graphs.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.call()
			if !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

// TestErdosRenyiSkipLaw checks the geometric jumps directly: in G(n,p) with a
// single row block, the gaps between consecutive edges in pair order are
// i.i.d. Geometric(p) (failures before a success), chi-square over gaps.
func TestErdosRenyiSkipLaw(t *testing.T) {
	const n, p = 60, 0.05
	var bl graphs.LowerBlock
	obs := make([]float64, 400)
	total := 0.0
	for rep := range 300 {
		bl = erBlock(0, n, p, rand.New(rand.NewPCG(uint64(rep), 9)))
		prev := -1
		k := 0
		for i := range bl.Counts {
			for range bl.Count(i) {
				pos := i*(i-1)/2 + int(bl.Neighbours[k])
				gap := pos - prev - 1
				if gap < len(obs) {
					obs[gap]++
				} else {
					obs[len(obs)-1]++
				}
				total++
				prev = pos
				k++
			}
		}
	}
	exp := make([]float64, len(obs))
	for k := range exp {
		exp[k] = total * p * math.Pow(1-p, float64(k))
	}
	exp[len(exp)-1] = total * math.Pow(1-p, float64(len(exp)-1))
	x, df := chiSquare(obs, exp)
	// The last gap of each replicate is censored at the end of the triangle;
	// with 300 replicates of ≈89 gaps this bias is far below the test's power.
	if z := chiSquareZ(x, df); z > zMax {
		t.Errorf("gap law: chi2=%.1f df=%d z=%.2f", x, df, z)
	}
}
