package scaling

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/features"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/quadrature"
	"github.com/gnnwb/gnnwb/limits/rates"
)

// Config is one γ experiment.
type Config struct {
	// Problem is the learning problem; its γ is replaced by each of Gammas
	// and it must have a symmetric μ_0.
	Problem limits.Problem `json:"problem"`
	Gammas  []float64      `json:"gammas"` // each in [½, 1]
	Widths  []int          `json:"widths"` // N, each even, at least 2 of them
	Seeds   int            `json:"seeds"`  // seeds 1..Seeds per (γ, N)
	// FirstSeed S, if not 0, makes the seeds S..S+Seeds−1.
	FirstSeed uint64 `json:"first_seed,omitempty"`
	Particles int    `json:"particles"` // M of the ε-flow's particle solver (σ not the identity); 0 means 2048
}

// FeatureProblem is the problem of the γ experiment, chosen so that the
// features must move: the default problem (exponential graphon, X =
// fourier:1, Y = sin 2πu, tanh, α = 3) with a small μ_0, s_c = s_w = 0.3,
// in mirror pairs, at t ∈ {0.5, 1, 2}, Q = 32. Its initial tangent kernel
// is small (of order s_w² + s_c²), so the kernel limit fits Y slowly, while
// the mean-field flow grows its units: at t = 2 the ε-flow at ε = 1 is
// 0.28 from the kernel limit in L²(du) (RMS of Y: 0.71), against about
// 0.04 for s_c = s_w = 1.
func FeatureProblem() limits.Problem {
	p := limits.DefaultProblem()
	p.Sc, p.Sw, p.Symmetric = 0.3, 0.3, true
	p.Times = []float64{0.5, 1, 2}
	p.Quadrature = 32
	p.Target, _ = generators.ParseTarget("sin:1")
	return p
}

// Default is the experiment of the README figures: FeatureProblem, γ ∈
// {0.5, 0.6, 0.75, 0.9, 1}, N ∈ {64, …, 2048}, 16 seeds, M = 2048.
func Default() Config {
	return Config{Problem: FeatureProblem(), Gammas: []float64{0.5, 0.6, 0.75, 0.9, 1},
		Widths: []int{64, 128, 256, 512, 1024, 2048}, Seeds: 16, Particles: 2048}
}

func cerr(format string, a ...any) error {
	return fmt.Errorf("scaling: Config: "+format+": %w", append(a, graphs.ErrParameter)...)
}

// Bounds of a Config: seeds per (γ, N) and the widths of its networks.
const (
	MaxSeeds = 1 << 20
	MaxWidth = 1 << 26
)

// Validate checks the experiment: a valid problem with a symmetric μ_0,
// γ's in [½, 1], at least two distinct even widths of at most MaxWidth
// whose networks fit in memory, seeds in [2, MaxSeeds] (none past
// 2^64−1 from FirstSeed), particles even and ≥ 0. Errors wrap graphs.ErrParameter, or graphs.ErrTooLarge for a width.
func (c Config) Validate() error {
	if !c.Problem.Symmetric {
		return cerr("problem.symmetric=false: the experiment needs μ_0 in mirror pairs (g_0 = 0 at every N, as the flow's)")
	}
	if err := c.Problem.Validate(); err != nil {
		return err
	}
	if len(c.Gammas) == 0 {
		return cerr("gammas is empty")
	}
	for i, g := range c.Gammas {
		if !(g >= 0.5 && g <= 1) {
			return cerr("gammas[%d]=%v not in [0.5, 1]", i, g)
		}
	}
	if len(c.Widths) < 2 {
		return cerr("widths has %d values; a slope needs at least 2", len(c.Widths))
	}
	for i, n := range c.Widths {
		if n < 2 || n%2 != 0 || slices.Contains(c.Widths[:i], n) {
			return cerr("widths[%d]=%d: need distinct even widths ≥ 2", i, n)
		}
	}
	if c.Seeds < 2 || c.Seeds > MaxSeeds {
		return cerr("seeds=%d not in [2, %d]", c.Seeds, MaxSeeds)
	}
	if max(c.FirstSeed, 1)-1 > math.MaxUint64-uint64(c.Seeds) {
		return cerr("first_seed=%d with seeds=%d: the seeds pass 2^64-1", c.FirstSeed, c.Seeds)
	}
	for i, n := range c.Widths {
		// a network's units, gradients and optimiser state, per worker
		if err := memlimit.Check(8 * 8 * float64(n) * float64(2*c.Problem.Quadrature+8)); n > MaxWidth || err != nil {
			return fmt.Errorf("scaling: Config: widths[%d]=%d: more than %d or than memory allows: %w", i, n, MaxWidth, graphs.ErrTooLarge)
		}
	}
	if c.Particles < 0 || c.Particles%2 != 0 {
		return cerr("particles=%d: need an even M ≥ 0", c.Particles)
	}
	// the particle flow's state, stages and scratch, and its self-check
	if err := memlimit.Check(8 * 3 * float64(c.particles()) * float64(2*c.Problem.Quadrature+40)); err != nil {
		return fmt.Errorf("scaling: Config: particles=%d: %v: %w", c.Particles, err, graphs.ErrTooLarge)
	}
	return nil
}

