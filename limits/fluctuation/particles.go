package fluctuation

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// Options tune Particles (and Solve for σ other than the identity).
type Options struct {
	// Particles is M, the Halton particles of the mean-field solve (as in
	// limits.SolveOptions); 0 means 2048.
	Particles int
	// Carriers is M_f ≤ M: the first M_f particles carry the fluctuation;
	// 0 means min(M, 1024).
	Carriers int
	// SelfCheck re-solves with 2M particles and 2M_f carriers and with
	// M/2 and M_f/2, and reports the larger difference of the constants in
	// Constant.ErrEstimate.
	SelfCheck bool
}

// Tolerances of the mean-field solve (those of package limits' particle
// solver), with dense output at the nodes of the fluctuation.
var particleTol = ode.Options{RTol: 1e-7, ATol: 1e-9, Dense: true}

// maxHalfSteps bounds the nodes of the fluctuation's time grid.
const maxHalfSteps = 1 << 20

// maxCarrierFloats bounds the memory of the carriers' frames (1 GiB).
const maxCarrierFloats = 1 << 27

// segmentFloats bounds the particle states the mean-field solve keeps at
// once (it is solved in segments of nodes).
const segmentFloats = 1 << 22

// stepMax returns the largest step of the fluctuation's time grid for α.
func stepMax(alpha float64) float64 { return math.Min(1.0/8, 0.5/alpha) }

// Solve computes the central-limit constant of the problem of s at the
// times: by Linear (exact, opt unused) for σ the identity, by Particles
// otherwise. Errors: those of Linear and Particles.
func Solve(ctx context.Context, s *limits.Setup, times []float64, opt Options) (*Constant, error) {
	if s != nil && s.Problem().Activation == activation.Identity {
		return Linear(ctx, s, times)
	}
	return Particles(ctx, s, times, opt)
}

func checkTimes(fn string, times []float64) error {
	if len(times) == 0 {
		return fmt.Errorf("fluctuation: %s: no times: %w", fn, graphs.ErrParameter)
	}
	for i, t := range times {
		if !(t >= 0 && t <= 1e6) {
			return fmt.Errorf("fluctuation: %s: times[%d]=%v not in [0, 1e6]: %w", fn, i, t, graphs.ErrParameter)
		}
		if i > 0 && !(t > times[i-1]) {
			return fmt.Errorf("fluctuation: %s: times must be strictly increasing: times[%d]=%v after %v: %w", fn, i, t, times[i-1], graphs.ErrParameter)
		}
	}
	return nil
}

// Particles computes the central-limit constant of the problem of s at the
// times (strictly increasing, in [0, 1e6]) for any σ with two derivatives
// (identity, tanh, sigmoid, erf) and γ = 1, by the linearised McKean–Vlasov
// flow of docs/mathematics.md §8.5: the mean-field limit is solved by M
// Halton particles (limits/meanfield, paired when symmetric, tolerances
// 10⁻⁷ relative and 10⁻⁹ absolute), and the fluctuation is carried by the
// first M_f of them (uniform masses; for σ the identity, masses exact for
// the polynomials of degree ≤ 4 under μ_0) in a reduced basis: one column
// per direction of the initial sampling fluctuation that reaches the
// output, up to a relative energy of 10⁻⁵, and at most 48 columns for the
// sampling noise of online SGD, injected at the nodes of a grid of steps
// h ≤ min(1/8, 1/(2α)) with Simpson weights and propagated by the
// classical Runge–Kutta method. With opt.SelfCheck it re-solves with 2M
// particles and 2M_f carriers and with M/2 and M_f/2, and reports the larger
// difference of the constants in Constant.ErrEstimate (conservative: a
// quasi-Monte Carlo error does not decrease monotonically). π is the
// training grid of s; ν = 1/B or 0 as for Linear; the noise on y enters
// through the sampling noise.
//
// Cost: the mean-field solve, plus per step O(M_f·P·dim·K) for K ≤ 48 + 160
// columns and the training grid of P points (about 5 times the mean-field
// solve at M = 4096, M_f = 1024, P = 64); 3.5 times that with the
// self-check. Memory O(M·P + M_f·P·(dim + K)).
//
// Errors: s nil (graphs.ErrParameter); σ = ReLU (graphs.ErrUnsupported: the
// linearisation needs σ″); γ ≠ 1, bad times, M < 2, M_f < 2 or M_f > M, odd
// M or M_f with symmetric pairs (graphs.ErrParameter); more than 2²⁰
// half-steps, M times the grid above the solver's scratch limit, or M_f
// times the grid above 2²⁷/(4(1+dim)+2) (graphs.ErrTooLarge); those of the
// mean-field solve and ctx.
func Particles(ctx context.Context, s *limits.Setup, times []float64, opt Options) (*Constant, error) {
	if s == nil {
		return particles(ctx, nil, times, opt, defaults)
	}
	return particles(ctx, s, times, opt, defaults)
}

