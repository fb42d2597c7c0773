package fluctuation

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"

	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
)

// Measurement is the Monte Carlo estimate of N·E‖g^N_t − g_t‖² of real
// networks against the limit of a Constant (Measure): for each width N and
// time t, the mean over seeds of N·‖g^N_t − g_t‖²_{L²(du)} and its standard
// error, to be compared with C(t).
type Measurement struct {
	Widths []int     `json:"widths"`
	Times  []float64 `json:"times"`
	Seeds  int       `json:"seeds"`
	// FirstSeed is MeasureOptions.FirstSeed when not 1 (0: seeds 1..R).
	FirstSeed uint64 `json:"first_seed,omitempty"`
	// Mean[i][k] and StdErr[i][k] are the mean over seeds of
	// N·‖g^N_t − g_t‖² at N = Widths[i], t = Times[k], and its standard error
	// (sample standard deviation over √R; 0 for one seed).
	Mean   [][]float64 `json:"mean"`
	StdErr [][]float64 `json:"stderr"`
	// Values[i][r][k] is N·‖g^N_t − g_t‖² of the network of width
	// Widths[i] and seed r+1 (FirstSeed+r) at Times[k].
	Values [][][]float64 `json:"-"`
}

// MeasureOptions tune Measure.
type MeasureOptions struct {
	// Seeds is R ≥ 1: the networks of seeds 1..R are trained at each width.
	Seeds int
	// FirstSeed S, if not 0, makes the seeds S..S+R−1 instead.
	FirstSeed uint64
	// Times are the times to measure at, each one of the Constant's (nil:
	// all of them), so that C(t) can be drawn on a finer grid than the
	// networks are measured on.
	Times []float64
	// Workers is the number of networks trained at once (0: GOMAXPROCS);
	// the result does not depend on it.
	Workers int
	// Progress, if not nil, is called after each network with the networks
	// done and their total (from one goroutine at a time).
	Progress func(done, total int64)
}

// maxMeasureWork bounds Σ over the networks of Measure of N·round(t·N), the
// unit-steps it would take.
const maxMeasureWork = 1 << 44

// MaxSeeds bounds MeasureOptions.Seeds.
const MaxSeeds = 1 << 20

