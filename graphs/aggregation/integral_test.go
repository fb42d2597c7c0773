package aggregation_test

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/stat"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// grid returns the q-node Gauss–Legendre rule on [0,1] and the matrix
// W(u_q, u_r) of w on it.
func grid(q int, w func(u, v float64) float64) (u, omega, wm []float64) {
	u, omega = make([]float64, q), make([]float64, q)
	quad.Legendre{}.FixedLocations(u, omega, 0, 1)
	wm = make([]float64, q*q)
	for i, x := range u {
		for j, y := range u {
			wm[i*q+j] = w(x, y)
		}
	}
	return u, omega, wm
}

func expW(u, v float64) float64 { return math.Exp(-(u + v)) }

// TestIntegralClosedForm checks the graphon realisation of each
// normalisation against closed forms for W(u,v) = exp(−(u+v)) and f ≡ 1:
// d_W(u) = e^{−u}(1 − e^{−1}), so T_W 1 = d_W, the mean gives 1, and the
// symmetric T_sym 1 = e^{−u/2}·2(1 − e^{−½})/(1 − e^{−1}); the sum at nρ
// with loops gives nρ·d_W + 1. The integrands are analytic, so 20
// Gauss–Legendre nodes are exact to rounding.
func TestIntegralClosedForm(t *testing.T) {
	const q, nrho = 20, 50.0
	u, omega, wm := grid(q, expW)
	c := 1 - math.Exp(-1)
	dW := func(u float64) float64 { return math.Exp(-u) * c }
	for _, tc := range []struct {
		a    aggregation.Aggregation
		want func(u float64) float64
	}{
		{aggregation.Aggregation{Norm: aggregation.Graphon}, dW},
		{aggregation.Aggregation{Norm: aggregation.Graphon, Loops: aggregation.AddLoops}, dW},
		{aggregation.Aggregation{Norm: aggregation.Mean}, func(float64) float64 { return 1 }},
		{aggregation.GCNNoLoops, func(u float64) float64 { return math.Exp(-u/2) * 2 * (1 - math.Exp(-0.5)) / c }},
		{aggregation.GCN, func(u float64) float64 { return math.Exp(-u/2) * 2 * (1 - math.Exp(-0.5)) / c }},
		{aggregation.GIN, func(u float64) float64 { return nrho * dW(u) }},
		{aggregation.Aggregation{Norm: aggregation.Sum, Loops: aggregation.AddLoops}, func(u float64) float64 { return nrho*dW(u) + 1 }},
	} {
		t.Run(tc.a.String(), func(t *testing.T) {
			in, err := tc.a.Integral(wm, omega, nrho)
			if err != nil {
				t.Fatal(err)
			}
			ones := make([]float64, 2*q) // two columns, both 1
			for i := range ones {
				ones[i] = 1
			}
			got, err := in.Apply(nil, ones, 2)
			if err != nil {
				t.Fatal(err)
			}
			for i, x := range u {
				for k := range 2 {
					if w := tc.want(x); math.Abs(got[2*i+k]-w) > 1e-13*(1+math.Abs(w)) {
						t.Fatalf("(T 1)(%v) = %.16g, want %.16g", x, got[2*i+k], w)
					}
				}
			}
			for i, x := range u {
				if math.Abs(in.Degree()[i]-dW(x)) > 1e-14 {
					t.Fatalf("Degree()[%d] = %v, want %v", i, in.Degree()[i], dW(x))
				}
			}
			// Off the grid.
			for _, x := range []float64{0, 0.123, 0.5, 1} {
				wrow := make([]float64, q)
				for r, y := range u {
					wrow[r] = expW(x, y)
				}
				dst := make([]float64, 2)
				if err := in.At(dst, wrow, ones, []float64{1, 1}); err != nil {
					t.Fatal(err)
				}
				if w := tc.want(x); math.Abs(dst[0]-w) > 1e-13*(1+math.Abs(w)) || dst[1] != dst[0] {
					t.Fatalf("At(%v) = %v, want %.16g", x, dst, w)
				}
				row := make([]float64, q)
				self, err := in.RowAt(row, wrow)
				if err != nil {
					t.Fatal(err)
				}
				sum := self
				for _, c := range row {
					sum += c
				}
				if w := tc.want(x); math.Abs(sum-w) > 1e-13*(1+math.Abs(w)) {
					t.Fatalf("RowAt(%v): Σ coefficients + self = %.16g, want %.16g", x, sum, w)
				}
			}
		})
	}
}

func TestIntegralErrors(t *testing.T) {
	_, omega, wm := grid(4, expW)
	for _, tc := range []struct {
		name  string
		a     aggregation.Aggregation
		w, om []float64
		nrho  float64
		kind  error
	}{
		{"bad norm", aggregation.Aggregation{Norm: 7}, wm, omega, 1, graphs.ErrParameter},
		{"empty", aggregation.GCN, nil, nil, 1, graphs.ErrShape},
		{"shape", aggregation.GCN, wm[:15], omega, 1, graphs.ErrShape},
		{"sum needs nρ", aggregation.GIN, wm, omega, 0, graphs.ErrParameter},
		{"sum nρ Inf", aggregation.GIN, wm, omega, math.Inf(1), graphs.ErrParameter},
		{"NaN W", aggregation.GCN, append([]float64{math.NaN()}, wm[1:]...), omega, 1, graphs.ErrParameter},
		{"negative weight", aggregation.GCN, wm, []float64{-1, 1, 1, 1}, 1, graphs.ErrParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := tc.a.Integral(tc.w, tc.om, tc.nrho); !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want %v", err, tc.kind)
			}
		})
	}
	in, err := aggregation.Aggregation{Norm: aggregation.Sum, Loops: aggregation.AddLoops}.Integral(wm, omega, 3)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := in.Apply(nil, make([]float64, 7), 2); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Apply shape: err = %v", err)
	}
	if err := in.At(make([]float64, 1), make([]float64, 4), make([]float64, 4), nil); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("At without f(u) for a looped sum: err = %v", err)
	}
}

