package meanfield

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/stat/distmv"
	"gonum.org/v1/gonum/stat/distuv"
	"gonum.org/v1/gonum/stat/samplemv"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// ChunkSize is the fixed number of particles per parallel chunk.
const ChunkSize = 128

// MaxScratch bounds the 2·M·Q floats of σ(a^k·φ_q) and σ'(a^k·φ_q) that the
// particle solver may keep between its two passes (2^28 floats = 2 GiB); it
// keeps σ' only for the activations whose σ' is not a function of σ (erf,
// ELU), M·Q floats for the others.
const MaxScratch = 1 << 28

// MaxHaltonDim is the largest number of Halton coordinates (1+2d) supported:
// gonum's samplemv.Halton uses the first 1000 primes as bases.
const MaxHaltonDim = 1000

// normalQuantiler maps a point u of the unit cube to x_i = scale_i·Φ^{-1}(u_i),
// u_i clamped to [1e-16, 1−1e-16] so that a coordinate of 0 stays finite.
type normalQuantiler struct{ scale []float64 }

var _ distmv.Quantiler = normalQuantiler{}

// Quantile implements distmv.Quantiler; x and p have length len(scale).
func (q normalQuantiler) Quantile(x, p []float64) []float64 {
	const lo = 1e-16
	for i, v := range p {
		x[i] = q.scale[i] * distuv.UnitNormal.Quantile(math.Min(math.Max(v, lo), 1-lo))
	}
	return x
}

// HaltonParticles returns M particles θ^k = (c, a), a ∈ ℝ^{2d}, as rows of a
// flat M×(1+2d) slice: the first M points of the Owen-scrambled Halton
// sequence in 1+2d ≤ MaxHaltonDim dimensions (gonum stat/samplemv.Halton,
// Kind Owen, scramble from rand.NewPCG(seed, 0)), mapped through the inverse
// CDF of μ_0: c ~ N(0, sc²), a ~ N(0, (sw²/d) I).
// The sample for 2M extends the sample for M. Cost O(M d log M).
// Errors: M < 1, d < 1 or 1+2d > 1000 (graphs.ErrParameter), sc or sw
// negative or not finite (graphs.ErrParameter).
func HaltonParticles(m int, sc, sw float64, d int, seed uint64) ([]float64, error) {
	if m < 1 {
		return nil, fmt.Errorf("meanfield: HaltonParticles: M=%d < 1: %w", m, graphs.ErrParameter)
	}
	if d < 1 || 1+2*d > MaxHaltonDim {
		return nil, fmt.Errorf("meanfield: HaltonParticles: d=%d not in [1, %d]: %w", d, (MaxHaltonDim-1)/2, graphs.ErrParameter)
	}
	if err := finiteParam("sc", sc); err != nil {
		return nil, err
	}
	if err := finiteParam("sw", sw); err != nil {
		return nil, err
	}
	dim := 2 * d
	scale := make([]float64, 1+dim)
	scale[0] = sc
	for i := 1; i <= dim; i++ {
		scale[i] = sw / math.Sqrt(float64(d))
	}
	out := make([]float64, m*(1+dim))
	// Halton adds the scrambled digits to the zeroed rows, then maps each
	// row through the quantiler. Its permutations are drawn per dimension
	// and digit position, independent of m, so point k depends only on k
	// and the seed: a sample of 2M extends the sample of M.
	h := samplemv.Halton{Kind: samplemv.Owen, Q: normalQuantiler{scale: scale}, Src: rand.NewPCG(seed, 0)}
	h.Sample(mat.NewDense(m, 1+dim, out))
	return out, nil
}

// Problem is the data of the particle solver: activation σ, α, and a
// quadrature grid with weights Omega (Q), features Phi (Q×Dim row-major) and
// targets Y (Q). The solver copies them; the caller may reuse its slices.
type Problem struct {
	Act   activation.Kind
	Alpha float64
	Omega []float64
	Phi   []float64
	Y     []float64
	Dim   int // dim = len(φ) = 2d
	// Eps is ε of the ε-flow (the package documentation, "The ε-flow"):
	// g = ε^{−1} (1/M) Σ_k F(θ^k; ·) and the velocities carry a factor ε.
	// 0 means 1, the mean-field flow; otherwise ε must be in (0, 1].
	Eps float64
}

