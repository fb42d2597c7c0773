package kernel

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// pairs of φ, ψ ∈ ℝ^4 (d = 2): equal (θ = 0), orthogonal, opposite (θ = π),
// generic, and one with φ = 0.
var pairs = []struct {
	name     string
	phi, psi []float64
}{
	{"equal", []float64{0.5, -1, 0.3, 0.8}, []float64{0.5, -1, 0.3, 0.8}},
	{"orthogonal", []float64{1, 0, 0.5, 0}, []float64{0, 2, 0, -0.3}},
	{"opposite", []float64{0.4, 0.2, -0.1, 1}, []float64{-0.8, -0.4, 0.2, -2}},
	{"generic", []float64{1.2, -0.3, 0.7, 0.1}, []float64{0.2, 0.9, -0.4, 1.5}},
	{"zero", []float64{0, 0, 0, 0}, []float64{1, 2, 3, 4}},
}

// mcStats holds Σx and Σx² of one estimand over draws.
type mcStats struct{ s, s2 float64 }

func (m *mcStats) add(x float64) { m.s += x; m.s2 += x * x }

// meanSE returns the sample mean and its standard error from the sample
// itself: SE = sqrt(sample variance / n).
func (m mcStats) meanSE(n int) (float64, float64) {
	mean := m.s / float64(n)
	v := (m.s2/float64(n) - mean*mean) * float64(n) / float64(n-1)
	return mean, math.Sqrt(math.Max(v, 0) / float64(n))
}

// TestNTKMonteCarlo draws 10⁶ θ = (c, a) from μ_0 (fixed chunks, seeded
// streams) and checks K and the GP covariance against their sample means within
// 5 standard errors (the SE estimated from the same sample; for a degenerate
// estimand with zero variance the closed form must match to 1e-12).
func TestNTKMonteCarlo(t *testing.T) {
	const draws, chunk = 1 << 20, 1 << 16
	const dim = 4
	for act := activation.Identity; act <= activation.Erf; act++ {
		k := NTK{Act: act, Sc: 0.8, Sw: 1.3, D: dim / 2}
		nc := parallel.Chunks(draws, chunk)
		partK := make([][]mcStats, nc)
		partG := make([][]mcStats, nc)
		partS := make([][]mcStats, nc)
		partD := make([][]mcStats, nc)
		parallel.For(nc, func(c int) {
			rng := parallel.Stream(uint64(act)+1, c)
			pk, pg := make([]mcStats, len(pairs)), make([]mcStats, len(pairs))
			ps, pd := make([]mcStats, len(pairs)), make([]mcStats, len(pairs))
			a := make([]float64, dim)
			lo, hi := parallel.Range(c, chunk, draws)
			sa := k.Sw / math.Sqrt(float64(k.D))
			for range hi - lo {
				cc := k.Sc * rng.NormFloat64()
				for i := range a {
					a[i] = sa * rng.NormFloat64()
				}
				for p, pr := range pairs {
					z1, z2 := dot(a, pr.phi), dot(a, pr.psi)
					s1, d1 := act.EvalDeriv(z1)
					s2, d2 := act.EvalDeriv(z2)
					pk[p].add(s1*s2 + cc*cc*d1*d2*dot(pr.phi, pr.psi))
					pg[p].add(cc * cc * s1 * s2)
					ps[p].add(s1 * s2)
					pd[p].add(d1 * d2)
				}
			}
			partK[c], partG[c], partS[c], partD[c] = pk, pg, ps, pd
		})
		for p, pr := range pairs {
			var sk, sg, ss, sd mcStats
			for c := range nc {
				sk.s += partK[c][p].s
				sk.s2 += partK[c][p].s2
				sg.s += partG[c][p].s
				sg.s2 += partG[c][p].s2
				ss.s += partS[c][p].s
				ss.s2 += partS[c][p].s2
				sd.s += partD[c][p].s
				sd.s2 += partD[c][p].s2
			}
			mss, mdd := k.Expectations(pr.phi, pr.psi)
			for _, chk := range []struct {
				what  string
				st    mcStats
				exact float64
			}{{"K", sk, k.Kernel(pr.phi, pr.psi)}, {"GP", sg, k.GP(pr.phi, pr.psi)}, {"E[σσ]", ss, mss}, {"E[σ'σ']", sd, mdd}} {
				t.Run(fmt.Sprintf("%v/%s/%s", act, pr.name, chk.what), func(t *testing.T) {
					mean, se := chk.st.meanSE(draws)
					if se == 0 {
						if math.Abs(mean-chk.exact) > 1e-12 {
							t.Errorf("degenerate: MC %v, closed form %v", mean, chk.exact)
						}
						return
					}
					z := (mean - chk.exact) / se
					if testing.Verbose() {
						t.Logf("MC %.6g ± %.2g, closed form %.6g, z = %.2f", mean, se, chk.exact, z)
					}
					if math.Abs(z) > 5 {
						t.Errorf("MC %v ± %v, closed form %v: z = %.2f", mean, se, chk.exact, z)
					}
				})
			}
		}
	}
}

