package generators

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestBinomial compares 20000 draws per case with the exact pmf by
// chi-square.
func TestBinomial(t *testing.T) {
	tests := []struct {
		n int
		p float64
	}{{10, 0.3}, {100, 0.05}, {1000, 0.7}, {50, 0.5}, {7, 0.99}, {200000, 1e-4}}
	for _, tc := range tests {
		rng := newRand(uint64(tc.n))
		obs := make([]float64, tc.n+1)
		const draws = 20000
		for range draws {
			obs[binomial(rng, tc.n, tc.p)]++
		}
		exp := make([]float64, tc.n+1)
		for k := range exp {
			exp[k] = draws * binomPMF(tc.n, k, tc.p)
		}
		x, df := chiSquare(obs, exp)
		if z := chiSquareZ(x, df); z > zMax {
			t.Errorf("Binomial(%d, %v): chi2=%.1f df=%d z=%.2f", tc.n, tc.p, x, df, z)
		}
	}
	rng := newRand(1)
	for _, tc := range []struct {
		n    int
		p    float64
		want int
	}{{0, 0.5, 0}, {5, 0, 0}, {5, 1, 5}, {-1, 0.5, 0}} {
		if got := binomial(rng, tc.n, tc.p); got != tc.want {
			t.Errorf("binomial(%d, %v) = %d, want %d", tc.n, tc.p, got, tc.want)
		}
	}
}

// TestEgoNeighbourCount checks the law of K against its exact marginal
// P(K = k) = ∫₀¹ Binomial(n−1, ρ d_W(u))(k) du (closed-form d_W, 256-node
// Gauss–Legendre quadrature in u), by chi-square over 20000 draws.
func TestEgoNeighbourCount(t *testing.T) {
	const n, rho, draws = 120, 0.5, 20000
	x, wt := quadGrid()
	for _, w := range shippedGraphons(t) {
		t.Run(w.String(), func(t *testing.T) {
			_, _, deg := exactDensities(w)
			e, err := NewEgo(n, w, rho)
			if err != nil {
				t.Fatal(err)
			}
			rng := newRand(3)
			obs := make([]float64, n)
			var buf []float64
			for range draws {
				var nb []float64
				_, nb = e.Draw(rng, buf)
				buf = nb
				obs[len(nb)]++
			}
			if err := e.Err(); err != nil {
				t.Fatal(err)
			}
			exp := make([]float64, n)
			for q, u := range x {
				p := rho * deg(u)
				for k := range exp {
					exp[k] += draws * wt[q] * binomPMF(n-1, k, p)
				}
			}
			// The SBM's d_W jumps inside quadrature panels: integrate it by blocks instead.
			if w.d.kind == kindSBM {
				clear(exp)
				for a := range w.d.pi {
					p := rho * w.d.deg(w.d.breaks[a])
					for k := range exp {
						exp[k] += draws * w.d.pi[a] * binomPMF(n-1, k, p)
					}
				}
			}
			c, df := chiSquare(obs, exp)
			if z := chiSquareZ(c, df); z > zMax {
				t.Errorf("K law: chi2=%.1f df=%d z=%.2f", c, df, z)
			}
		})
	}
}

// TestEgoLatents checks the joint law of (u, v) over neighbours: the
// expected number of neighbours per draw with u in A and v in B is
// (n−1)·ρ·∫_A∫_B W. Per cell, z uses the standard error over draws.
func TestEgoLatents(t *testing.T) {
	const n, rho, draws, bins = 80, 0.7, 20000, 4
	for _, w := range shippedGraphons(t) {
		t.Run(w.String(), func(t *testing.T) {
			e, err := NewEgo(n, w, rho)
			if err != nil {
				t.Fatal(err)
			}
			rng := newRand(5)
			cells := make([][]float64, bins*bins)
			for c := range cells {
				cells[c] = make([]float64, draws)
			}
			for r := range draws {
				u, nb := e.Draw(rng, nil)
				a := min(int(u*bins), bins-1)
				for _, v := range nb {
					cells[a*bins+min(int(v*bins), bins-1)][r]++
				}
			}
			// ∫_A∫_B W by a 64×64 midpoint rule per cell (error O(h²) for
			// kinks, below 1e-4 here, far under the statistical error).
			const m = 64
			for a := range bins {
				for b := range bins {
					s := 0.0
					for i := range m {
						for j := range m {
							u := (float64(a) + (float64(i)+0.5)/m) / bins
							v := (float64(b) + (float64(j)+0.5)/m) / bins
							x, _ := w.At(u, v)
							s += x
						}
					}
					want := (n - 1) * rho * s / (m * m * bins * bins)
					mean, se := meanSE(cells[a*bins+b])
					if z := zscore(mean, want, se*se); math.Abs(z) > zMax {
						t.Errorf("cell (%d,%d): %.4f neighbours per draw, want %.4f: z=%.2f", a, b, mean, want, z)
					}
				}
			}
		})
	}
}