// particles is Particles with the discretisation settings set.
func particles(ctx context.Context, s grid, times []float64, opt Options, set settings) (*Constant, error) {
	if s == nil {
		return nil, fmt.Errorf("fluctuation: Particles: nil Setup: %w", graphs.ErrParameter)
	}
	pr := s.Problem()
	switch pr.Activation {
	case activation.Identity, activation.Tanh, activation.Sigmoid, activation.Erf:
	default:
		return nil, fmt.Errorf("fluctuation: Particles: activation=%v: the linearised flow needs σ twice differentiable (identity, tanh, sigmoid or erf): %w", pr.Activation, graphs.ErrUnsupported)
	}
	if pr.Gamma != 1 {
		return nil, fmt.Errorf("fluctuation: Particles: gamma=%v: the mean-field fluctuations need gamma=1: %w", pr.Gamma, graphs.ErrParameter)
	}
	if err := checkTimes("Particles", times); err != nil {
		return nil, err
	}
	m, mf := opt.Particles, opt.Carriers
	if m == 0 {
		m = 2048
	}
	if mf == 0 {
		mf = min(m, 1024)
	}
	switch {
	case m < 2 || m > meanfield.MaxScratch:
		return nil, fmt.Errorf("fluctuation: Particles: particles=%d not in [2, %d]: %w", m, meanfield.MaxScratch, graphs.ErrParameter)
	case mf < 2 || mf > m:
		return nil, fmt.Errorf("fluctuation: Particles: carriers M_f=%d not in [2, M=%d]: %w", mf, m, graphs.ErrParameter)
	case pr.Symmetric && (m%2 != 0 || mf%2 != 0):
		return nil, fmt.Errorf("fluctuation: Particles: M=%d, M_f=%d: symmetric pairs need even numbers: %w", m, mf, graphs.ErrParameter)
	}
	c, err := particleRun(ctx, s, times, m, mf, set)
	if err != nil {
		return nil, err
	}
	if opt.SelfCheck {
		// half: M/2 particles and M_f/2 carriers, even for pairs, at least 2
		even := func(n int) int {
			if pr.Symmetric {
				n -= n % 2
			}
			return max(n, 2)
		}
		mh := even(m / 2)
		mfh := even(min(mh, mf/2))
		c.ErrEstimate = make([]float64, len(times))
		for _, sz := range [][2]int{{2 * m, 2 * mf}, {mh, mfh}} {
			c2, err := particleRun(ctx, s, times, sz[0], sz[1], set)
			if err != nil {
				return nil, fmt.Errorf("fluctuation: Particles: self-check with M=%d, M_f=%d: %w", sz[0], sz[1], err)
			}
			for k := range times {
				c.ErrEstimate[k] = math.Max(c.ErrEstimate[k], math.Abs(c.C[k]-c2.C[k]))
			}
			c.Stats.Steps += c2.Stats.Steps
			c.Stats.Rejected += c2.Stats.Rejected
			c.Stats.Evals += c2.Stats.Evals
		}
	}
	return c, nil
}