func (c Config) particles() int {
	if c.Particles == 0 {
		return 2048
	}
	return c.Particles
}

// Point is the experiment at one (γ, N, t): means over seeds (with their
// standard errors) of the network's measures, and the ε-flow's.
type Point struct {
	Gamma float64 `json:"gamma"`
	Width int     `json:"width"`
	T     float64 `json:"t"`
	Eps   float64 `json:"eps"` // N^{γ−1}

	ErrFlow     float64 `json:"err_flow"`      // mean ‖g^N_t − g^ε_t‖
	ErrFlowSE   float64 `json:"err_flow_se"`   // its standard error
	MSEFlow     float64 `json:"mse_flow"`      // mean ‖g^N_t − g^ε_t‖²
	ErrKernel   float64 `json:"err_kernel"`    // mean ‖g^N_t − g^0_t‖
	ErrKernelSE float64 `json:"err_kernel_se"` // its standard error
	Gap         float64 `json:"gap"`           // ‖g^ε_t − g^0_t‖, the flow against the kernel limit
	SeedVar     float64 `json:"seed_var"`      // Σ_q ω_q Var_s g^N_t(φ_q)

	Movement   float64 `json:"kernel_movement"` // network: mean ‖K_t − K_0‖/‖K_0‖
	MovementSE float64 `json:"kernel_movement_se"`
	Travel     float64 `json:"travel"`         // network: mean (1/N) Σ_k ‖θ^k_t − θ^k_0‖
	Pre        float64 `json:"pre_activation"` // network: mean Σ_q ω_q (1/N) Σ_k |a^k·φ_q|
	Out        float64 `json:"output"`         // network: mean Σ_q ω_q |g^N_t(φ_q)|

	FlowMovement float64 `json:"flow_kernel_movement"` // the ε-flow's (M particles)
	FlowTravel   float64 `json:"flow_travel"`
	FlowPre      float64 `json:"flow_pre_activation"`
	FlowOut      float64 `json:"flow_output"`
	FlowSelf     float64 `json:"flow_self_check"` // ‖g^ε(M) − g^ε(M/2)‖: the flow's own error
}

// Slope is a fitted and a predicted slope of the mean error against N at
// one (γ, t).
type Slope struct {
	Gamma   float64        `json:"gamma"`
	T       float64        `json:"t"`
	Against string         `json:"against"` // "flow" or "kernel"
	Fitted  float64        `json:"fitted"`
	CI      rates.Interval `json:"ci"` // 95% seed-bootstrap interval
	// Predicted is −½ against the flow; against the kernel limit the slope
	// of (gap² + mean ‖g^N − g^ε‖²)^{1/2} over the same widths.
	Predicted float64 `json:"predicted"`
	// Asymptotic is the large-N slope: −½ against the flow,
	// max(2γ − 2, −½) against the kernel limit for γ < 1 (0 at γ = 1).
	Asymptotic float64 `json:"asymptotic"`
}

// Result is the outcome of Run.
type Result struct {
	Config Config  `json:"config"`
	Points []Point `json:"points"` // by γ, then N, then t
	Slopes []Slope `json:"slopes"` // by γ, then t, flow before kernel
	// errs[γ][t] are the per-seed errors (seed × width), kept for the fits.
	errs map[[2]int][2][][]float64
}

// cell is one network's measures at the times.
type cell struct {
	g                       [][]float64 // g^N_t on the grid
	mv, travel, pre, out    []float64
	errFlow, errKernel, mse []float64
}

