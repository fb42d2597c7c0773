package ergodic

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"sync"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// Config is the experiment: a problem (γ = 1, B = 1), the walks compared
// with the i.i.d. sampler, the widths, the seeds per width, the particles
// of the prediction (σ not the identity) and the length of the chain on
// which the autocorrelation time is measured.
type Config struct {
	Problem    limits.Problem
	Holds      []float64 // hold probabilities h of the walks, each in [0,1)
	Widths     []int     // N ≥ 2, increasing
	Seeds      int       // networks per (sampler, N), ≥ 2
	FirstSeed  uint64    // seed S of the first network: seeds S..S+Seeds−1 (0: 1)
	Particles  int       // M of the prediction; 0 means 2048
	TauSamples int       // samples of the chain measuring τ; 0 means 2^20
}

// DefaultConfig is the README experiment: the band graphon gaussian:0.15,
// X = fourier:1, Y = u², tanh, α = 3, t ∈ {0.5, 2}, walks with h ∈ {0,
// 0.5, 0.9}, N ∈ {250, 500, 1000, 2000, 4000}, 40 seeds.
func DefaultConfig() Config {
	p := limits.DefaultProblem()
	p.Graphon, _ = generators.ParseGraphon("gaussian:0.15")
	p.Target, _ = generators.ParseTarget("poly:0,0,1")
	return Config{Problem: p, Holds: []float64{0, 0.5, 0.9}, Widths: []int{250, 500, 1000, 2000, 4000}, Seeds: 40}
}

// Point is the measured error of one (sampler, N, t): the mean of
// N·‖g^N_t − g_t‖² over the seeds and its standard error.
type Point struct {
	Width int     `json:"width"`
	T     float64 `json:"t"`
	NMSE  float64 `json:"n_mse"`
	SE    float64 `json:"se"`
}

// Sampler is the result of one sampler.
type Sampler struct {
	Name    string       `json:"name"` // "iid" or "walk h=…"
	Options walk.Options `json:"options"`
	// Relaxation is the grid chain's relaxation time 1/(1 − |λ₂|), in samples.
	Relaxation float64 `json:"relaxation"`
	// TauPredicted is Γ(Y, Y)/Var_π(Y) of the grid chain; TauMeasured the
	// batch-means estimate on TauSamples samples of the walk on [0,1], with
	// its standard error.
	TauPredicted float64 `json:"tau_predicted"`
	TauMeasured  float64 `json:"tau_measured"`
	TauSE        float64 `json:"tau_se"`
	// C[k] = C_walk(t_k) and its solver's error; CIID[k] the constant of
	// independent samples from the same stationary law.
	C           []float64 `json:"c"`
	ErrEstimate []float64 `json:"err_estimate,omitempty"`
	CIID        []float64 `json:"c_iid_same_law"`
	Points      []Point   `json:"points"`
}

// Result is the experiment's outcome.
type Result struct {
	Problem limits.Problem `json:"problem"`
	Times   []float64      `json:"times"`
	Seeds   int            `json:"seeds"`
	// FirstSeed is Config.FirstSeed when not 1 (0: seeds 1..Seeds).
	FirstSeed uint64    `json:"first_seed,omitempty"`
	Samplers  []Sampler `json:"samplers"`
}

// Validate checks the configuration. Errors (graphs.ErrParameter): those
// of the problem, γ ≠ 1, a batch other than 1, a hold outside [0,1),
// widths below 2 or not increasing, fewer than 2 seeds or seeds past
// 2^64−1, negative particles or samples.
func (c Config) Validate() error {
	if err := c.Problem.Validate(); err != nil {
		return fmt.Errorf("ergodic: %w", err)
	}
	if c.Problem.Gamma != 1 || c.Problem.Batch != 1 {
		return fmt.Errorf("ergodic: gamma=%v, batch=%d: the experiment needs gamma=1 and batch=1: %w", c.Problem.Gamma, c.Problem.Batch, graphs.ErrParameter)
	}
	for i, h := range c.Holds {
		if err := (walk.Options{Hold: h}).Validate(); err != nil {
			return fmt.Errorf("ergodic: holds[%d]=%v: %w", i, h, err)
		}
	}
	if len(c.Widths) == 0 {
		return fmt.Errorf("ergodic: no widths: %w", graphs.ErrParameter)
	}
	for i, n := range c.Widths {
		if n < 2 || (i > 0 && n <= c.Widths[i-1]) {
			return fmt.Errorf("ergodic: widths %v: need N ≥ 2, increasing: %w", c.Widths, graphs.ErrParameter)
		}
	}
	if c.Seeds < 2 || c.Particles < 0 || c.TauSamples < 0 {
		return fmt.Errorf("ergodic: seeds=%d, particles=%d, tau_samples=%d: need seeds ≥ 2 and the others ≥ 0: %w", c.Seeds, c.Particles, c.TauSamples, graphs.ErrParameter)
	}
	if max(c.FirstSeed, 1)-1 > math.MaxUint64-uint64(c.Seeds) {
		return fmt.Errorf("ergodic: first_seed=%d with seeds=%d: the seeds pass 2^64-1: %w", c.FirstSeed, c.Seeds, graphs.ErrParameter)
	}
	if c.Seeds > MaxSeeds || c.TauSamples > MaxTauSamples {
		return fmt.Errorf("ergodic: seeds=%d, tau_samples=%d: at most %d and %d: %w", c.Seeds, c.TauSamples, MaxSeeds, MaxTauSamples, graphs.ErrTooLarge)
	}
	// the results kept (seeds × widths × times per sampler), a network per
	// worker, the particle flow (state, stages, scratch, self-check)
	q := float64(c.Problem.Quadrature + 8)
	need := 8 * (float64(c.Seeds)*float64(len(c.Widths))*float64(len(c.Problem.Times)+1)*float64(len(c.Holds)+1) +
		16*float64(c.Widths[len(c.Widths)-1])*q + 3*float64(c.Particles)*(2*q+40))
	if err := memlimit.Check(need); err != nil {
		return fmt.Errorf("ergodic: widths up to %d, %d seeds, %d particles: %v: %w", c.Widths[len(c.Widths)-1], c.Seeds, c.Particles, err, graphs.ErrTooLarge)
	}
	return nil
}

