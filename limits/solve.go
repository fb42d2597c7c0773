package limits

import (
	"context"
	"fmt"
	"github.com/gnnwb/gnnwb/limits/quadrature"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits/kernel"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// Solution is a network or a limit at the problem's evaluation times, as a
// function of the input φ: Eval(dst, k, phi) writes g_{t_k}(φ_j) for the
// points φ_j. It is safe for concurrent use (Eval calls are serialised: the
// models behind it keep scratch space).
type Solution struct {
	Name   string    `json:"name"`   // "network" or a limit's name (Kind.String)
	Method string    `json:"method"` // how it was computed
	Times  []float64 `json:"times"`
	// ErrEstimate[k] is the solver's own error at t_k on the evaluation grid
	// (the particle solver's self-check against 2M particles), nil when the
	// solver is exact up to ODE and quadrature tolerance.
	ErrEstimate []float64 `json:"err_estimate,omitempty"`
	Stats       ode.Stats `json:"stats"`

	eval func(dst []float64, k int, phi []float64) error
	mu   sync.Mutex
}

// Eval writes g_{t_k}(φ_j) into dst for the P points phi (P×2d row-major,
// len(dst) = P). Errors: k out of range, shapes (graphs.ErrShape).
func (s *Solution) Eval(dst []float64, k int, phi []float64) error {
	if k < 0 || k >= len(s.Times) {
		return fmt.Errorf("limits: Solution.Eval: time index %d not in [0, %d): %w", k, len(s.Times), graphs.ErrShape)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.eval(dst, k, phi)
}

func modelEval(snaps []*shallow.Model, d int) func(dst []float64, k int, phi []float64) error {
	return func(dst []float64, k int, phi []float64) error {
		return snaps[k].Predict(dst, &shallow.Samples{Dim: d, Phi: phi})
	}
}

func (s *Setup) modelConfig(width int, seed uint64) shallow.ModelConfig {
	return shallow.ModelConfig{Width: width, Dim: s.r.d, Gamma: s.p.Gamma, Activation: s.p.Activation,
		Variant: shallow.ModelA, Sc: s.p.Sc, Sw: s.p.Sw, Symmetric: s.p.Symmetric, Seed: seed}
}

// recordSteps returns k_t = round(t·N) for the problem's times.
func (s *Setup) recordSteps(width int) ([]int64, error) {
	out := make([]int64, len(s.p.Times))
	for i, t := range s.p.Times {
		kf := math.Round(t * float64(width))
		if kf > 1<<53 {
			return nil, perr("t·N = %v·%d too many steps", t, width)
		}
		out[i] = int64(kf)
	}
	return out, nil
}

// train runs online SGD exactly as shallow.Train does (step k draws its
// batch from sampler with shallow.StepRand(seed, k), then Model.Step) and
// returns copies of θ after round(t·N) steps for every evaluation time.
func (s *Setup) train(ctx context.Context, width int, seed uint64, sampler shallow.Sampler, batch int) ([]*shallow.Model, error) {
	m, err := shallow.NewModel(s.modelConfig(width, seed))
	if err != nil {
		return nil, fmt.Errorf("limits: %w", err)
	}
	recs, err := s.recordSteps(width)
	if err != nil {
		return nil, err
	}
	d := s.r.d
	b := &shallow.Samples{Dim: d, Y: make([]float64, batch), Phi: make([]float64, batch*2*d)}
	snaps := make([]*shallow.Model, len(recs))
	next := 0
	last := recs[len(recs)-1]
	for k := int64(0); ; k++ {
		for next < len(recs) && recs[next] == k {
			snaps[next] = m.Clone()
			next++
		}
		if k == last {
			break
		}
		if k%64 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		if err := sampler.Sample(shallow.StepRand(seed, k), b.Phi, b.Y); err != nil {
			return nil, fmt.Errorf("limits: sampler at step %d: %w", k, err)
		}
		loss, err := m.Step(b, s.p.Alpha)
		if err != nil {
			return nil, fmt.Errorf("limits: %w", err)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) {
			return nil, perr("loss=%v at step %d (diverged; lower alpha)", loss, k)
		}
	}
	return snaps, nil
}

// Network trains the finite network of width N on G(n, W, ρ) with the
// problem's sampler (generators.NewEgoSampler or NewWholeGraphSampler) from
// θ_0 ~ μ_0 drawn with seed, and returns it at the evaluation times. Runs
// with the same seed share θ_0 (the first N units) and the latent sequence
// (docs/mathematics.md §5). Cost O(T·N·B·(N·d + nρ·d)) for the ego sampler.
// Errors: those of the samplers and shallow.NewModel (width < 1, an odd
// width with Symmetric), divergence, ctx.
func (s *Setup) Network(ctx context.Context, n, width int, seed uint64) (*Solution, error) {
	var smp shallow.Sampler
	var err error
	b := s.batch(n)
	if s.p.Sampler == EgoSampling {
		smp, err = generators.NewEgoSampler(s.process(n), b)
	} else {
		smp, err = generators.NewWholeGraphSampler(s.process(n), b)
	}
	if err != nil {
		return nil, fmt.Errorf("limits: Network: %w", err)
	}
	snaps, err := s.train(ctx, width, seed, smp, b)
	if err != nil {
		return nil, err
	}
	return &Solution{Name: "network", Method: fmt.Sprintf("sgd n=%d N=%d seed=%d", n, width, seed),
		Times: append([]float64(nil), s.p.Times...), eval: modelEval(snaps, s.r.d)}, nil
}

// Coupled reports whether the limit depends on the width and seed of the
// network it is compared with: the graphon limit always (same N, same θ_0),
// the kernel limit at γ = ½ when μ_0 is not symmetric (it starts from the
// network's own g_0), the gamma limit always (its ε = N^{γ−1} is the
// width's; it does not depend on the seed).
func (s *Setup) Coupled(limit Kind) bool {
	return limit == GraphonLimit || (limit == KernelLimit && !s.p.Symmetric && s.p.Gamma == 0.5) || limit == GammaLimit
}

// SolveOptions tune the limit solvers.
type SolveOptions struct {
	// Particles is M for the mean-field particle solver (σ not the identity);
	// 0 means 2048.
	Particles int
	// SelfCheck re-solves the particle system with 2M particles and reports
	// the difference in Solution.ErrEstimate.
	SelfCheck bool
}

// Limit solves the limit (GraphonLimit, MeanFieldLimit, KernelLimit or
// GammaLimit) at the problem's times. width and seed are those of the network it is compared
// with; they matter only when Coupled(limit) (otherwise pass any width ≥ 1).
//
//   - graphon (4.1): with the ego sampler (or the whole-graph sampler and a
//     batch B < n), the same online SGD from the same θ_0 driven by the same
//     latents, with m replaced by (T_W X)(u) (by quadrature); with the
//     whole-graph sampler and B = all nodes, gradient descent on the
//     population loss Σ_q ω_q ½(y_q − ŷ(φ_q))² with the same step
//     α N^{γ−2} and the same number of steps.
//   - meanfield (4.2, γ = 1): the moment ODE for σ the identity (exact);
//     otherwise M Halton particles from μ_0 (paired (c, a), (−c, a) when
//     Symmetric), optionally checked against 2M.
//   - kernel (4.3, γ < 1): ġ = α K Ω (Y − g) on the training grid, solved by
//     eigendecomposition; at γ = ½ from g_0 = 0 (Symmetric) or from the
//     network's own g_0 (a draw of the Gaussian process of covariance
//     kernel.NTK.GP), for ½ < γ < 1 from g_0 = 0 (the network's g_0 has
//     variance N^{1−2γ} s_c² E[σ²] → 0); off the grid
//     g_t(φ) = g_0(φ) + Σ_r K(φ, φ_r) β_r(t).
//   - gamma (docs/mathematics.md §9, any γ ∈ [½, 1]): the ε-flow at
//     ε = N^{γ−1} of the network's width (limits/meanfield): the ε-scaled
//     moment ODE for σ the identity (exact), otherwise M Halton particles
//     from μ_0 in mirror pairs (c, a), (−c, a), so that the sample's g_0 is
//     0 as the flow's is, optionally checked against 2M. At γ = 1 it is the
//     mean-field limit, and as N → ∞ at γ < 1 it tends to the kernel limit.
//
// Cost of Eval per point: O(N·d) (graphon), O(d²) (moments), O(M·d)
// (particles), Q' kernel evaluations (kernel; Q' = the training grid: cheap
// for identity, ReLU and erf, about 2·10⁴ σ evaluations each for tanh and
// sigmoid, which makes node errors against the kernel limit slow for those).
//
// Errors: an unknown limit, γ ≠ 1 for meanfield or γ = 1 for kernel
// (graphs.ErrParameter), and the solvers' errors.
func (s *Setup) Limit(ctx context.Context, limit Kind, width int, seed uint64, opt SolveOptions) (*Solution, error) {
	times := append([]float64(nil), s.p.Times...)
	switch limit {
	case GraphonLimit:
		if s.p.Sampler == EgoSampling || s.p.Batch > 0 {
			snaps, err := s.train(ctx, width, seed, &limitSampler{s}, s.p.Batch)
			if err != nil {
				return nil, err
			}
			return &Solution{Name: GraphonLimit.String(), Method: fmt.Sprintf("sgd π_∞ N=%d seed=%d", width, seed), Times: times, eval: modelEval(snaps, s.r.d)}, nil
		}
		snaps, err := s.populationGD(ctx, width, seed)
		if err != nil {
			return nil, err
		}
		return &Solution{Name: GraphonLimit.String(), Method: fmt.Sprintf("gd population N=%d seed=%d", width, seed), Times: times, eval: modelEval(snaps, s.r.d)}, nil
	case MeanFieldLimit:
		if s.p.Gamma != 1 {
			return nil, perr("the mean-field limit needs gamma=1, got %v", s.p.Gamma)
		}
		return s.meanField(ctx, times, opt)
	case KernelLimit:
		if !(s.p.Gamma < 1) {
			return nil, perr("the kernel limit needs gamma < 1 (gamma=0.5 the kernel scaling, ½ < γ < 1 from g_0 = 0), got %v", s.p.Gamma)
		}
		return s.kernel(width, seed, times)
	case GammaLimit:
		return s.gammaFlow(ctx, width, times, opt)
	}
	return nil, perr("limit=%v not one of %v", limit, Kinds())
}

// populationGD is gradient descent on the population loss of the training
// grid: θ^k ← θ^k + α N^{γ−2} Σ_q ω_q (y_q − ŷ_q) ∇_θ F(θ^k; φ_q).
func (s *Setup) populationGD(ctx context.Context, width int, seed uint64) ([]*shallow.Model, error) {
	m, err := shallow.NewModel(s.modelConfig(width, seed))
	if err != nil {
		return nil, fmt.Errorf("limits: %w", err)
	}
	recs, err := s.recordSteps(width)
	if err != nil {
		return nil, err
	}
	p := 2 * s.r.d
	gb := &shallow.Samples{Dim: s.r.d, Phi: s.tPhi}
	nq := len(s.tY)
	g := make([]float64, nq)
	lr := s.p.Alpha * math.Pow(float64(width), s.p.Gamma-2)
	act := s.p.Activation
	const chunk = 64
	snaps := make([]*shallow.Model, len(recs))
	next := 0
	for k := int64(0); ; k++ {
		for next < len(recs) && recs[next] == k {
			snaps[next] = m.Clone()
			next++
		}
		if next == len(recs) {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := m.Predict(g, gb); err != nil {
			return nil, fmt.Errorf("limits: %w", err)
		}
		for q := range g {
			g[q] = s.tOmega[q] * (s.tY[q] - g[q])
		}
		parallel.For(parallel.Chunks(width, chunk), func(c int) {
			lo, hi := parallel.Range(c, chunk, width)
			ga := make([]float64, p)
			for u := lo; u < hi; u++ {
				a := m.A[u*p : (u+1)*p]
				clear(ga)
				gc := 0.0
				for q, r := range g {
					phi := s.tPhi[q*p : (q+1)*p]
					z := 0.0
					for j, x := range phi {
						z += a[j] * x
					}
					gc += r * act.Eval(z)
					ds := r * act.Deriv(z)
					for j, x := range phi {
						ga[j] += ds * x
					}
				}
				cu := m.C[u]
				m.C[u] = cu + lr*gc
				for j := range a {
					a[j] += lr * cu * ga[j]
				}
			}
		})
	}
	return snaps, nil
}

// Tolerances of the limit ODEs.
var (
	momentTol   = ode.Options{RTol: 1e-10, ATol: 1e-12}
	particleTol = ode.Options{RTol: 1e-7, ATol: 1e-9}
)

func (s *Setup) meanField(ctx context.Context, times []float64, opt SolveOptions) (*Solution, error) {
	if s.p.Activation == activation.Identity {
		m0, err := meanfield.InitialMoments(s.p.Sc, s.p.Sw, s.r.d)
		if err != nil {
			return nil, err
		}
		return s.moments(ctx, times, m0)
	}
	m := opt.Particles
	if m == 0 {
		m = 2048
	}
	if m < 2 || m%2 != 0 && s.p.Symmetric {
		return nil, perr("particles=%d: need M ≥ 2 (even when symmetric)", m)
	}
	// The integrator holds about ten copies of the state (stages, error,
	// trajectory); the solver 2·M·Q scratch values; the self-check twice M.
	state := float64(m) * float64(1+2*s.r.d)
	bytes := 8 * (10*state + 2*float64(m)*float64(s.p.Quadrature) + state*float64(len(times)))
	if opt.SelfCheck {
		bytes *= 3
	}
	if err := memlimit.Check(bytes); err != nil {
		return nil, fmt.Errorf("limits: Problem: particles=%d: %v: %w", m, err, graphs.ErrTooLarge)
	}
	th, err := s.particles(m)
	if err != nil {
		return nil, err
	}
	sol, tr, err := s.solveParticles(ctx, times, th)
	if err != nil {
		return nil, err
	}
	if opt.SelfCheck {
		th2, err := s.particles(2 * m)
		if err != nil {
			return nil, err
		}
		_, tr2, err := s.solveParticles(ctx, times, th2)
		if err != nil {
			return nil, err
		}
		sol.ErrEstimate = make([]float64, len(times))
		dim := 2 * s.r.d
		for k := range times {
			g1, err1 := meanfield.Output(s.p.Activation, tr.Theta[k], s.phi, dim)
			g2, err2 := meanfield.Output(s.p.Activation, tr2.Theta[k], s.phi, dim)
			if err1 != nil || err2 != nil {
				return nil, fmt.Errorf("limits: self-check: %v %v: %w", err1, err2, graphs.ErrShape)
			}
			sol.ErrEstimate[k] = quadrature.Distance(s.rule.Omega, g1, g2)
		}
	}
	return sol, nil
}

// moments solves the moment ODE of linear σ from the moments m0.
func (s *Setup) moments(ctx context.Context, times []float64, m0 shallow.Moments) (*Solution, error) {
	dim := 2 * s.r.d
	sigma, r, err := meanfield.SecondMoments(s.tOmega, s.tPhi, s.tY, dim)
	if err != nil {
		return nil, err
	}
	ms, st, err := meanfield.SolveMoments(ctx, meanfield.MomentProblem{Sigma: sigma, R: r, Alpha: s.p.Alpha}, m0, times, momentTol)
	if err != nil {
		return nil, err
	}
	return &Solution{Name: MeanFieldLimit.String(), Method: "moment ODE (linear σ)", Times: times, Stats: st,
		eval: func(dst []float64, k int, phi []float64) error {
			if len(phi) != dim*len(dst) {
				return fmt.Errorf("limits: Solution.Eval: len(phi)=%d, want 2d·%d: %w", len(phi), len(dst), graphs.ErrShape)
			}
			for j := range dst {
				dst[j] = ms[k].Output(phi[j*dim : (j+1)*dim])
			}
			return nil
		}}, nil
}

// particles returns the first mm Halton particles of μ_0 (seed 1), in pairs
// (c, a), (−c, a) from the first mm/2 when Symmetric.
func (s *Setup) particles(mm int) ([]float64, error) {
	return meanfield.InitialParticles(mm, s.p.Sc, s.p.Sw, s.r.d, s.p.Symmetric)
}

// solveParticles moves the particles th by the McKean–Vlasov characteristics
// on the training grid.
func (s *Setup) solveParticles(ctx context.Context, times, th []float64) (*Solution, *meanfield.Trajectory, error) {
	dim := 2 * s.r.d
	prob := meanfield.Problem{Act: s.p.Activation, Alpha: s.p.Alpha, Omega: s.tOmega, Phi: s.tPhi, Y: s.tY, Dim: dim}
	tr, err := meanfield.SolveParticles(ctx, prob, th, times, particleTol, true)
	if err != nil {
		return nil, nil, err
	}
	m := len(th) / (1 + dim)
	return &Solution{Name: MeanFieldLimit.String(), Method: fmt.Sprintf("particles M=%d (Halton)", m), Times: times, Stats: tr.Stats,
		eval: func(dst []float64, k int, phi []float64) error {
			g, err := meanfield.Output(s.p.Activation, tr.Theta[k], phi, dim)
			if err != nil {
				return err
			}
			if len(g) != len(dst) {
				return fmt.Errorf("limits: Solution.Eval: len(dst)=%d, want %d: %w", len(dst), len(g), graphs.ErrShape)
			}
			copy(dst, g)
			return nil
		}}, tr, nil
}

// gram returns the NTK Gram matrix on the training grid, computed once.
func (s *Setup) gram() ([]float64, kernel.NTK, error) {
	k := kernel.NTK{Act: s.p.Activation, Sc: s.p.Sc, Sw: s.p.Sw, D: s.r.d}
	s.gramOnce.Do(func() {
		s.gramK, s.gramErr = k.Gram(s.tPhi, 2*s.r.d)
	})
	return s.gramK, k, s.gramErr
}

func (s *Setup) kernel(width int, seed uint64, times []float64) (*Solution, error) {
	km, ntk, err := s.gram()
	if err != nil {
		return nil, err
	}
	dim := 2 * s.r.d
	var g0 []float64
	var m0 *shallow.Model
	method := "eigendecomposition, g_0 = 0 (symmetric μ_0)"
	if !s.p.Symmetric && s.p.Gamma > 0.5 {
		method = fmt.Sprintf("eigendecomposition, g_0 = 0 (γ=%v > ½)", s.p.Gamma)
	}
	if !s.p.Symmetric && s.p.Gamma == 0.5 {
		m0, err = shallow.NewModel(s.modelConfig(width, seed))
		if err != nil {
			return nil, fmt.Errorf("limits: %w", err)
		}
		g0 = make([]float64, len(s.tY))
		if err := m0.Predict(g0, &shallow.Samples{Dim: s.r.d, Phi: s.tPhi}); err != nil {
			return nil, err
		}
		method = fmt.Sprintf("eigendecomposition from the network's g_0 (N=%d seed=%d)", width, seed)
	}
	fl, err := kernel.NewFlow(km, s.tOmega, s.tY, g0, s.p.Alpha)
	if err != nil {
		return nil, err
	}
	beta := make([][]float64, len(times))
	for k, t := range times {
		if beta[k], err = fl.Coef(nil, t); err != nil {
			return nil, err
		}
	}
	nq := len(s.tY)
	return &Solution{Name: KernelLimit.String(), Method: method, Times: times,
		eval: func(dst []float64, k int, phi []float64) error {
			if len(phi) != dim*len(dst) {
				return fmt.Errorf("limits: Solution.Eval: len(phi)=%d, want 2d·%d: %w", len(phi), len(dst), graphs.ErrShape)
			}
			if m0 != nil {
				if err := m0.Predict(dst, &shallow.Samples{Dim: s.r.d, Phi: phi}); err != nil {
					return err
				}
			} else {
				clear(dst)
			}
			for j := range dst {
				f := phi[j*dim : (j+1)*dim]
				for r := range nq {
					dst[j] += ntk.Kernel(f, s.tPhi[r*dim:(r+1)*dim]) * beta[k][r]
				}
			}
			return nil
		}}, nil
}

// testStream is the second PCG word of the test graphs' streams.
const testStream = 0x7e57_6a9a_0000_0001

// TestGraph draws the test graph of the node error for (n, seed): a fresh
// G(n, W, ρ) with the problem's features (generators.WholeGraphSampler on
// rand.NewPCG(seed, testStream), independent of N and of training), and
// returns, for its first B = min(n, maxNodes) nodes, the network inputs
// φ_i = (x_i, m_i) and the limit inputs (x_i, (T_W X)(u_i)) (the node's own
// features, the aggregation replaced by its graphon limit), both B×2d, and
// the latents u_i. Errors: those of the sampler.
func (s *Setup) TestGraph(n int, seed uint64, maxNodes int) (net, lim, u []float64, err error) {
	b := min(n, maxNodes)
	ws, err := generators.NewWholeGraphSampler(s.process(n), b)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("limits: TestGraph: %w", err)
	}
	d := s.r.d
	p := 2 * d
	net = make([]float64, b*p)
	y := make([]float64, b)
	if err := ws.Sample(rand.New(rand.NewPCG(seed, testStream)), net, y); err != nil {
		return nil, nil, nil, fmt.Errorf("limits: TestGraph: %w", err)
	}
	rng := rand.New(rand.NewPCG(seed, testStream)) // the sampler's latents come first
	u = make([]float64, b)
	lim = make([]float64, b*p)
	for i := range u {
		u[i] = rng.Float64()
		f := lim[i*p : (i+1)*p]
		if err := s.FeaturesAt(f, u[i]); err != nil {
			return nil, nil, nil, err
		}
		copy(f[:d], net[i*p:i*p+d])
	}
	return net, lim, u, nil
}