// TestOperatorConvergesToIntegral: on G(n, W, ρ) with latents u_i, the
// finite operator applied to f(u_j) approaches the graphon realisation
// (T f)(u_i) at the rate (nρ)^−½, for every normalisation and loop policy
// (the sum divided by nρ). Each node's error is an average of n − 1
// independent bounded terms of variance O(1/ρ) (plus, for the normalised
// aggregations, the degree's own fluctuation of the same order), so the
// RMS error over nodes is C·(nρ)^−½; loops and the degree's curvature add
// an O((nρ)^−1) bias. The slope of log RMS against log nρ over nρ from 100
// to 1600 (dense, 32 seeds) and 32 to 126 (ρ = n^−½, 4 seeds) is checked to
// lie in [−0.6, −0.4], and the error at the largest size below 4·(nρ)^−½, a
// loose bound on C for |f| ≤ 1 and W ≥ e^−2. In the dense regime part of
// each node's error is the latents' common Monte Carlo error (the same for
// all nodes of a graph), hence the many seeds: with them the slope's
// seed-to-seed standard deviation is about 0.03 (measured slopes −0.47 to
// −0.49 dense, −0.49 to −0.53 sparse).
func TestOperatorConvergesToIntegral(t *testing.T) {
	const q = 32
	u, omega, wm := grid(q, expW)
	f := func(u float64) float64 { return math.Cos(2 * math.Pi * u) }
	fq := make([]float64, q)
	for i, x := range u {
		fq[i] = f(x)
	}
	w := generators.Exponential()
	aggs := []aggregation.Aggregation{
		{Norm: aggregation.Graphon}, {Norm: aggregation.Graphon, Loops: aggregation.AddLoops},
		{Norm: aggregation.Mean}, {Norm: aggregation.Mean, Loops: aggregation.AddMissingLoops},
		aggregation.GCNNoLoops, aggregation.GCN, {Norm: aggregation.Symmetric, Loops: aggregation.AddLoops},
		aggregation.GIN, {Norm: aggregation.Sum, Loops: aggregation.AddLoops},
	}
	for _, regime := range []struct {
		name  string
		sizes []int
		seeds uint64
		rho   func(n int) float64
	}{
		{"dense", []int{100, 400, 1600}, 32, func(int) float64 { return 1 }},
		{"rho=n^-1/2", []int{1000, 4000, 16000}, 4, func(n int) float64 { return 1 / math.Sqrt(float64(n)) }},
	} {
		logx := make([]float64, len(regime.sizes))
		logy := make([][]float64, len(aggs))
		for a := range aggs {
			logy[a] = make([]float64, len(regime.sizes))
		}
		for s, n := range regime.sizes {
			rho := regime.rho(n)
			nrho := float64(n) * rho
			logx[s] = math.Log(nrho)
			mse := make([]float64, len(aggs))
			for seed := range regime.seeds {
				g, lat, err := generators.Sample(n, w, rho, rand.New(rand.NewPCG(seed, 11)))
				if err != nil {
					t.Fatal(err)
				}
				x := make([]float64, n)
				for i, v := range lat {
					x[i] = f(v)
				}
				sx := make([]float64, n)
				wrow := make([]float64, q)
				lim := make([]float64, 1)
				for a, ag := range aggs {
					op, err := ag.Operator(g, rho)
					if err != nil {
						t.Fatal(err)
					}
					in, err := ag.Integral(wm, omega, nrho)
					if err != nil {
						t.Fatal(err)
					}
					op.Apply(sx, x, 1)
					scale := 1.0
					if ag.Norm == aggregation.Sum {
						scale = 1 / nrho
					}
					var sum float64
					for i, v := range lat {
						for r, y := range u {
							wrow[r] = expW(v, y)
						}
						if err := in.At(lim, wrow, fq, x[i:i+1]); err != nil {
							t.Fatal(err)
						}
						e := scale * (sx[i] - lim[0])
						sum += e * e
					}
					mse[a] += sum / float64(n) / float64(regime.seeds)
				}
			}
			for a := range aggs {
				logy[a][s] = 0.5 * math.Log(mse[a])
			}
		}
		for a, ag := range aggs {
			t.Run(fmt.Sprintf("%s/%s", regime.name, ag), func(t *testing.T) {
				_, slope := stat.LinearRegression(logx, logy[a], nil, false)
				last := math.Exp(logy[a][len(logy[a])-1])
				bound := 4 / math.Sqrt(math.Exp(logx[len(logx)-1]))
				t.Logf("slope %.3f, RMS %.4g at nρ = %.0f", slope, last, math.Exp(logx[len(logx)-1]))
				if slope < -0.6 || slope > -0.4 {
					t.Errorf("slope of log RMS error against log nρ = %.3f, want −½ ± 0.1", slope)
				}
				if last > bound {
					t.Errorf("RMS error %.4g at the largest size, want < %.4g", last, bound)
				}
			})
		}
	}
}