// Bounds of a Config: networks per sampler and width, and the length of
// the walk on which τ is measured.
const (
	MaxSeeds      = 1 << 20
	MaxTauSamples = 1 << 30
)

// Run runs the experiment: for the i.i.d. sampler and each walk, the
// prediction (fluctuation.Walk on the grid chain), the measured τ, and
// Seeds networks per width (seed 1..Seeds, or from FirstSeed, in parallel on GOMAXPROCS
// goroutines; the result does not depend on their number). progress, if
// not nil, is called after each network. Errors: those of Validate, the
// solvers and training, ctx.
func Run(ctx context.Context, cfg Config, progress func(done, total int)) (*Result, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	s, err := limits.NewSetup(cfg.Problem)
	if err != nil {
		return nil, fmt.Errorf("ergodic: %w", err)
	}
	pr := s.Problem()
	times := pr.Times
	m := cfg.Particles
	if m == 0 {
		m = 2048
	}
	ns := cfg.TauSamples
	if ns == 0 {
		ns = 1 << 20
	}
	opts := []walk.Options{{Restart: 1}}
	for _, h := range cfg.Holds {
		opts = append(opts, walk.Options{Hold: h})
	}
	res := &Result{Problem: pr, Times: times, Seeds: cfg.Seeds}
	if seed0 := max(cfg.FirstSeed, 1); seed0 != 1 {
		res.FirstSeed = seed0
	}
	total := len(opts) * len(cfg.Widths) * cfg.Seeds
	done := 0
	for _, opt := range opts {
		sr := Sampler{Name: "iid", Options: opt}
		if opt.Restart != 1 {
			sr.Name = fmt.Sprintf("walk h=%v", opt.Hold)
		}
		ch, err := longrun.Graphon(s, opt)
		if err != nil {
			return nil, fmt.Errorf("ergodic: %w", err)
		}
		if sr.Relaxation, err = ch.Relaxation(); err != nil {
			return nil, fmt.Errorf("ergodic: %w", err)
		}
		u, _ := s.Nodes()
		yq := make([]float64, len(u))
		for i, v := range u {
			yq[i] = pr.Target.Eval(v)
		}
		sr.TauPredicted = ch.Tau(yq)
		if sr.TauMeasured, sr.TauSE, err = measureTau(s, opt, ns, sr.TauPredicted); err != nil {
			return nil, err
		}
		fo := fluctuation.Options{Particles: m, SelfCheck: true}
		c, err := fluctuation.Walk(ctx, s, times, ch, fo)
		if err != nil {
			return nil, fmt.Errorf("ergodic: %w", err)
		}
		sr.C, sr.ErrEstimate = c.C, c.ErrEstimate
		sw, err := s.WithLaw(ch.Pi)
		if err != nil {
			return nil, fmt.Errorf("ergodic: %w", err)
		}
		ci, err := fluctuation.Solve(ctx, sw, times, fluctuation.Options{Particles: m})
		if err != nil {
			return nil, fmt.Errorf("ergodic: %w", err)
		}
		sr.CIID = ci.C
		for _, width := range cfg.Widths {
			x, err := networks(ctx, s, c, opt, width, max(cfg.FirstSeed, 1), cfg.Seeds, func() {
				done++
				if progress != nil {
					progress(done, total)
				}
			})
			if err != nil {
				return nil, err
			}
			for k, t := range times {
				mean, se := meanSE(x, k)
				sr.Points = append(sr.Points, Point{Width: width, T: t, NMSE: mean, SE: se})
			}
		}
		res.Samplers = append(res.Samplers, sr)
	}
	return res, nil
}