// Measure trains, for every width N and seed r = 1..R (S..S+R−1 with
// opt.FirstSeed S), the network of
// width N of the problem of s (gnn/shallow, model A, γ = 1, μ_0 drawn by
// shallow.NewModel with seed r, step k's batch from shallow.StepRand(r, k))
// by online SGD on the grid measure π = Σ_p ω_p δ_(φ_p, y_p) of the
// training grid of s, the measure the mean-field limit integrates over, so
// that the quadrature of π_∞ is not an error source (with noise on y, each
// y_p gets its N(0, s_y²) noise). It records the outputs on the evaluation
// grid at the times (opt.Times, or all of c.Times) and returns N·‖g^N_t − g_t‖² = N Σ_q ω_q (g^N_t(φ_q) −
// g_{t_k}(φ_q))² per network, g_t = c.G at t, with the mean and standard error over seeds
// (docs/mathematics.md §8). Step k draws one rng.Float64() per sample for
// the grid point (by the cumulative weights), then one rng.NormFloat64()
// per sample for the noise on y if there is any. Deterministic: the same
// bits for any Workers and GOMAXPROCS. Cost Σ_N R·round(t·N)·N·B·O(d).
//
// Errors: s or c nil, γ ≠ 1, a time not one of c's (graphs.ErrParameter), c
// not of the grid of s (graphs.ErrShape), no widths, a width < 1 or odd with symmetric pairs,
// R < 1, seeds past 2^64−1, two times that fall on the same step at some width
// (graphs.ErrParameter); more than 2⁴⁴ unit-steps in all
// (graphs.ErrTooLarge); those of shallow.Train and ctx.
func Measure(ctx context.Context, s *limits.Setup, c *Constant, widths []int, opt MeasureOptions) (*Measurement, error) {
	perr := func(format string, a ...any) error {
		return fmt.Errorf("fluctuation: Measure: "+format+": %w", append(a, graphs.ErrParameter)...)
	}
	if s == nil || c == nil {
		return nil, perr("nil Setup or Constant")
	}
	pr := s.Problem()
	if pr.Gamma != 1 {
		return nil, perr("gamma=%v: the mean-field fluctuations need gamma=1", pr.Gamma)
	}
	u, omega := s.Nodes()
	if len(c.G) != len(c.Times) {
		return nil, fmt.Errorf("fluctuation: Measure: Constant has %d limit curves for %d times: %w", len(c.G), len(c.Times), graphs.ErrShape)
	}
	times := c.Times
	if opt.Times != nil {
		times = opt.Times
	}
	if err := checkTimes("Measure", times); err != nil {
		return nil, err
	}
	g := make([][]float64, len(times)) // g[k]: the limit at times[k]
	for k, t := range times {
		i := slices.Index(c.Times, t)
		if i < 0 {
			return nil, perr("time %v is not one of the Constant's %v", t, c.Times)
		}
		if len(c.G[i]) != len(u) {
			return nil, fmt.Errorf("fluctuation: Measure: Constant's limit has %d nodes, the Setup's grid %d: %w", len(c.G[i]), len(u), graphs.ErrShape)
		}
		g[k] = c.G[i]
	}
	if len(widths) == 0 {
		return nil, perr("no widths")
	}
	if opt.Seeds < 1 || opt.Seeds > MaxSeeds {
		return nil, perr("seeds=%d not in [1, %d]", opt.Seeds, MaxSeeds)
	}
	seed0 := max(opt.FirstSeed, 1) // the first network's seed
	if seed0-1 > math.MaxUint64-uint64(opt.Seeds) {
		return nil, perr("first_seed=%d with seeds=%d: the seeds pass 2^64-1", opt.FirstSeed, opt.Seeds)
	}
	if err := memlimit.Check(16 * float64(opt.Seeds) * float64(len(widths)) * float64(len(times)+1)); err != nil {
		return nil, fmt.Errorf("fluctuation: Measure: seeds=%d × %d widths × %d times: %v: %w", opt.Seeds, len(widths), len(times), err, graphs.ErrTooLarge)
	}
	work := 0.0
	for i, w := range widths {
		if w < 1 || (pr.Symmetric && w%2 != 0) {
			return nil, perr("widths[%d]=%d: want ≥ 1 (and even with symmetric pairs)", i, w)
		}
		for k := 1; k < len(times); k++ {
			if math.Round(times[k]*float64(w)) == math.Round(times[k-1]*float64(w)) {
				return nil, perr("times %v and %v fall on the same step at N=%d", times[k-1], times[k], w)
			}
		}
		work += float64(opt.Seeds) * float64(w) * math.Round(times[len(times)-1]*float64(w))
	}
	if work > maxMeasureWork {
		return nil, fmt.Errorf("fluctuation: Measure: %.3g unit-steps above 2^44: %w", work, graphs.ErrTooLarge)
	}
	d := s.Dim()
	ephi, ey := s.Features()
	smp := newGridSampler(s)
	res := &Measurement{Widths: append([]int(nil), widths...), Times: append([]float64(nil), times...), Seeds: opt.Seeds}
	if seed0 != 1 {
		res.FirstSeed = seed0
	}
	res.Values = make([][][]float64, len(widths))
	for i := range widths {
		res.Values[i] = make([][]float64, opt.Seeds)
	}
	total := int64(len(widths) * opt.Seeds)
	var done int64
	// job j is width j / Seeds, seed seed0 + j % Seeds
	err := parallel.Each(ctx, int(total), opt.Workers, func(ctx context.Context, j int) error {
		i, r := j/opt.Seeds, j%opt.Seeds
		width := widths[i]
		cfg := shallow.Config{
			ModelConfig: shallow.ModelConfig{Width: width, Dim: d, Gamma: 1, Activation: pr.Activation, Variant: shallow.ModelA,
				Sc: pr.Sc, Sw: pr.Sw, Symmetric: pr.Symmetric, Seed: seed0 + uint64(r)},
			Alpha: pr.Alpha, Batch: pr.Batch, Time: times[len(times)-1], Times: times,
			Eval: &shallow.Samples{Dim: d, Phi: ephi, Y: ey},
		}
		run, err := shallow.Train(ctx, cfg, smp)
		if err != nil {
			return fmt.Errorf("fluctuation: Measure: N=%d seed %d: %w", width, seed0+uint64(r), err)
		}
		out := make([]float64, len(times))
		for k := range times {
			mse := 0.0
			for q, yq := range run.Records[k].Output {
				e := yq - g[k][q]
				mse += omega[q] * e * e
			}
			out[k] = float64(width) * mse
		}
		res.Values[i][r] = out
		return nil
	}, func(int) {
		done++
		if opt.Progress != nil {
			opt.Progress(done, total)
		}
	})
	if err != nil {
		return nil, err
	}
	for i := range widths {
		mean, se := make([]float64, len(times)), make([]float64, len(times))
		for k := range times {
			mean[k], se[k] = meanSE(res.Values[i], k)
		}
		res.Mean, res.StdErr = append(res.Mean, mean), append(res.StdErr, se)
	}
	return res, nil
}

// meanSE returns the mean over r of x[r][k] and its standard error.
func meanSE(x [][]float64, k int) (mean, se float64) {
	n := float64(len(x))
	for _, v := range x {
		mean += v[k]
	}
	mean /= n
	if len(x) < 2 {
		return mean, 0
	}
	ss := 0.0
	for _, v := range x {
		ss += (v[k] - mean) * (v[k] - mean)
	}
	return mean, math.Sqrt(ss/(n-1)) / math.Sqrt(n)
}

// gridSampler draws (φ, y) from the grid measure π = Σ_p ω_p δ_(φ_p, y_p),
// the training grid that the limits integrate over: one latent
// rng.Float64() per sample picks the point by the cumulative weights, then,
// with noise on y, one rng.NormFloat64() per sample.
type gridSampler struct {
	d           int
	noiseY      float64
	cdf, phi, y []float64
}

func newGridSampler(s *limits.Setup) *gridSampler {
	omega, phi, y := s.TrainingGrid()
	cdf := make([]float64, len(omega))
	acc := 0.0
	for q, w := range omega {
		acc += w
		cdf[q] = acc
	}
	cdf[len(cdf)-1] = math.Inf(1) // Σω = 1 up to rounding: u below 1 always lands
	return &gridSampler{d: s.Dim(), noiseY: s.Problem().NoiseY, cdf: cdf, phi: phi, y: y}
}

func (g *gridSampler) Dim() int { return g.d }

func (g *gridSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	p := 2 * g.d
	if len(phi) != p*len(y) {
		return fmt.Errorf("fluctuation: grid sampler: len(phi)=%d, want 2d·B=%d: %w", len(phi), p*len(y), graphs.ErrShape)
	}
	for b := range y {
		y[b] = rng.Float64()
	}
	for b, u := range y {
		q := sort.SearchFloat64s(g.cdf, u)
		copy(phi[b*p:(b+1)*p], g.phi[q*p:(q+1)*p])
		y[b] = g.y[q]
	}
	if g.noiseY > 0 {
		for b := range y {
			y[b] += g.noiseY * rng.NormFloat64()
		}
	}
	return nil
}