// eps returns ε, 1 for the zero value.
func (p Problem) eps() float64 {
	if p.Eps == 0 {
		return 1
	}
	return p.Eps
}

func (p Problem) validate(fn string) error {
	if !p.Act.Valid() {
		return fmt.Errorf("meanfield: %s: activation=%v: %w", fn, p.Act, graphs.ErrParameter)
	}
	if math.IsNaN(p.Alpha) || math.IsInf(p.Alpha, 0) {
		return fmt.Errorf("meanfield: %s: alpha=%v not finite: %w", fn, p.Alpha, graphs.ErrParameter)
	}
	if !(p.Eps >= 0 && p.Eps <= 1) {
		return fmt.Errorf("meanfield: %s: eps=%v not in (0, 1] (0 means 1): %w", fn, p.Eps, graphs.ErrParameter)
	}
	return checkGrid(fn, p.Omega, p.Phi, p.Y, p.Dim)
}

// system evaluates the particle velocity field with preallocated buffers.
type system struct {
	p      Problem
	m, q   int
	s      []float64 // σ(a^k·φ_q), M×Q
	ds     []float64 // σ'(a^k·φ_q), M×Q; nil when derived from s (storesDeriv)
	part   []float64 // per-chunk partial sums of c σ, chunks×Q
	dsRow  []float64 // per-chunk row of σ' derived from s, chunks×Q
	g, eps []float64 // Q
	chunks int

	// The pass that chunk runs: outputPass or velocityPass, on the
	// particles theta, writing velocities into dst; or statePass, the
	// integrator's loop piece on the chunk's rows.
	pass       int
	theta, dst []float64
	piece      func(lo, hi int)
	// crew runs the passes during SolveParticles; nil: parallel.For.
	crew *crew
}

// The two passes over the particles of one evaluation of the velocity field.
const (
	outputPass   = iota // s, ds and the chunk's partial sums of c σ
	velocityPass        // the velocities, from s, ds and ε
	statePass           // an element-wise loop of the integrator (ode.Options.Split)
)

func newSystem(p Problem, m int) *system {
	q := len(p.Omega)
	nc := parallel.Chunks(m, ChunkSize)
	sys := &system{p: p, m: m, q: q, chunks: nc,
		s: make([]float64, m*q), part: make([]float64, nc*q),
		g: make([]float64, q), eps: make([]float64, q)}
	if storesDeriv(p.Act) {
		sys.ds = make([]float64, m*q)
	} else {
		sys.dsRow = make([]float64, nc*q)
	}
	return sys
}

// storesDeriv reports whether the output pass must store σ' for the
// velocity pass. For the other activations σ' is a function of σ with the
// bits of activation.Kind.EvalDeriv (derivRow), so only σ is stored: the
// scratch the two passes stream through the cache is halved.
func storesDeriv(act activation.Kind) bool {
	switch act {
	case activation.Identity, activation.Tanh, activation.Sigmoid, activation.ReLU:
		return false
	}
	return true
}

// derivRow sets ds[j] = σ'(z_j) from s[j] = σ(z_j) for an activation that
// does not store σ' (storesDeriv), with the expressions of
// activation.Kind.EvalDeriv: tanh 1 − s², sigmoid s(1 − s), ReLU [s > 0]
// (s = max(z, 0) > 0 exactly when z > 0), identity 1.
func derivRow(act activation.Kind, ds, s []float64) {
	ds = ds[:len(s)]
	switch act {
	case activation.Tanh:
		for j, th := range s {
			ds[j] = 1 - th*th
		}
	case activation.Sigmoid:
		for j, v := range s {
			ds[j] = v * (1 - v)
		}
	case activation.ReLU:
		for j, v := range s {
			ds[j] = 0
			if v > 0 {
				ds[j] = 1
			}
		}
	default: // identity
		for j := range ds {
			ds[j] = 1
		}
	}
}