// TestEgoVersusGraph compares the ego sampler's m = (1/(nρ)) Σ_{neighbours} v
// (X(v) = v) with the same statistic for a uniformly chosen node of a fresh
// G(n, W, ρ) from Sample, by a two-sample Kolmogorov–Smirnov test: reject
// when D > c·√((n₁+n₂)/(n₁n₂)) with c = √(−ln(α/2)/2) = 2.74 for
// α = 5.7e-7 (the two-sided 5σ level). Ties (m = 0 for isolated nodes)
// make the test conservative.
func TestEgoVersusGraph(t *testing.T) {
	const n, rho, reps = 50, 0.6, 1500
	for _, w := range shippedGraphons(t) {
		t.Run(w.String(), func(t *testing.T) {
			rng := newRand(8)
			graphM := make([]float64, reps)
			for r := range reps {
				g, u, err := Sample(n, w, rho, rng)
				if err != nil {
					t.Fatal(err)
				}
				i := rng.IntN(n)
				s := 0.0
				for _, j := range g.Neighbours(i) {
					s += u[j]
				}
				graphM[r] = s / (n * rho)
			}
			e, err := NewEgo(n, w, rho)
			if err != nil {
				t.Fatal(err)
			}
			egoM := make([]float64, 4*reps)
			for r := range egoM {
				_, nb := e.Draw(rng, nil)
				s := 0.0
				for _, v := range nb {
					s += v
				}
				egoM[r] = s / (n * rho)
			}
			d := ksStatistic(graphM, egoM)
			n1, n2 := float64(len(graphM)), float64(len(egoM))
			if crit := 2.74 * math.Sqrt((n1+n2)/(n1*n2)); d > crit {
				t.Errorf("KS D=%.4f > %.4f", d, crit)
			}
		})
	}
}

// ksStatistic returns sup |F₁ − F₂| of the two empirical distributions.
func ksStatistic(a, b []float64) float64 {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	i, j := 0, 0
	d := 0.0
	for i < len(a) && j < len(b) {
		x := math.Min(a[i], b[j])
		for i < len(a) && a[i] == x {
			i++
		}
		for j < len(b) && b[j] == x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

func TestEgoRefusals(t *testing.T) {
	bad := GraphonFunc("bad", func(u, v float64) float64 { return -0.5 })
	tests := []struct {
		name string
		n    int
		w    Graphon
		rho  float64
		want error
	}{
		{"n zero", 0, Product(), 1, graphs.ErrParameter},
		{"rho NaN", 10, Product(), math.NaN(), graphs.ErrParameter},
		{"rho above one", 10, Product(), 2, graphs.ErrParameter},
		{"zero graphon", 10, Graphon{}, 1, graphs.ErrParameter},
		{"bad user values", 10, bad, 1, graphs.ErrParameter},
		{"n too large", graphs.MaxNodes + 1, Product(), 1, graphs.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewEgo(tc.n, tc.w, tc.rho); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	// A value outside [0,1] off the grid is caught while drawing.
	spike := GraphonFunc("spike", func(u, v float64) float64 {
		if v > 0.999999 {
			return 2
		}
		return 1
	})
	e, err := NewEgo(1000, spike, 1)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for r := 0; r < 10000 && e.Err() == nil; r++ {
		e.Draw(rng, nil)
	}
	if !errors.Is(e.Err(), graphs.ErrParameter) {
		t.Fatalf("Err() = %v after drawing through the spike", e.Err())
	}
}
