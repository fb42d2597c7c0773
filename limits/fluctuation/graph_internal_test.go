package fluctuation

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/limits"
)

// TestGraphSourceMoments checks the exact conditional law of the ego
// sampler's aggregated feature that Graph is built on: at one node u_q of
// the quadrature, the mean and covariance of δ = m̂ − (T_W X)(u_q) over
// 2·10⁵ draws of generators.EgoSampler.SampleAt must equal
// E[δ|u] = −(T_W X)(u)/n (+ X(u)/(nρ) with a self-loop) and
// Cov(δ|u) = ((n−1)/n)(T_W XXᵀ − ρ (T_W X)(T_W X)ᵀ)/(nρ) within 3 standard
// errors, entry by entry, for an SBM (no thinning) and the exponential
// graphon (thinning), d = 2, with and without the loop.
func TestGraphSourceMoments(t *testing.T) {
	const draws = 200000
	for _, tc := range []struct {
		graphon, agg string
		n            int
		rho          float64
	}{
		{"sbm:0.5,0.5:0.9,0.1;0.1,0.9", "graphon", 200, 0.1},
		{"exponential", "graphon", 50, 1},
		{"exponential", "graphon:add", 100, 0.2},
	} {
		p := limits.DefaultProblem()
		p.Graphon = must(generators.ParseGraphon(tc.graphon))
		p.Aggregation = must(aggregation.Parse(tc.agg))
		p.Rho = tc.rho
		p.Activation = activation.Identity
		p.Alpha = 1
		s, err := limits.NewSetup(p)
		if err != nil {
			t.Fatal(err)
		}
		ms, err := newMomentSystem("test", s)
		if err != nil {
			t.Fatal(err)
		}
		gs := newGraphSource(s, ms, tc.n)
		smp, err := generators.NewEgoSampler(generators.Process{W: p.Graphon, Rho: p.Rho, N: tc.n, X: p.Signal, Y: p.Target, Aggregation: p.Aggregation}, 1)
		if err != nil {
			t.Fatal(err)
		}
		d := s.Dim()
		u, _ := s.Nodes()
		phi, _ := s.Features()
		for _, q := range []int{5, 30} {
			tx := phi[q*2*d+d : (q+1)*2*d]
			dl := make([][]float64, draws)
			f, y := make([]float64, 2*d), make([]float64, 1)
			rng := rand.New(rand.NewPCG(uint64(q), 7))
			for r := range dl {
				if err := smp.SampleAt(rng, u[q:q+1], f, y); err != nil {
					t.Fatal(err)
				}
				dl[r] = make([]float64, d)
				for i := range d {
					dl[r][i] = f[d+i] - tx[i]
				}
			}
			name := fmt.Sprintf("%s %s n=%d ρ=%v u=%.3f", tc.graphon, tc.agg, tc.n, tc.rho, u[q])
			mean := make([]float64, d)
			for i := range d {
				x := make([]float64, draws)
				for r := range dl {
					x[r] = dl[r][i]
				}
				m, se := sampleMean(x)
				mean[i] = m
				want := gs.mu[q*d+i] / gs.nrho
				z := (m - want) / se
				t.Logf("%s: E δ_%d = %.5e ± %.1e, exact %.5e, z = %+.2f", name, i, m, se, want, z)
				if math.Abs(z) > 3 {
					t.Errorf("%s: E δ_%d = %.5e ± %.1e, exact %.5e: z = %.2f", name, i, m, se, want, z)
				}
			}
			for i := range d {
				for j := i; j < d; j++ {
					x := make([]float64, draws)
					for r := range dl {
						x[r] = (dl[r][i] - mean[i]) * (dl[r][j] - mean[j])
					}
					m, se := sampleMean(x)
					want := gs.cd[q*d*d+i*d+j] / gs.nrho
					z := (m - want) / se
					t.Logf("%s: Cov δ_%d%d = %.5e ± %.1e, exact %.5e, z = %+.2f", name, i, j, m, se, want, z)
					if math.Abs(z) > 3 {
						t.Errorf("%s: Cov(δ_%d, δ_%d) = %.5e ± %.1e, exact %.5e: z = %.2f", name, i, j, m, se, want, z)
					}
				}
			}
		}
	}
}

// sampleMean is the mean of x and its standard error.
func sampleMean(x []float64) (mean, se float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
}