// Run runs the experiment with workers goroutines (0: GOMAXPROCS) over the
// (γ, N, seed) cells, calling progress (if not nil) after each. Cost: per
// cell T·N SGD steps of O(N·d) and one tangent kernel per time (O(N Q²)),
// per (γ, N) one particle solve of the ε-flow (and one of M/2 particles
// for its self-check). Errors: an invalid config, solver errors, ctx.
func Run(ctx context.Context, c Config, workers int, progress func(done, total int)) (*Result, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	kp := c.Problem
	kp.Gamma = 0.5
	ks, err := limits.NewSetup(kp)
	if err != nil {
		return nil, err
	}
	kl, err := ks.Limit(ctx, limits.KernelLimit, 2, 1, limits.SolveOptions{})
	if err != nil {
		return nil, err
	}
	_, omega := ks.Nodes()
	phi, _ := ks.Features()
	nt := len(c.Problem.Times)
	nq := len(omega)
	dim := 2 * ks.Dim()
	act := c.Problem.Activation
	g0 := make([][]float64, nt)
	for k := range nt {
		g0[k] = make([]float64, nq)
		if err := kl.Eval(g0[k], k, phi); err != nil {
			return nil, err
		}
	}
	type job struct{ gi, wi, seed int }
	var jobs []job
	for gi := range c.Gammas {
		for wi := range c.Widths {
			for s := range c.Seeds {
				jobs = append(jobs, job{gi, wi, s})
			}
		}
	}
	// flows[gi][wi]: the ε-flow's outputs and diagnostics, solved once.
	type flow struct {
		g    [][]float64
		d    *features.Diagnostics
		self []float64
	}
	flows := make([][]*flow, len(c.Gammas))
	setups := make([]*limits.Setup, len(c.Gammas))
	for gi, gamma := range c.Gammas {
		p := c.Problem
		p.Gamma = gamma
		if setups[gi], err = limits.NewSetup(p); err != nil {
			return nil, err
		}
		flows[gi] = make([]*flow, len(c.Widths))
	}
	var flowOnce = make([][]sync.Once, len(c.Gammas))
	var flowErr = make([][]error, len(c.Gammas))
	for gi := range c.Gammas {
		flowOnce[gi] = make([]sync.Once, len(c.Widths))
		flowErr[gi] = make([]error, len(c.Widths))
	}
	outputs := func(u *limits.Units) ([][]float64, error) {
		out := make([][]float64, len(u.Theta))
		for k, th := range u.Theta {
			g, err := meanfield.Output(act, th, phi, dim)
			if err != nil {
				return nil, err
			}
			for q := range g {
				g[q] /= u.Eps
			}
			out[k] = g
		}
		return out, nil
	}
	getFlow := func(ctx context.Context, gi, wi int) (*flow, error) {
		flowOnce[gi][wi].Do(func() {
			s := setups[gi]
			u, err := s.FlowUnits(ctx, c.Widths[wi], c.particles())
			if err != nil {
				flowErr[gi][wi] = err
				return
			}
			f := &flow{}
			if f.g, err = outputs(u); err != nil {
				flowErr[gi][wi] = err
				return
			}
			if f.d, err = features.Measure(s, u); err != nil {
				flowErr[gi][wi] = err
				return
			}
			half, err := s.FlowUnits(ctx, c.Widths[wi], c.particles()/2)
			if err != nil {
				flowErr[gi][wi] = err
				return
			}
			gh, err := outputs(half)
			if err != nil {
				flowErr[gi][wi] = err
				return
			}
			for k := range nt {
				f.self = append(f.self, quadrature.Distance(omega, f.g[k], gh[k]))
			}
			flows[gi][wi] = f
		})
		return flows[gi][wi], flowErr[gi][wi]
	}
	cells := make([]*cell, len(jobs))
	done := 0
	err = parallel.Each(ctx, len(jobs), workers, func(ctx context.Context, i int) error {
		j := jobs[i]
		fl, err := getFlow(ctx, j.gi, j.wi)
		if err != nil {
			return err
		}
		s := setups[j.gi]
		u, err := s.NetworkUnits(ctx, c.Widths[j.wi], max(c.FirstSeed, 1)+uint64(j.seed))
		if err != nil {
			return err
		}
		d, err := features.Measure(s, u)
		if err != nil {
			return err
		}
		cl := &cell{mv: d.Movement, travel: d.Travel, pre: d.Pre, out: d.Out}
		if cl.g, err = outputs(u); err != nil {
			return err
		}
		for k := range nt {
			ef := quadrature.Distance(omega, cl.g[k], fl.g[k])
			cl.errFlow = append(cl.errFlow, ef)
			cl.mse = append(cl.mse, ef*ef)
			cl.errKernel = append(cl.errKernel, quadrature.Distance(omega, cl.g[k], g0[k]))
		}
		cells[i] = cl
		return nil
	}, func(int) {
		done++
		if progress != nil {
			progress(done, len(jobs))
		}
	})
	if err != nil {
		return nil, err
	}
	res := &Result{Config: c, errs: map[[2]int][2][][]float64{}}
	i := 0
	for gi, gamma := range c.Gammas {
		for wi, width := range c.Widths {
			fl := flows[gi][wi]
			cs := cells[i : i+c.Seeds]
			i += c.Seeds
			for k, t := range c.Problem.Times {
				pt := Point{Gamma: gamma, Width: width, T: t, Eps: setups[gi].FlowEps(width),
					Gap: quadrature.Distance(omega, fl.g[k], g0[k]), FlowMovement: fl.d.Movement[k], FlowTravel: fl.d.Travel[k],
					FlowPre: fl.d.Pre[k], FlowOut: fl.d.Out[k], FlowSelf: fl.self[k]}
				col := func(f func(*cell) float64) (mean, se float64) {
					x := make([]float64, len(cs))
					for r, cl := range cs {
						x[r] = f(cl)
					}
					return meanSE(x)
				}
				pt.ErrFlow, pt.ErrFlowSE = col(func(cl *cell) float64 { return cl.errFlow[k] })
				pt.MSEFlow, _ = col(func(cl *cell) float64 { return cl.mse[k] })
				pt.ErrKernel, pt.ErrKernelSE = col(func(cl *cell) float64 { return cl.errKernel[k] })
				pt.Movement, pt.MovementSE = col(func(cl *cell) float64 { return cl.mv[k] })
				pt.Travel, _ = col(func(cl *cell) float64 { return cl.travel[k] })
				pt.Pre, _ = col(func(cl *cell) float64 { return cl.pre[k] })
				pt.Out, _ = col(func(cl *cell) float64 { return cl.out[k] })
				for q, w := range omega {
					x := make([]float64, len(cs))
					for r, cl := range cs {
						x[r] = cl.g[k][q]
					}
					_, se := meanSE(x)
					pt.SeedVar += w * se * se * float64(len(x)) // the variance over seeds
				}
				res.Points = append(res.Points, pt)
				key := [2]int{gi, k}
				e := res.errs[key]
				if e[0] == nil {
					e[0], e[1] = make([][]float64, c.Seeds), make([][]float64, c.Seeds)
				}
				for r, cl := range cs {
					e[0][r] = append(e[0][r], cl.errFlow[k])
					e[1][r] = append(e[1][r], cl.errKernel[k])
				}
				res.errs[key] = e
			}
		}
	}
	if err := res.fit(); err != nil {
		return nil, err
	}
	return res, nil
}