// runPass runs chunk c of the pass for every chunk, in parallel.
func (sys *system) runPass(pass int, theta, dst []float64) {
	sys.pass, sys.theta, sys.dst = pass, theta, dst
	if sys.crew != nil {
		sys.crew.run()
	} else {
		parallel.For(sys.chunks, sys.chunk)
	}
	sys.theta, sys.dst = nil, nil
}

// chunk runs chunk c (particles [c·ChunkSize, (c+1)·ChunkSize) ∩ [0, M)) of
// the current pass. It writes only that chunk's rows of s, ds and dst and
// its row of part, so the bits do not depend on which goroutine runs it.
func (sys *system) chunk(c int) {
	switch sys.pass {
	case outputPass:
		sys.outputChunk(c)
	case velocityPass:
		sys.velocityChunk(c)
	case statePass:
		lo, hi := parallel.Range(c, ChunkSize, sys.m)
		sys.piece(lo*(1+sys.p.Dim), hi*(1+sys.p.Dim))
	}
}

// split is the particle solver's ode.Options.Split: the integrator's loops
// over the state run on the same chunks of particles, and so mostly on the
// same cores, as the passes of the velocity field.
func (sys *system) split(fn func(lo, hi int)) {
	sys.pass, sys.piece = statePass, fn
	sys.crew.run()
	sys.piece = nil
}

// outputChunk fills s and ds (if stored) for the particles of chunk c and sets
// part[c] = Σ_{k in chunk c} c^k σ(a^k·φ_q), summed in particle order.
func (sys *system) outputChunk(c int) {
	dim, q := sys.p.Dim, sys.q
	act, phi, theta := sys.p.Act, sys.p.Phi, sys.theta
	lo, hi := parallel.Range(c, ChunkSize, sys.m)
	part := sys.part[c*q : (c+1)*q]
	clear(part)
	for k := lo; k < hi; k++ {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		ck, a := row[0], row[1:]
		s := sys.s[k*q : (k+1)*q]
		if sys.ds == nil {
			for j := 0; j < q; j++ {
				p := phi[j*dim : (j+1)*dim]
				var z float64
				for i, ai := range a {
					z += ai * p[i]
				}
				s[j] = act.Eval(z)
				part[j] += ck * s[j]
			}
			continue
		}
		ds := sys.ds[k*q : (k+1)*q]
		for j := 0; j < q; j++ {
			p := phi[j*dim : (j+1)*dim]
			var z float64
			for i, ai := range a {
				z += ai * p[i]
			}
			s[j], ds[j] = act.EvalDeriv(z)
			part[j] += ck * s[j]
		}
	}
}

// velocityChunk writes the velocities of the particles of chunk c into dst.
func (sys *system) velocityChunk(c int) {
	dim, q := sys.p.Dim, sys.q
	phi, theta, dst := sys.p.Phi, sys.theta, sys.dst
	lo, hi := parallel.Range(c, ChunkSize, sys.m)
	for k := lo; k < hi; k++ {
		ck := theta[k*(1+dim)]
		out := dst[k*(1+dim) : (k+1)*(1+dim)]
		da := out[1:]
		clear(da)
		s := sys.s[k*q : (k+1)*q]
		var ds []float64
		if sys.ds != nil {
			ds = sys.ds[k*q : (k+1)*q]
		} else {
			ds = sys.dsRow[c*q : (c+1)*q]
			derivRow(sys.p.Act, ds, s)
		}
		var dc float64
		for j, e := range sys.eps {
			dc += e * s[j]
			w := ck * e * ds[j]
			p := phi[j*dim : (j+1)*dim]
			for i := range da {
				da[i] += w * p[i]
			}
		}
		out[0] = dc
	}
}

// output computes g_q = (1/(εM)) Σ_k c^k σ(a^k·φ_q) into sys.g, filling s,
// ds: the chunks' partial sums added in chunk order, whatever ran them.
func (sys *system) output(theta []float64) {
	q := sys.q
	sys.runPass(outputPass, theta, nil)
	clear(sys.g)
	for c := 0; c < sys.chunks; c++ {
		for j, v := range sys.part[c*q : (c+1)*q] {
			sys.g[j] += v
		}
	}
	inv := 1 / (sys.p.eps() * float64(sys.m))
	for j := range sys.g {
		sys.g[j] *= inv
	}
}