// initialParticles returns the first mm Halton particles of μ_0 (seed 1),
// in pairs (c, a), (−c, a) from the first mm/2 when symmetric: the
// particles of package limits' mean-field solver.
func initialParticles(mm int, pr limits.Problem, d int) ([]float64, error) {
	return meanfield.InitialParticles(mm, pr.Sc, pr.Sw, d, pr.Symmetric)
}

// meanPath supplies the mean-field particles and the output on the
// training grid at the half-nodes ht, in order, solving in segments.
type meanPath struct {
	ctx   context.Context
	prob  meanfield.Problem
	ht    []float64
	state []float64
	seg   *meanfield.Trajectory
	lo    int // seg holds half-nodes lo+1 .. lo+len(seg.Times)
	per   int // half-nodes per segment
	stats ode.Stats
	g0    []float64
}

func (mp *meanPath) at(i int) (theta, g []float64, err error) {
	if i == 0 {
		return mp.state, mp.g0, nil
	}
	if mp.seg == nil || i > mp.lo+len(mp.seg.Times) {
		lo := 0
		if mp.seg != nil {
			lo = mp.lo + len(mp.seg.Times)
			mp.state = mp.seg.Theta[len(mp.seg.Theta)-1]
		}
		hi := min(lo+mp.per, len(mp.ht)-1)
		rel := make([]float64, hi-lo)
		for j := range rel {
			rel[j] = mp.ht[lo+1+j] - mp.ht[lo]
		}
		tr, err := meanfield.SolveParticles(mp.ctx, mp.prob, mp.state, rel, particleTol, true)
		if err != nil {
			return nil, nil, err
		}
		mp.stats.Steps += tr.Stats.Steps
		mp.stats.Rejected += tr.Stats.Rejected
		mp.stats.Evals += tr.Stats.Evals
		mp.seg, mp.lo = tr, lo
	}
	j := i - mp.lo - 1
	q := len(mp.prob.Omega)
	return mp.seg.Theta[j], mp.seg.G[j*q : (j+1)*q], nil
}

