package fluctuation_test

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/meanfield"
)

// referenceProblem is the problem of the Monte Carlo oracle (and of the
// README table): the exponential graphon, X = fourier:1 (d = 2), Y(u) = u²,
// σ the identity, γ = 1, α = 1, s_c = s_w = 1, B = 1, Q = 48.
func referenceProblem(symmetric bool) limits.Problem {
	return problemWith("poly:0,0,1", symmetric)
}

func problemWith(target string, symmetric bool) limits.Problem {
	p := limits.DefaultProblem()
	p.Activation = activation.Identity
	p.Alpha = 1
	p.Target = must(generators.ParseTarget(target))
	p.Symmetric = symmetric
	p.Times = []float64{0.5, 1, 2, 4}
	return p
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// mcResult is the Monte Carlo estimate of N·E‖g^N_t − g_t‖² at one (N, t).
type mcResult struct {
	width     int
	t         float64
	mean, se  float64 // mean of N·MSE over the seeds and its standard error
	predicted float64 // C(t)
}

// z is the z-score of the mean against the prediction; 0 when both are 0
// without spread (symmetric μ_0 at t = 0), ±Inf when they differ then.
func (r mcResult) z() float64 {
	if r.se == 0 && r.mean == r.predicted {
		return 0
	}
	return (r.mean - r.predicted) / r.se
}

// monteCarlo runs R seeds of the exact moment chain of networks of each
// width on the reference problem (see TestMonteCarlo) and returns N·MSE
// against the prediction at each (N, t).
func monteCarlo(t testing.TB, pr limits.Problem, widths []int, seeds int) []mcResult {
	s, err := limits.NewSetup(pr)
	if err != nil {
		t.Fatal(err)
	}
	times := s.Problem().Times
	c, err := fluctuation.Linear(context.Background(), s, times)
	if err != nil {
		t.Fatal(err)
	}
	_, omega := s.Nodes()
	phi, y := s.Features()
	p := 2 * s.Dim()
	sigmaW, _, err := meanfield.SecondMoments(omega, phi, y, p)
	if err != nil {
		t.Fatal(err)
	}
	cdf := cumulative(omega)
	var out []mcResult
	for _, width := range widths {
		// x[r][k] = N·MSE of seed r at times[k]
		x := overSeeds(t, seeds, func(r int) []float64 {
			return chainRun(t, s, c, sigmaW, cdf, phi, y, width, uint64(r+1))
		})
		mean, se := seedMeans(x)
		for k, tk := range times {
			out = append(out, mcResult{width: width, t: tk, mean: mean[k], se: se[k], predicted: c.C[k]})
		}
	}
	return out
}

// chainRun trains one network of width N (seed r) by the moment chain and
// returns N·‖g^N_t − g_t‖² at the problem's times.
func chainRun(t testing.TB, s *limits.Setup, c *fluctuation.Constant, sigmaW, cdf, phi, y []float64, width int, seed uint64) []float64 {
	pr := s.Problem()
	d := s.Dim()
	p := 2 * d
	m, err := shallow.NewModel(shallow.ModelConfig{Width: width, Dim: d, Gamma: 1, Activation: activation.Identity,
		Sc: pr.Sc, Sw: pr.Sw, Symmetric: pr.Symmetric, Seed: seed})
	if err != nil {
		t.Error(err)
		return nil
	}
	mo := m.Moments()
	ch, err := fluctuation.NewChain(width, 1, pr.Alpha, p)
	if err != nil {
		t.Error(err)
		return nil
	}
	rng := rand.New(rand.NewPCG(seed, uint64(width)))
	b := &shallow.Samples{Dim: d, Y: make([]float64, 1), Phi: make([]float64, p)}
	out := make([]float64, len(pr.Times))
	diff := make([]float64, p)
	k := 0
	for i, tk := range pr.Times {
		for last := int(math.Round(tk * float64(width))); k < last; k++ {
			q := sort.SearchFloat64s(cdf, rng.Float64())
			copy(b.Phi, phi[q*p:(q+1)*p])
			b.Y[0] = y[q]
			if err := ch.Step(&mo, b); err != nil {
				t.Error(err)
				return nil
			}
		}
		for j := range p {
			diff[j] = mo.MeanCA[j] - c.Moments[i].MeanCA[j]
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
}

// TestMonteCarlo is the oracle of the constant: the mean of N·‖g^N_t − g_t‖²
// over 1000 seeds must equal C(t) within 3 standard errors at N = 250, 1000
// and 4000 and t ∈ {0.5, 1, 2, 4}, for the i.i.d. and the symmetric μ_0, on
// the reference problem (Y = u²). At t = 0 the equality is exact at every N
// (TestInitialConstant), which checks the prediction's μ_0 against
// shallow.NewModel's.
//
// The networks are simulated exactly, without units, by the moment chain
// (its one-step map is checked against units by TestChainMatchesUnits):
// seed r draws μ_0 by shallow.NewModel (seed r, so the i.i.d. or paired units
// of the real initialisation) and takes its empirical moments, then runs
// round(t·N) steps of batch 1. Each sample is a node u_q of the problem's
// 48-point Gauss–Legendre grid drawn with probability ω_q (the stream
// PCG(r, N)), with φ = φ(u_q) and y = Y(u_q): π is the grid measure
// Σ_q ω_q δ_(φ(u_q), Y(u_q)), which is exactly the π that Linear integrates
// over (the problem has no feature noise, so the training grid is the
// evaluation grid). The limit g_t is the moment ODE on the same grid.
//
// With R = 1000 the relative standard error of each mean is about 3%. On
// the reference problem, dropping the coupling (δQ + δq I) ē of the
// linearisation (the fluctuation of Q and q reaching b) changes C(t) by 6%
// (i.i.d.) to 17% (symmetric) at most, so a second problem checks that
// part: Y = sin 2πu, which the features realise (X = (cos 2πu, sin 2πu)),
// where it changes C(t) by 40% to 80% at t ∈ {1, 2}. It is checked where
// C(t) ≥ 0.05 and N ≥ 1000: for this target C(t) decreases towards 0
// (TestRealisable), and once it is small the terms of higher order in 1/N
// are not small against it (z = +2.7 at N = 250, t = 4, C = 0.0033). The
// z-scores go to the test log.
func TestMonteCarlo(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo over 1000 seeds")
	}
	const seeds = 1000
	for _, tc := range []struct {
		target string
		widths []int
		times  []float64
	}{
		{"poly:0,0,1", []int{250, 1000, 4000}, []float64{0, 0.5, 1, 2, 4}},
		{"sin:1", []int{1000, 4000}, []float64{0.5, 1, 2}},
	} {
		for _, symmetric := range []bool{false, true} {
			init := "iid"
			if symmetric {
				init = "symmetric"
			}
			t.Run(tc.target+"/"+init, func(t *testing.T) {
				pr := problemWith(tc.target, symmetric)
				pr.Times = tc.times
				res := monteCarlo(t, pr, tc.widths, seeds)
				var b strings.Builder
				fmt.Fprintf(&b, "Y = %s, μ_0 %s, %d seeds: N, t, N·MSE ± se, C(t), z\n", tc.target, init, seeds)
				for _, r := range res {
					fmt.Fprintf(&b, "%5d %4g  %.5f ± %.5f  %.5f  %+.2f\n", r.width, r.t, r.mean, r.se, r.predicted, r.z())
					if math.Abs(r.z()) > 3 {
						t.Errorf("N=%d t=%v: N·MSE = %.5f ± %.5f, predicted C(t) = %.5f: z = %.2f", r.width, r.t, r.mean, r.se, r.predicted, r.z())
					}
				}
				t.Log(b.String())
			})
		}
	}
}

// overSeeds runs run(r) for the seeds r = 0, …, seeds−1 on GOMAXPROCS
// goroutines and returns their results by seed; a seed whose run returns
// nil (after reporting its error) stops the test.
func overSeeds(t testing.TB, seeds int, run func(r int) []float64) [][]float64 {
	x := make([][]float64, seeds)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range next {
				x[r] = run(r)
			}
		}()
	}
	for r := range seeds {
		next <- r
	}
	close(next)
	wg.Wait()
	for r := range x {
		if x[r] == nil {
			t.Fatalf("seed %d failed", r+1)
		}
	}
	return x
}

// seedMeans returns, for each k, the mean over the seeds r of x[r][k] and
// its standard error (sample standard deviation/√R).
func seedMeans(x [][]float64) (mean, se []float64) {
	seeds := len(x)
	mean, se = make([]float64, len(x[0])), make([]float64, len(x[0]))
	for k := range mean {
		sum, sum2 := 0.0, 0.0
		for r := range seeds {
			sum += x[r][k]
		}
		mean[k] = sum / float64(seeds)
		for r := range seeds {
			sum2 += (x[r][k] - mean[k]) * (x[r][k] - mean[k])
		}
		se[k] = math.Sqrt(sum2/float64(seeds-1)) / math.Sqrt(float64(seeds))
	}
	return mean, se
}

// cumulative returns the cumulative sums of the weights w, the last set to
// +Inf: Σw = 1 up to rounding, and a uniform u below 1 always lands
// (sort.SearchFloat64s(c, u) draws index i with probability w_i).
func cumulative(w []float64) []float64 {
	c := make([]float64, len(w))
	acc := 0.0
	for i, v := range w {
		acc += v
		c[i] = acc
	}
	c[len(c)-1] = math.Inf(1)
	return c
}