// velocity writes V[μ^M](θ^k) for all particles into dst.
func (sys *system) velocity(theta, dst []float64) {
	sys.output(theta)
	for j := range sys.eps {
		sys.eps[j] = sys.p.Alpha * sys.p.eps() * sys.p.Omega[j] * (sys.p.Y[j] - sys.g[j])
	}
	sys.runPass(velocityPass, theta, dst)
}

// Velocity writes the velocity field V[μ^M](θ^k) of the particles theta
// (rows (c, a)) into dst (nil: allocated) and returns it; see the package
// documentation. Cost O(M Q dim), allocates O(M Q) scratch. Errors: an
// invalid problem or shapes (graphs.ErrParameter, graphs.ErrShape).
func Velocity(dst []float64, p Problem, theta []float64) ([]float64, error) {
	if err := p.validate("Velocity"); err != nil {
		return nil, err
	}
	if len(theta) == 0 || len(theta)%(1+p.Dim) != 0 || (dst != nil && len(dst) != len(theta)) {
		return nil, fmt.Errorf("meanfield: Velocity: len(theta)=%d len(dst)=%d dim=%d: %w", len(theta), len(dst), p.Dim, graphs.ErrShape)
	}
	if dst == nil {
		dst = make([]float64, len(theta))
	}
	newSystem(p, len(theta)/(1+p.Dim)).velocity(theta, dst)
	return dst, nil
}

// Output returns g_μ(φ_q) = (1/M) Σ_k c^k σ(a^k·φ_q) at the grid features
// phi (Q×dim) for the particles theta. Cost O(M Q dim). Errors: shapes
// (graphs.ErrShape), an invalid activation (graphs.ErrParameter).
func Output(act activation.Kind, theta, phi []float64, dim int) ([]float64, error) {
	if !act.Valid() {
		return nil, fmt.Errorf("meanfield: Output: activation=%v: %w", act, graphs.ErrParameter)
	}
	if dim < 1 || len(theta) == 0 || len(theta)%(1+dim) != 0 || len(phi)%dim != 0 {
		return nil, fmt.Errorf("meanfield: Output: len(theta)=%d len(phi)=%d dim=%d: %w", len(theta), len(phi), dim, graphs.ErrShape)
	}
	q := len(phi) / dim
	sys := newSystem(Problem{Act: act, Phi: phi, Dim: dim, Omega: make([]float64, q)}, len(theta)/(1+dim))
	sys.output(theta)
	return sys.g, nil
}

// Trajectory is the particle solution at the requested times.
type Trajectory struct {
	Times []float64
	// G[k*Q+q] = g_{t_k}(φ_q) on the grid.
	G []float64
	// Theta[k] are the particles at Times[k] (rows (c, a)); nil unless
	// SolveOptions.KeepParticles.
	Theta [][]float64
	M     int
	Stats ode.Stats
	// ErrEstimate[k] = (Σ_q ω_q (g^M_{t_k}(φ_q) − g^{2M}_{t_k}(φ_q))²)^{1/2},
	// the self-check against 2M particles; nil unless SelfCheck.
	ErrEstimate []float64
}