// particleRun is Particles without the self-check, with the settings set.
func particleRun(ctx context.Context, s grid, times []float64, m, mf int, set settings) (*Constant, error) {
	pr := s.Problem()
	d := s.Dim()
	dim := 2 * d
	omega, phi, y := s.TrainingGrid()
	u, wts := s.Nodes()
	ephi, _ := s.Features()
	pe := len(u)
	nu := 0.0
	if pr.Sampler == limits.EgoSampling || pr.Batch > 0 {
		nu = 1 / float64(pr.Batch)
	}
	fl := &flow{act: pr.Activation, alpha: pr.Alpha, nu: nu, sy2: pr.NoiseY * pr.NoiseY, omega: omega, phi: phi, y: y,
		p: len(omega), dim: dim, mf: mf, sym: pr.Symmetric, nz: mf}
	if pr.Symmetric {
		fl.nz = mf / 2
	}
	fl.kern, fl.kop = set.kern, set.kop
	fl.lowRank = set.lowRank || set.kop != nil || fl.p > lowRankGrid
	if fl.lowRank {
		fl.rng = newRand()
	} else if fl.kern != nil {
		fl.kernRoot = sqrtPSD(fl.kern, fl.p)
	}
	if 2*m*max(fl.p, pe) > meanfield.MaxScratch {
		return nil, fmt.Errorf("fluctuation: Particles: particles=%d × P=%d above the solver's scratch limit: %w", m, max(fl.p, pe), graphs.ErrTooLarge)
	}
	// three frames and a noise injection hold about M_f·P·(4(1+dim) + 2) floats
	if per := max(fl.p, pe) * (4*(1+dim) + 2); mf > maxCarrierFloats/per {
		return nil, fmt.Errorf("fluctuation: Particles: M_f=%d carriers on %d grid points need more than %d floats; use at most %d carriers: %w",
			mf, max(fl.p, pe), maxCarrierFloats, maxCarrierFloats/per, graphs.ErrTooLarge)
	}
	theta0, err := initialParticles(m, pr, d)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Particles: %w", err)
	}
	// the grid: interval k = [t_{k−1}, t_k] (t_{−1} = 0) in n_k (even) steps
	hmax := set.step * stepMax(pr.Alpha)
	ht := []float64{0}
	steps := make([]int, len(times))
	prev := 0.0
	for k, t := range times {
		if t > prev {
			n := 2 * int(math.Ceil((t-prev)/(2*hmax)))
			if len(ht)+2*n > maxHalfSteps {
				return nil, fmt.Errorf("fluctuation: Particles: t=%v needs more than %d half-steps of at most %v: %w", t, maxHalfSteps, hmax/2, graphs.ErrTooLarge)
			}
			steps[k] = n
			for i := 1; i <= 2*n; i++ {
				ht = append(ht, prev+(t-prev)*float64(i)/float64(2*n))
			}
			ht[len(ht)-1] = t
		}
		prev = t
	}
	prob := meanfield.Problem{Act: pr.Activation, Alpha: pr.Alpha, Omega: omega, Phi: phi, Y: y, Dim: dim}
	g0, err := meanfield.Output(pr.Activation, theta0, phi, dim)
	if err != nil {
		return nil, fmt.Errorf("fluctuation: Particles: %w", err)
	}
	// masses: exact for polynomials of degree ≤ 4 under μ_0 when σ is the
	// identity (every integrand is one); uniform otherwise, since for a
	// bounded σ the tilt biases the initial term (+0.4 to 1% in C(0) for
	// tanh and erf, against the exact Gaussian integral).
	mz, deg := make([]float64, fl.nz), 0
	for j := range mz {
		mz[j] = 1 / float64(fl.nz)
	}
	if pr.Activation == activation.Identity {
		mz, deg = momentWeights(theta0[:mf*(1+dim)], dim, fl.nz, pr.Symmetric, pr.Sc, pr.Sw, d, 4)
	}
	fl.setMasses(mz)
	mp := &meanPath{ctx: ctx, prob: prob, ht: ht, state: theta0, per: max(2, segmentFloats/(m*(1+dim))), g0: g0}

	nb := fl.blocks()
	frames := [3]*frame{fl.newFrame(), fl.newFrame(), fl.newFrame()}
	ds, d2 := make([]float64, mf*fl.p), make([]float64, mf*fl.p)
	setFrame := func(fr *frame, i int) error {
		theta, g, err := mp.at(i)
		if err != nil {
			return err
		}
		fl.set(fr, theta[:mf*(1+dim)], g, ds, d2)
		return nil
	}
	st := &state{x: make([][]float64, nb)}
	for b := range st.x {
		st.x[b] = []float64{}
	}
	c := &Constant{Times: append([]float64(nil), times...), U: u, Symmetric: pr.Symmetric,
		C: make([]float64, len(times)), G: make([][]float64, len(times)), Variance: make([][]float64, len(times))}
	var zLeft, noiseDropped, noiseKept float64
	var win *window
	output := func(k, i int, fr *frame) error {
		theta, _, err := mp.at(i)
		if err != nil {
			return err
		}
		g, err := meanfield.Output(pr.Activation, theta, ephi, dim)
		if err != nil {
			return err
		}
		// the initial term Σ_j hp_j² and, per column, the cross and
		// response terms 2 a b + b² (a = hz, the column's initial part)
		e := make([][]float64, nb)
		for b := range e {
			e[b] = make([]float64, mf*pe)
		}
		sub := theta[:mf*(1+dim)]
		fl.gridE(e, nil, nil, sub, ephi)
		hp := make([]float64, fl.nz*pe)
		fl.initialMap(hp, e[0], sub, pe)
		v := make([]float64, pe)
		for j := range fl.nz {
			for q, x := range hp[j*pe : (j+1)*pe] {
				v[q] += x * x
			}
		}
		if st.k > 0 {
			hz := make([]float64, pe*st.m)
			fl.hz(hz, hp, pe, st.zb)
			rb := make([]float64, pe*st.k)
			fl.readout(rb, e, pe, st.x, st.k, st.m, nil, make([]float64, parallel.Chunks(mf, chunk)*pe*st.k))
			for q := range pe {
				for j := range st.k {
					b := rb[q*st.k+j]
					v[q] += b * b
					if j < st.m {
						v[q] += 2 * hz[q*st.m+j] * b
					}
				}
			}
		}
		if win != nil && times[k] > 0 {
			win.correct(v, e, pe, fr)
		}
		ck := 0.0
		for q, w := range wts {
			ck += w * v[q]
		}
		c.C[k], c.G[k], c.Variance[k] = ck, g, v
		return nil
	}
	var injErr error
	inject := func(fr *frame, w float64) {
		if fl.nu == 0 || w == 0 || injErr != nil {
			return
		}
		var dr, kp float64
		if fl.lowRank {
			dr, kp, injErr = fl.injectLowRank(st, fr, fl.alpha*fl.alpha*fl.nu*w, set)
		} else {
			dr, kp = fl.inject(st, fr, fl.alpha*fl.alpha*fl.nu*w, set)
		}
		noiseDropped += dr
		noiseKept = kp
	}
	addDirections := func(fr *frame) {
		total, left := fl.addDirections(st, fr.hp, set)
		if total > 0 {
			zLeft = math.Max(zLeft, left/total)
		}
	}
	// node 0
	cur, mid, nxt := frames[0], frames[1], frames[2]
	if err := setFrame(cur, 0); err != nil {
		return nil, fmt.Errorf("fluctuation: Particles: %w", err)
	}
	addDirections(cur)
	if set.window > 0 {
		win = fl.newWindow(cur, set)
	}
	ws := &work{}
	k1, k2, k3, k4, tmp := make([][]float64, nb), make([][]float64, nb), make([][]float64, nb), make([][]float64, nb), make([][]float64, nb)
	hzBuf := func(fr *frame) []float64 {
		h := make([]float64, fl.p*st.m)
		fl.hz(h, fr.hp, fl.p, st.zb)
		return h
	}
	hi := 0 // half-node index of cur
	for k := range times {
		n := steps[k]
		if n == 0 { // t_k = t_{k−1} can only be t_0 = 0
			if err := output(k, hi, cur); err != nil {
				return nil, fmt.Errorf("fluctuation: Particles: %w", err)
			}
			continue
		}
		h := (ht[hi+2*n] - ht[hi]) / float64(n)
		inject(cur, h/3)
		for i := 1; i <= n; i++ {
			if err := ctx.Err(); err != nil {
				return nil, fmt.Errorf("fluctuation: Particles: %w", err)
			}
			if err := setFrame(mid, hi+1); err != nil {
				return nil, fmt.Errorf("fluctuation: Particles: %w", err)
			}
			if err := setFrame(nxt, hi+2); err != nil {
				return nil, fmt.Errorf("fluctuation: Particles: %w", err)
			}
			// the step's sources must lie in the span at all three stage times
			addDirections(mid)
			addDirections(nxt)
			rk4(fl, st, h, cur, mid, nxt, hzBuf(cur), hzBuf(mid), hzBuf(nxt), k1, k2, k3, k4, tmp, ws)
			if win != nil {
				rk4(fl, win.start, h, cur, mid, nxt, nil, nil, nil, k1, k2, k3, k4, tmp, ws)
			}
			hi += 2
			cur, nxt = nxt, cur
			w := 2 * h / 3
			if i == n {
				w = h / 3
			} else if i%2 == 1 {
				w = 4 * h / 3
			}
			inject(cur, w)
			if injErr != nil {
				return nil, fmt.Errorf("fluctuation: Particles: %w", injErr)
			}
			if i == n {
				if err := output(k, hi, cur); err != nil {
					return nil, fmt.Errorf("fluctuation: Particles: %w", err)
				}
			}
		}
	}
	c.Stats = mp.stats
	init := "i.i.d. μ_0"
	if pr.Symmetric {
		init = "symmetric μ_0"
	}
	noise := fmt.Sprintf("online SGD, B=%d", pr.Batch)
	if nu == 0 {
		noise = "full-batch gradient descent, no sampling noise"
	}
	masses := "uniform masses"
	if deg > 0 {
		masses = fmt.Sprintf("masses exact for polynomials of degree ≤ %d under μ_0", deg)
	}
	dropped := 0.0
	if noiseKept > 0 {
		dropped = noiseDropped / noiseKept
	}
	c.Method = fmt.Sprintf("linearised McKean–Vlasov flow (γ=1, %s, %s): M=%d Halton particles, fluctuation carried by %d, "+
		"%s, %d initial directions (energy left ≤ %.1e), noise rank ≤ %d (dropped/kept %.1e), RK4 step ≤ %g",
		init, noise, m, mf, masses, st.m, zLeft, set.noiseRank, dropped, hmax)
	if win != nil {
		c.Method += fmt.Sprintf("; finite window of N·t samples at N=%d: the first-order correction of its two ends (%d directions of the edge kernel)", set.window, win.start.k)
	}
	if fl.lowRank {
		c.Method += fmt.Sprintf("; reduced path (no P×P matrix): noise merged by randomised subspace iteration on %d columns (dropped/kept counted within them)", set.noiseRank+lowRankOversample)
		if fl.kop != nil {
			c.Method += fmt.Sprintf(", kernel by the Poisson series (relative error ≤ %.1e)", fl.kopErr)
		}
	}
	return c, nil
}

