package fluctuation_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/meanfield"
)

// TestLinearScaledIsLinear: at γ = 1 (ε = 1) LinearScaled is Linear, the
// same bits.
func TestLinearScaledIsLinear(t *testing.T) {
	for _, sym := range []bool{false, true} {
		s, err := limits.NewSetup(referenceProblem(sym))
		if err != nil {
			t.Fatal(err)
		}
		times := []float64{0, 1, 2}
		a, err := fluctuation.Linear(context.Background(), s, times)
		if err != nil {
			t.Fatal(err)
		}
		b, err := fluctuation.LinearScaled(context.Background(), s, times, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for k := range times {
			if a.C[k] != b.C[k] {
				t.Errorf("symmetric=%v t=%v: LinearScaled C=%v, Linear %v", sym, times[k], b.C[k], a.C[k])
			}
		}
	}
}

// scaledMonteCarlo runs seeds networks of width N at the problem's γ by the
// exact moment chain and returns, at each time, the mean and standard error
// of N·‖g^N_t − g^ε_t‖² over the seeds and the prediction C_ε(t) of
// LinearScaled (ε = N^{γ−1}): g^N = N^{1−γ} b_N·φ = β_N·φ.
func scaledMonteCarlo(t testing.TB, pr limits.Problem, width, seeds int) []mcResult {
	s, err := limits.NewSetup(pr)
	if err != nil {
		t.Fatal(err)
	}
	times := pr.Times
	c, err := fluctuation.LinearScaled(context.Background(), s, times, width)
	if err != nil {
		t.Fatal(err)
	}
	_, omega := s.Nodes()
	phi, y := s.Features()
	d := s.Dim()
	p := 2 * d
	sigmaW, _, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		t.Fatal(err)
	}
	cdf := cumulative(omega)
	scale := math.Pow(float64(width), 1-pr.Gamma)
	x := overSeeds(t, seeds, func(r int) []float64 {
		seed := uint64(r + 1)
		m, err := shallow.NewModel(shallow.ModelConfig{Width: width, Dim: d, Gamma: pr.Gamma, Activation: activation.Identity,
			Sc: pr.Sc, Sw: pr.Sw, Symmetric: pr.Symmetric, Seed: seed})
		if err != nil {
			t.Error(err)
			return nil
		}
		mo := m.Moments()
		ch, err := fluctuation.NewChain(width, pr.Gamma, pr.Alpha, p)
		if err != nil {
			t.Error(err)
			return nil
		}
		rng := rand.New(rand.NewPCG(seed, uint64(width)))
		b := &shallow.Samples{Dim: d, Y: make([]float64, 1), Phi: make([]float64, p)}
		out := make([]float64, len(times))
		diff := make([]float64, p)
		k := 0
		for i, tk := range times {
			for last := int(math.Round(tk * float64(width))); k < last; k++ {
				q := sort.SearchFloat64s(cdf, rng.Float64())
				copy(b.Phi, phi[q*p:(q+1)*p])
				b.Y[0] = y[q]
				if err := ch.Step(&mo, b); err != nil {
					t.Error(err)
				}
			}
			for j := range p {
				diff[j] = scale*mo.MeanCA[j] - c.Moments[i].MeanCA[j]
			}
			mse := 0.0
			for a := range p {
				for bb := range p {
					mse += diff[a] * sigmaW[a*p+bb] * diff[bb]
				}
			}
			out[i] = float64(width) * mse
		}
		return out
	})
	var res []mcResult
	mean, se := seedMeans(x)
	for k, tk := range times {
		res = append(res, mcResult{width: width, t: tk, mean: mean[k], se: se[k], predicted: c.C[k]})
	}
	return res
}

// TestMonteCarloScaled is the oracle of LinearScaled: at γ ∈ {0.6, 0.75,
// 0.9}, for the i.i.d. and the symmetric μ_0, the mean of N·‖g^N_t − g^ε_t‖²
// over the seeds (networks simulated exactly by the moment chain, as in
// TestMonteCarlo, on the reference problem Y = u²) equals C_ε(t) within 3
// standard errors. The default run takes 300 seeds at N = 400 and
// t ∈ {0, 0.5, 2}; -args -mc.full takes 1000 seeds at N = 250, 1000 and 4000
// and t ∈ {0, 0.5, 1, 2, 4} (the table in the README of the γ experiment).
func TestMonteCarloScaled(t *testing.T) {
	seeds, widths, times := 300, []int{400}, []float64{0, 0.5, 2}
	if *fullMC {
		seeds, widths, times = 1000, []int{250, 1000, 4000}, []float64{0, 0.5, 1, 2, 4}
	} else if testing.Short() {
		t.Skip("Monte Carlo over 300 seeds")
	}
	for _, gamma := range []float64{0.6, 0.75, 0.9} {
		for _, sym := range []bool{false, true} {
			init := "iid"
			if sym {
				init = "symmetric"
			}
			t.Run(fmt.Sprintf("gamma=%v/%s", gamma, init), func(t *testing.T) {
				pr := referenceProblem(sym)
				pr.Gamma, pr.Times = gamma, times
				var b strings.Builder
				fmt.Fprintf(&b, "γ = %v, μ_0 %s, %d seeds: N, ε, t, N·MSE ± se, C_ε(t), z\n", gamma, init, seeds)
				for _, width := range widths {
					for _, r := range scaledMonteCarlo(t, pr, width, seeds) {
						fmt.Fprintf(&b, "%5d %.4f %4g  %.5f ± %.5f  %.5f  %+.2f\n", r.width, math.Pow(float64(width), gamma-1), r.t, r.mean, r.se, r.predicted, r.z())
						if math.Abs(r.z()) > 3 {
							t.Errorf("N=%d t=%v: N·MSE = %.5f ± %.5f, predicted C_ε(t) = %.5f: z = %.2f", r.width, r.t, r.mean, r.se, r.predicted, r.z())
						}
					}
				}
				t.Log(b.String())
			})
		}
	}
}

// TestScaledWidthSlope: networks of σ the identity at γ = 0.75 (μ_0 in
// mirror pairs, simulated exactly by the moment chain, 200 seeds) approach
// the ε-flow at their own ε = N^{γ−1} as N^{−½}: the log-log slope of the
// RMS error ‖g^N_t − g^ε_t‖ at t = 2 over N ∈ {256, 1024, 4096} is in
// [−0.6, −0.4], although ε itself changes with N.
func TestScaledWidthSlope(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo over 200 seeds")
	}
	pr := referenceProblem(true)
	pr.Gamma, pr.Times = 0.75, []float64{2}
	widths := []int{256, 1024, 4096}
	var lx, ly []float64
	for _, n := range widths {
		r := scaledMonteCarlo(t, pr, n, 200)[0]
		lx = append(lx, math.Log(float64(n)))
		ly = append(ly, 0.5*math.Log(r.mean/float64(n)))
	}
	mx, my := (lx[0]+lx[1]+lx[2])/3, (ly[0]+ly[1]+ly[2])/3
	num, den := 0.0, 0.0
	for i := range lx {
		num += (lx[i] - mx) * (ly[i] - my)
		den += (lx[i] - mx) * (lx[i] - mx)
	}
	slope := num / den
	t.Logf("RMS error slope %.3f over N = %v", slope, widths)
	if slope < -0.6 || slope > -0.4 {
		t.Errorf("slope %.3f of the RMS error against N, want in [−0.6, −0.4]", slope)
	}
}