func meanSE(x [][]float64, k int) (float64, float64) {
	n := float64(len(x))
	s1 := 0.0
	for _, r := range x {
		s1 += r[k]
	}
	mean := s1 / n
	s2 := 0.0
	for _, r := range x {
		s2 += (r[k] - mean) * (r[k] - mean)
	}
	return mean, math.Sqrt(s2/(n-1)) / math.Sqrt(n)
}

// networks trains seeds networks of width N, of seeds seed0, seed0+1, …,
// along the walk opt (features of π_∞) and returns N·‖g^N_t − g_t‖² per
// seed and time, g_t = c.G.
func networks(ctx context.Context, s *limits.Setup, c *fluctuation.Constant, opt walk.Options, width int, seed0 uint64, seeds int, tick func()) ([][]float64, error) {
	pr := s.Problem()
	d := s.Dim()
	ephi, ey := s.Features()
	_, w := s.Nodes()
	x := make([][]float64, seeds)
	var mu sync.Mutex
	err := parallel.ForErr(seeds, func(r int) error {
		smp, err := walk.NewGraphon(pr.Graphon, s.LimitFeatures(), opt)
		if err != nil {
			return err
		}
		cfg := shallow.Config{
			ModelConfig: shallow.ModelConfig{Width: width, Dim: d, Gamma: 1, Activation: pr.Activation, Variant: shallow.ModelA,
				Sc: pr.Sc, Sw: pr.Sw, Symmetric: pr.Symmetric, Seed: seed0 + uint64(r)},
			Alpha: pr.Alpha, Batch: 1, Time: pr.Times[len(pr.Times)-1], Times: pr.Times,
			Eval: &shallow.Samples{Dim: d, Phi: ephi, Y: ey},
		}
		run, err := shallow.Train(ctx, cfg, smp)
		if err != nil {
			return err
		}
		out := make([]float64, len(pr.Times))
		for k := range pr.Times {
			mse := 0.0
			for q, yq := range run.Records[k].Output {
				e := yq - c.G[k][q]
				mse += w[q] * e * e
			}
			out[k] = float64(width) * mse
		}
		x[r] = out
		mu.Lock()
		tick()
		mu.Unlock()
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("ergodic: %w", err)
	}
	return x, nil
}

// measureTau estimates the integrated autocorrelation time of Y(u_k) along
// the walk on [0,1] by batch means: n samples in K batches of length L ≫ τ,
// τ̂ = L·Var(batch means)/Var(Y); its standard error is τ̂·√(2/(K−1)). The
// stream is PCG(1, 7).
func measureTau(s *limits.Setup, opt walk.Options, n int, tau float64) (float64, float64, error) {
	pr := s.Problem()
	w, err := walk.NewGraphon(pr.Graphon, s.LimitFeatures(), opt)
	if err != nil {
		return 0, 0, fmt.Errorf("ergodic: %w", err)
	}
	l := max(64, int(50*tau))
	k := max(n/l, 8)
	u := make([]float64, l)
	rng := rand.New(rand.NewPCG(1, 7))
	means := make([]float64, k)
	s1, s2 := 0.0, 0.0
	for b := range k {
		if err := w.Walk(rng, u); err != nil {
			return 0, 0, fmt.Errorf("ergodic: %w", err)
		}
		bm := 0.0
		for _, v := range u {
			y := pr.Target.Eval(v)
			bm += y
			s1 += y
			s2 += y * y
		}
		means[b] = bm / float64(l)
	}
	tot := float64(k * l)
	mu := s1 / tot
	vr := s2/tot - mu*mu
	vm := 0.0
	for _, m := range means {
		vm += (m - mu) * (m - mu)
	}
	vm /= float64(k - 1)
	t := float64(l) * vm / vr
	return t, t * math.Sqrt(2/float64(k-1)), nil
}

// WriteCSV writes one row per (sampler, N, t): sampler, hold, restart,
// width, t, n_mse, se, c_walk, c_iid_same_law.
func (r *Result) WriteCSV(w io.Writer) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"sampler", "hold", "restart", "width", "t", "n_mse", "se", "c_walk", "c_iid_same_law"})
	f := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	for _, s := range r.Samplers {
		for _, p := range s.Points {
			k := 0
			for i, t := range r.Times {
				if t == p.T {
					k = i
				}
			}
			_ = cw.Write([]string{s.Name, f(s.Options.Hold), f(s.Options.Restart), strconv.Itoa(p.Width), f(p.T), f(p.NMSE), f(p.SE), f(s.C[k]), f(s.CIID[k])})
		}
	}
	cw.Flush()
	return cw.Error()
}
