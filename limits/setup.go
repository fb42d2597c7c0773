package limits

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// The samplers of generators draw the samples of gnn/shallow's model A.
var (
	_ shallow.Sampler = (*generators.EgoSampler)(nil)
	_ shallow.Sampler = (*generators.WholeGraphSampler)(nil)
	_ shallow.Sampler = (*limitSampler)(nil)
)

// Setup is a validated Problem with everything the solvers share: the
// quadrature rule in u, the graphon operator, the graphon features
// φ(u_q) = (X(u_q), (T_W X)(u_q)) and targets Y(u_q) on the nodes (the
// evaluation grid of the function error), and the training grid that the
// limits integrate over (the same grid, or, with feature noise, its product
// with a Gauss–Hermite rule for the noise). A Setup is immutable and safe for
// concurrent use.
type Setup struct {
	p    Problem // canonical copy
	r    resolved
	rule quadrature.Rule
	op   *quadrature.GraphonOperator
	xs   []float64 // Q×d: X(u_q)

	phi []float64 // Q×2d evaluation features
	y   []float64 // Q

	tOmega, tPhi, tY []float64 // training grid
	law              []float64 // sampling law on the nodes (WithLaw); nil: uniform

	gramOnce sync.Once
	gramK    []float64
	gramErr  error
}

// NewSetup validates p and builds its quadrature (Q Gauss–Legendre nodes, or
// ⌈Q/K⌉ per block for an "sbm:" spec, which integrates the SBM exactly), the
// graphon operator (Q² evaluations of W) and the grids. p is copied. Errors:
// those of Problem.Validate and quadrature.NewGraphonOperator (a W value
// outside [0,1] or asymmetric on the grid), a training grid above 2^15
// points (graphs.ErrTooLarge).
func NewSetup(p Problem) (*Setup, error) {
	r, err := p.resolve()
	if err != nil {
		return nil, err
	}
	s := &Setup{p: p.clone(), r: r}
	if r.pi != nil {
		s.rule, err = quadrature.SBM(r.pi, (p.Quadrature+len(r.pi)-1)/len(r.pi))
	} else {
		s.rule, err = quadrature.Legendre(p.Quadrature)
	}
	if err != nil {
		return nil, fmt.Errorf("limits: NewSetup: %w", err)
	}
	s.op, err = quadrature.NewGraphonOperator(p.Graphon.Func(), s.rule)
	if err != nil {
		return nil, fmt.Errorf("limits: NewSetup: graphon %s: %w", p.Graphon, err)
	}
	d := r.d
	s.xs, err = s.op.Signal(p.Signal.Eval, d)
	if err != nil {
		return nil, fmt.Errorf("limits: NewSetup: signal %s: %w", p.Signal, err)
	}
	s.phi, err = s.op.Features(p.Signal.Eval, d, p.Aggregation)
	if err != nil {
		return nil, fmt.Errorf("limits: NewSetup: %w", err)
	}
	q := s.rule.Len()
	s.y = make([]float64, q)
	for i, u := range s.rule.U {
		s.y[i] = p.Target.Eval(u)
		if math.IsNaN(s.y[i]) || math.IsInf(s.y[i], 0) {
			return nil, perr("target %s: Y(%v)=%v not finite", p.Target, u, s.y[i])
		}
	}
	if err := s.trainingGrid(); err != nil {
		return nil, err
	}
	return s, nil
}

// hermiteNodes is the number of Gauss–Hermite nodes per feature for noise on
// x: exact for polynomials of degree ≤ 2H−1 in the noise.
func hermiteNodes(d int) int {
	switch {
	case d == 1:
		return 7
	case d == 2:
		return 5
	}
	return 3
}