// SolveParticles integrates dθ^k/dt = V[μ^M_t](θ^k) from theta0 (rows (c, a),
// not modified, not kept) and records g_t on the grid at each requested time
// (strictly increasing, ≥ 0). Cost: Stats.Evals × O(M Q dim), parallel over
// fixed chunks of ChunkSize particles, the integrator's loops over the state
// included (opt.Split is replaced); bit-identical for any GOMAXPROCS;
// memory O(M Q). Errors: an invalid problem or shapes; 2·M·Q > MaxScratch
// (graphs.ErrTooLarge); those of ode.Integrate (tolerances, ctx cancellation between steps, ...).
func SolveParticles(ctx context.Context, p Problem, theta0, times []float64, opt ode.Options, keep bool) (*Trajectory, error) {
	if err := p.validate("SolveParticles"); err != nil {
		return nil, err
	}
	if len(theta0) == 0 || len(theta0)%(1+p.Dim) != 0 {
		return nil, fmt.Errorf("meanfield: SolveParticles: len(theta0)=%d not a positive multiple of 1+dim=%d: %w", len(theta0), 1+p.Dim, graphs.ErrShape)
	}
	if m, q := len(theta0)/(1+p.Dim), len(p.Omega); m > MaxScratch/(2*q) {
		return nil, fmt.Errorf("meanfield: SolveParticles: particles=%d × Q=%d needs %d scratch floats > %d: %w", m, q, 2*m*q, MaxScratch, graphs.ErrTooLarge)
	}
	p.Omega = append([]float64(nil), p.Omega...)
	p.Phi = append([]float64(nil), p.Phi...)
	p.Y = append([]float64(nil), p.Y...)
	m := len(theta0) / (1 + p.Dim)
	sys := newSystem(p, m)
	sys.crew = newCrew(sys.chunks, sys.chunk, min(parallel.Workers(), sys.chunks)-1)
	defer sys.crew.stop()
	q := len(p.Omega)
	tr := &Trajectory{Times: append([]float64(nil), times...), G: make([]float64, q*len(times)), M: m}
	if keep {
		tr.Theta = make([][]float64, len(times))
	}
	f := func(_ float64, y, dst []float64) { sys.velocity(y, dst) }
	opt.Split = sys.split
	st, err := ode.Integrate(ctx, f, 0, theta0, times, opt, func(k int, _ float64, y []float64) error {
		sys.output(y)
		copy(tr.G[k*q:(k+1)*q], sys.g)
		if keep {
			tr.Theta[k] = append([]float64(nil), y...)
		}
		return nil
	})
	tr.Stats = st
	if err != nil {
		return nil, fmt.Errorf("meanfield: SolveParticles: M=%d: %w", m, err)
	}
	return tr, nil
}

// Init describes μ_0 and its Halton sample: c ~ N(0, Sc²), a ~ N(0,
// (Sw²/D) I_{2D}), Seed for the scramble.
type Init struct {
	Sc, Sw float64
	D      int
	Seed   uint64
}

// Solve samples M Halton particles from μ_0 and integrates them
// (SolveParticles). With selfCheck it re-solves from the first 2M Halton
// points and fills Trajectory.ErrEstimate. p.Dim must be 2·init.D.
// Cost: about 3× one solve with selfCheck. Errors: those of HaltonParticles
// and SolveParticles; p.Dim != 2·init.D (graphs.ErrShape).
func Solve(ctx context.Context, p Problem, init Init, m int, times []float64, opt ode.Options, selfCheck bool) (*Trajectory, error) {
	if p.Dim != 2*init.D {
		return nil, fmt.Errorf("meanfield: Solve: Dim=%d != 2·D=%d: %w", p.Dim, 2*init.D, graphs.ErrShape)
	}
	mm := m
	if selfCheck {
		mm = 2 * m
	}
	if m < 1 {
		return nil, fmt.Errorf("meanfield: Solve: M=%d < 1: %w", m, graphs.ErrParameter)
	}
	all, err := HaltonParticles(mm, init.Sc, init.Sw, init.D, init.Seed)
	if err != nil {
		return nil, err
	}
	tr, err := SolveParticles(ctx, p, all[:m*(1+p.Dim)], times, opt, false)
	if err != nil {
		return nil, err
	}
	if !selfCheck {
		return tr, nil
	}
	tr2, err := SolveParticles(ctx, p, all, times, opt, false)
	if err != nil {
		return nil, fmt.Errorf("meanfield: Solve: self-check with 2M=%d: %w", 2*m, err)
	}
	q := len(p.Omega)
	tr.ErrEstimate = make([]float64, len(times))
	for k := range times {
		var s float64
		for j := 0; j < q; j++ {
			d := tr.G[k*q+j] - tr2.G[k*q+j]
			s += p.Omega[j] * d * d
		}
		tr.ErrEstimate[k] = math.Sqrt(s)
	}
	return tr, nil
}