// TestLinearKernel: for σ(z) = z, K(φ, ψ) = (s_w²/d + s_c²) φ·ψ exactly
// (docs/mathematics.md §6.4).
func TestLinearKernel(t *testing.T) {
	k := NTK{Act: activation.Identity, Sc: 0.7, Sw: 1.1, D: 2}
	for _, p := range pairs {
		want := (k.Sw*k.Sw/2 + k.Sc*k.Sc) * dot(p.phi, p.psi)
		if got := k.Kernel(p.phi, p.psi); math.Abs(got-want) > 1e-14*math.Max(1, math.Abs(want)) {
			t.Errorf("%s: K = %v want %v", p.name, got, want)
		}
	}
}

func TestGram(t *testing.T) {
	k := NTK{Act: activation.Erf, Sc: 1, Sw: 1, D: 2}
	phis := append(append([]float64(nil), pairs[3].phi...), pairs[3].psi...)
	g, err := k.Gram(phis, 4)
	if err != nil {
		t.Fatal(err)
	}
	if g[1] != g[2] || g[1] != k.Kernel(pairs[3].phi, pairs[3].psi) || g[0] != k.Kernel(pairs[3].phi, pairs[3].phi) {
		t.Errorf("Gram %v", g)
	}
	if _, err := k.Gram(phis, 3); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("bad dim: %v", err)
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		k    NTK
		want error
	}{
		{"ok-relu", NTK{Act: activation.ReLU, Sc: 1, Sw: 1, D: 1}, nil},
		{"negative-sc", NTK{Act: activation.ReLU, Sc: -1, Sw: 1, D: 1}, graphs.ErrParameter},
		{"nan-sw", NTK{Act: activation.Erf, Sc: 1, Sw: math.NaN(), D: 1}, graphs.ErrParameter},
		{"zero-d", NTK{Act: activation.Erf, Sc: 1, Sw: 1, D: 0}, graphs.ErrParameter},
		{"tanh", NTK{Act: activation.Tanh, Sc: 1, Sw: 1, D: 1}, nil},
		{"unknown", NTK{Act: 17, Sc: 1, Sw: 1, D: 1}, graphs.ErrParameter},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.k.Validate()
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Validate() = %v, want %v", err, tc.want)
			}
		})
	}
}

func ExampleNTK_Kernel() {
	k := NTK{Act: activation.ReLU, Sc: 1, Sw: 1, D: 1}
	// φ = ψ = (1, 0): Σ11 = 1, θ = 0, E[σσ'] = 1/2, E[σ'σ'] = 1/2, K = 1/2 + 1/2.
	fmt.Printf("%.6f\n", k.Kernel([]float64{1, 0}, []float64{1, 0}))
	// Output: 1.000000
}

// TestGaussQuadrature checks the nested quadrature used for tanh and sigmoid
// on erf, whose moments have a closed form, at variances up to 25 and
// correlations up to 0.999 (σ' = erf' is as steep as tanh' at these scales):
// agreement to 1e-13 (measured: 5e-16).
func TestGaussQuadrature(t *testing.T) {
	covs := [][3]float64{{0.5, 0.5, 0.2}, {1, 2, -0.9}, {4, 4, 3.9}, {4, 0.1, 0.3}, {0, 1, 0}, {2, 2, 2}, {25, 25, 24.975}, {25, 0.01, -0.3}, {0, 25, 0}, {25, 16, -10}, {100, 100, 50}, {0.01, 0.01, 0.005}}
	for _, c := range covs {
		t.Run(fmt.Sprintf("%v", c), func(t *testing.T) {
			s11, s22, s12 := c[0], c[1], c[2]
			ss, dd := gaussMoments(activation.Erf, s11, s22, s12)
			p := (1 + 2*s11) * (1 + 2*s22)
			wantSS := 2 / math.Pi * math.Asin(2*s12/math.Sqrt(p))
			wantDD := 4 / math.Pi / math.Sqrt(p-4*s12*s12)
			if math.Abs(ss-wantSS) > 1e-13 || math.Abs(dd-wantDD) > 1e-13 {
				t.Errorf("erf by quadrature: %v %v, closed form %v %v (diff %g %g)", ss, dd, wantSS, wantDD, ss-wantSS, dd-wantDD)
			}
		})
	}
}

func ExampleNTK_Gram() {
	k := NTK{Act: activation.Erf, Sc: 1, Sw: 1, D: 1}
	// Two points φ = (x, m) ∈ ℝ², row-major.
	g, err := k.Gram([]float64{1, 0, 0, 1}, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f %.4f %.4f\n", g[0], g[1], g[3])
	// Σ11 = 1: E[σσ] = (2/π) asin(2/3), E[σ'σ'] = (4/π)/√5, K = their sum.
	// Output: 1.0340 0.0000 1.0340
}

func BenchmarkGram(b *testing.B) {
	for _, act := range []activation.Kind{activation.Erf, activation.Tanh} {
		b.Run(fmt.Sprintf("Q=32/%v", act), func(b *testing.B) {
			k := NTK{Act: act, Sc: 1, Sw: 1, D: 2}
			phis := make([]float64, 32*4)
			for i := range phis {
				phis[i] = math.Sin(float64(i))
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := k.Gram(phis, 4); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