// trainingGrid sets the grid the limits integrate over: E over u and the
// feature noise ε ~ N(0, NoiseX² I_d) of a function of φ = (X(u) + ε,
// (T X)(u)). The aggregated features carry no noise in the limit (it
// averages out at rate (nρ)^{−1/2}); the noise on y does not enter the
// limits (it is independent with mean 0).
func (s *Setup) trainingGrid() error {
	q, d := s.rule.Len(), s.r.d
	if s.p.NoiseX == 0 {
		s.tOmega, s.tPhi, s.tY = s.rule.Omega, s.phi, s.y
		return nil
	}
	h := hermiteNodes(d)
	cells := 1
	for range d {
		cells *= h
		if q*cells > maxGrid {
			return fmt.Errorf("limits: NewSetup: noise on %d features needs %d^%d Gauss–Hermite nodes per quadrature node, more than %d grid points with Q=%d: %w", d, h, d, maxGrid, q, graphs.ErrTooLarge)
		}
	}
	z := make([]float64, h)
	w := make([]float64, h)
	quad.Hermite{}.FixedLocations(z, w, math.Inf(-1), math.Inf(1))
	for i := range z { // ∫ f(x) e^{−x²} dx → E f(σ√2 x)/√π
		z[i] *= math.Sqrt2 * s.p.NoiseX
		w[i] /= math.Sqrt(math.Pi)
	}
	p := 2 * d
	s.tOmega = make([]float64, 0, q*cells)
	s.tPhi = make([]float64, 0, q*cells*p)
	s.tY = make([]float64, 0, q*cells)
	idx := make([]int, d)
	for i := range q {
		base := s.phi[i*p : (i+1)*p]
		for c := range cells {
			rem := c
			wt := s.rule.Omega[i]
			for j := range idx {
				idx[j] = rem % h
				rem /= h
				wt *= w[idx[j]]
			}
			s.tOmega = append(s.tOmega, wt)
			k := len(s.tPhi)
			s.tPhi = append(s.tPhi, base...)
			for j := range d {
				s.tPhi[k+j] += z[idx[j]]
			}
			s.tY = append(s.tY, s.y[i])
		}
	}
	return nil
}

// Problem returns the problem (a copy; W, X and Y share their functions).
func (s *Setup) Problem() Problem { return s.p.clone() }

// Dim returns d, the dimension of X; φ has 2d entries.
func (s *Setup) Dim() int { return s.r.d }

// Nodes returns copies of the quadrature nodes u_q and weights ω_q of the
// evaluation grid.
func (s *Setup) Nodes() (u, omega []float64) {
	return append([]float64(nil), s.rule.U...), append([]float64(nil), s.rule.Omega...)
}

// Features returns a copy of φ(u_q) (Q×2d) and Y(u_q) on the evaluation grid.
func (s *Setup) Features() (phi, y []float64) {
	return append([]float64(nil), s.phi...), append([]float64(nil), s.y...)
}

// TrainingGrid returns copies of the grid the limits integrate over, the
// quadrature form of π_∞: weights ω (P), features φ (P×2d row-major) and
// targets Y (P). Without feature noise it is the evaluation grid of Nodes
// and Features; with noise, its product with the Gauss–Hermite rule in the
// noise (docs/mathematics.md §4.4). The noise on y is not in it.
func (s *Setup) TrainingGrid() (omega, phi, y []float64) {
	return append([]float64(nil), s.tOmega...), append([]float64(nil), s.tPhi...), append([]float64(nil), s.tY...)
}

// FeaturesAt writes the graphon features φ(u) = (X(u), (T_W X)(u)) into dst
// (len 2d), T_W X by quadrature. Errors as quadrature's FeaturesAt.
func (s *Setup) FeaturesAt(dst []float64, u float64) error {
	return s.op.FeaturesAt(dst, u, s.p.Signal.Eval, s.xs, s.p.Aggregation)
}

// process returns the generators.Process of the problem on n nodes.
func (s *Setup) process(n int) generators.Process {
	return generators.Process{W: s.p.Graphon, Rho: s.p.Rho, N: n, X: s.p.Signal, Y: s.p.Target,
		NoiseX: s.p.NoiseX, NoiseY: s.p.NoiseY, Aggregation: s.p.Aggregation}
}

// batch returns B for a network on n nodes (whole sampler, B = 0: all n).
func (s *Setup) batch(n int) int {
	if s.p.Sampler == WholeGraphSampling && s.p.Batch == 0 {
		return n
	}
	return s.p.Batch
}

// limitSampler draws π_∞ (docs/mathematics.md §4) with the coupling contract of
// gnn/shallow: the B latents u_b = rng.Float64() first, then, per sample,
// the d normals of the noise on x and the normal of the noise on y:
// φ = (X(u) + ε, (T_W X)(u)), y = Y(u) + ε_y. It is the ego and whole-graph
// samplers' n → ∞ limit driven by the same latent sequence.
type limitSampler struct {
	s *Setup
}

func (l *limitSampler) Dim() int { return l.s.r.d }

func (l *limitSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	s := l.s
	d := s.r.d
	p := 2 * d
	if len(phi) != p*len(y) {
		return fmt.Errorf("limits: limitSampler: len(phi)=%d, want 2d·B=%d: %w", len(phi), p*len(y), graphs.ErrShape)
	}
	for b := range y {
		y[b] = rng.Float64()
	}
	return (&LimitFeatures{s: s}).SampleAt(rng, y, phi, y) // y holds the latents until SampleAt overwrites each
}