// Point returns the point at (γ index, width index, time index).
func (r *Result) point(gi, wi, k int) Point {
	nt := len(r.Config.Problem.Times)
	return r.Points[(gi*len(r.Config.Widths)+wi)*nt+k]
}

// fit fills Slopes from the per-seed errors (seed bootstrap, 1000
// resamples, stream PCG(1, 2)).
func (r *Result) fit() error {
	c := r.Config
	x := make([]float64, len(c.Widths))
	for i, n := range c.Widths {
		x[i] = float64(n)
	}
	for gi, gamma := range c.Gammas {
		for k, t := range c.Problem.Times {
			e := r.errs[[2]int{gi, k}]
			for a, against := range []string{"flow", "kernel"} {
				if slices.ContainsFunc(e[a], func(row []float64) bool { return slices.Contains(row, 0) }) {
					continue // t = 0 against the flow: no error to fit
				}
				bs, err := rates.BootstrapFit(x, e[a], 1000, rand.New(rand.NewPCG(1, 2)))
				if err != nil {
					return fmt.Errorf("scaling: fit γ=%v t=%v %s: %w", gamma, t, against, err)
				}
				sl := Slope{Gamma: gamma, T: t, Against: against, Fitted: bs.Slope, CI: bs.SlopeCI, Predicted: -0.5, Asymptotic: -0.5}
				if against == "kernel" {
					pred := make([]float64, len(x))
					for wi := range x {
						pt := r.point(gi, wi, k)
						pred[wi] = math.Sqrt(pt.Gap*pt.Gap + pt.MSEFlow)
					}
					f, err := rates.LogLog(x, pred)
					if err != nil {
						return fmt.Errorf("scaling: fit γ=%v t=%v predicted: %w", gamma, t, err)
					}
					sl.Predicted = f.Slope
					sl.Asymptotic = math.Max(2*gamma-2, -0.5)
					if gamma == 1 {
						sl.Asymptotic = 0
					}
				}
				r.Slopes = append(r.Slopes, sl)
			}
		}
	}
	return nil
}

func meanSE(x []float64) (mean, se float64) {
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	if len(x) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(ss / float64(len(x)-1) / float64(len(x)))
}