// fit resizes each block of x to mf×k.
func fit(x [][]float64, n int) {
	for b := range x {
		if cap(x[b]) < n {
			x[b] = make([]float64, n)
		}
		x[b] = x[b][:n]
	}
}

// rk4 advances the columns of st by one classical Runge–Kutta step of h
// from the frame cur through mid to nxt (hz* are H Z at those frames).
func rk4(fl *flow, st *state, h float64, cur, mid, nxt *frame, hz0, hz1, hz2 []float64, k1, k2, k3, k4, tmp [][]float64, ws *work) {
	k, m := st.k, st.m
	if k == 0 {
		return
	}
	n := fl.mf * k
	for _, x := range [][][]float64{k1, k2, k3, k4, tmp} {
		fit(x, n)
	}
	ws.g = grow(ws.g, fl.p*k)
	ws.part = grow(ws.part, parallel.Chunks(fl.mf, chunk)*fl.p*k)
	axpy := func(dst, x [][]float64, a float64, y [][]float64) {
		for b := range dst {
			for i, v := range x[b] {
				dst[b][i] = v + a*y[b][i]
			}
		}
	}
	fl.apply(k1, cur, st.x, k, m, hz0, ws)
	axpy(tmp, st.x, h/2, k1)
	fl.apply(k2, mid, tmp, k, m, hz1, ws)
	axpy(tmp, st.x, h/2, k2)
	fl.apply(k3, mid, tmp, k, m, hz1, ws)
	axpy(tmp, st.x, h, k3)
	fl.apply(k4, nxt, tmp, k, m, hz2, ws)
	for b := range st.x {
		x := st.x[b]
		for i := range x {
			x[i] += h / 6 * (k1[b][i] + 2*k2[b][i] + 2*k3[b][i] + k4[b][i])
		}
	}
}

func grow(s []float64, n int) []float64 {
	if cap(s) < n {
		return make([]float64, n)
	}
	return s[:n]
}
