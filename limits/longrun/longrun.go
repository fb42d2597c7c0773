package longrun

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
)

// Chain is a Markov chain of samples on a finite state space of size S
// with its stationary law, fundamental matrix and long-run covariance
// kernel (see the package doc). Slices are row-major S×S.
type Chain struct {
	S  int
	P  []float64 // one-sample transition, rows sum to 1
	Pi []float64 // stationary law: πᵀP = πᵀ, Σπ = 1
	Z  []float64 // (I − P + 1πᵀ)^{−1}
	K  []float64 // D Z + Zᵀ D − D − ππᵀ: Γ(f, g) = fᵀ K g
}

// maxStates bounds S (dense S×S factorisations).
const maxStates = 1 << 13

// New computes the stationary law, the fundamental matrix and the kernel of
// the transition p (S×S row-major, rows summing to 1). Cost O(S³). Errors:
// len(p) not a square (graphs.ErrShape), S above 2^13 (graphs.ErrTooLarge),
// a row not a probability (graphs.ErrParameter), a reducible chain
// (I − P + 11ᵀ singular: graphs.ErrParameter).
func New(p []float64) (*Chain, error) {
	s := int(math.Round(math.Sqrt(float64(len(p)))))
	if s*s != len(p) || s == 0 {
		return nil, fmt.Errorf("longrun: New: len(p)=%d not a square: %w", len(p), graphs.ErrShape)
	}
	if s > maxStates {
		return nil, fmt.Errorf("longrun: New: S=%d states above %d: %w", s, maxStates, graphs.ErrTooLarge)
	}
	for i := range s {
		sum := 0.0
		for _, v := range p[i*s : (i+1)*s] {
			if !(v >= 0 && v <= 1) {
				return nil, fmt.Errorf("longrun: New: P[%d] has an entry %v outside [0,1]: %w", i, v, graphs.ErrParameter)
			}
			sum += v
		}
		if math.Abs(sum-1) > 1e-9 {
			return nil, fmt.Errorf("longrun: New: row %d of P sums to %v: %w", i, sum, graphs.ErrParameter)
		}
	}
	c := &Chain{S: s, P: append([]float64(nil), p...)}
	// π = 1ᵀ (I − P + 11ᵀ)^{−1}: solve (I − P + 11ᵀ)ᵀ π = 1.
	a := mat.NewDense(s, s, nil)
	for i := range s {
		for j := range s {
			v := 1 - p[i*s+j]
			if i == j {
				v++
			}
			a.Set(j, i, v)
		}
	}
	var lu mat.LU
	lu.Factorize(a)
	if cond := lu.Cond(); !(cond < 1e14) {
		return nil, fmt.Errorf("longrun: New: I − P + 11ᵀ is singular (condition %.3g): the chain is reducible: %w", cond, graphs.ErrParameter)
	}
	ones := mat.NewVecDense(s, nil)
	for i := range s {
		ones.SetVec(i, 1)
	}
	var pv mat.VecDense
	if err := lu.SolveVecTo(&pv, false, ones); err != nil {
		return nil, fmt.Errorf("longrun: New: %v: %w", err, graphs.ErrParameter)
	}
	c.Pi = make([]float64, s)
	sum := 0.0
	for i := range s {
		c.Pi[i] = math.Max(0, pv.AtVec(i))
		sum += c.Pi[i]
	}
	for i := range c.Pi {
		c.Pi[i] /= sum
	}
	// Z = (I − P + 1πᵀ)^{−1}.
	b := mat.NewDense(s, s, nil)
	for i := range s {
		for j := range s {
			v := c.Pi[j] - p[i*s+j]
			if i == j {
				v++
			}
			b.Set(i, j, v)
		}
	}
	var z mat.Dense
	if err := z.Inverse(b); err != nil {
		return nil, fmt.Errorf("longrun: New: I − P + 1πᵀ: %v: %w", err, graphs.ErrParameter)
	}
	c.Z = make([]float64, s*s)
	for i := range s {
		for j := range s {
			c.Z[i*s+j] = z.At(i, j)
		}
	}
	c.K = make([]float64, s*s)
	for i := range s {
		for j := range s {
			v := c.Pi[i]*c.Z[i*s+j] + c.Z[j*s+i]*c.Pi[j] - c.Pi[i]*c.Pi[j]
			if i == j {
				v -= c.Pi[i]
			}
			c.K[i*s+j] = v
		}
	}
	for i := range s { // exact symmetry
		for j := i + 1; j < s; j++ {
			v := (c.K[i*s+j] + c.K[j*s+i]) / 2
			c.K[i*s+j], c.K[j*s+i] = v, v
		}
	}
	return c, nil
}

// Gamma returns the long-run covariance Γ (m×m) of the m functions f (S×m
// row-major: f[x*m+i] = f_i(x)): Γ_ij = Σ_{x,y} f_i(x) K_xy f_j(y).
func (c *Chain) Gamma(f []float64, m int) []float64 {
	return QuadForm(c.K, c.S, f, m)
}

// Covariance returns Cov_π of the m functions f (S×m), the i.i.d. part of
// Γ.
func (c *Chain) Covariance(f []float64, m int) []float64 {
	s := c.S
	k := make([]float64, s*s)
	for i := range s {
		for j := range s {
			k[i*s+j] = -c.Pi[i] * c.Pi[j]
		}
		k[i*s+i] += c.Pi[i]
	}
	return QuadForm(k, s, f, m)
}

// QuadForm returns fᵀ K f (m×m) for a kernel k (S×S) and m functions f (S×m
// row-major).
func QuadForm(k []float64, s int, f []float64, m int) []float64 {
	kf := make([]float64, s*m)
	for x := range s {
		for y := range s {
			kv := k[x*s+y]
			if kv == 0 {
				continue
			}
			for j := range m {
				kf[x*m+j] += kv * f[y*m+j]
			}
		}
	}
	out := make([]float64, m*m)
	for x := range s {
		for i := range m {
			fi := f[x*m+i]
			for j := range m {
				out[i*m+j] += fi * kf[x*m+j]
			}
		}
	}
	return out
}

// Tau returns the integrated autocorrelation time Γ(f, f)/Var_π(f) of one
// function f (len S): 1 for independent samples, about the number of
// samples the chain needs to forget f. NaN when Var_π f = 0.
func (c *Chain) Tau(f []float64) float64 {
	g := c.Gamma(f, 1)[0]
	v := c.Covariance(f, 1)[0]
	if v == 0 {
		return math.NaN()
	}
	return g / v
}

// Relaxation returns the relaxation time 1/(1 − |λ₂|) of the chain, λ₂
// the eigenvalue of P of second largest modulus (∞ when |λ₂| = 1): the
// number of samples over which correlations decay by a factor e. Cost
// O(S³).
func (c *Chain) Relaxation() (float64, error) {
	s := c.S
	var eig mat.Eigen
	if !eig.Factorize(mat.NewDense(s, s, append([]float64(nil), c.P...)), mat.EigenNone) {
		return 0, fmt.Errorf("longrun: Chain.Relaxation: eigenvalues did not converge: %w", graphs.ErrParameter)
	}
	vals := eig.Values(nil)
	top, second := -1.0, 0.0
	idx := -1
	for i, v := range vals { // the eigenvalue 1
		if d := -cmplxAbs(v - 1); idx < 0 || d > top {
			top, idx = d, i
		}
	}
	for i, v := range vals {
		if i != idx {
			second = math.Max(second, cmplxAbs(v))
		}
	}
	if second >= 1 {
		return math.Inf(1), nil
	}
	return 1 / (1 - second), nil
}

func cmplxAbs(v complex128) float64 { return math.Hypot(real(v), imag(v)) }

// Graphon returns the chain of the walk with options opt on the quadrature
// grid of s (see the package doc): P_qs = ω_s W(u_q, u_s)/d_q, with hold,
// restart to ω and thinning as in generators/walk. Errors: a node of
// degree d_q = 0 (graphs.ErrParameter), those of opt.Validate and New.
func Graphon(s *limits.Setup, opt walk.Options) (*Chain, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("longrun: Graphon: %w", err)
	}
	u, om := s.Nodes()
	w := s.Problem().Graphon.Func()
	q := len(u)
	p := make([]float64, q*q)
	for i := range q {
		d := 0.0
		for j := range q {
			p[i*q+j] = om[j] * w(u[i], u[j])
			d += p[i*q+j]
		}
		if !(d > 0) {
			return nil, fmt.Errorf("longrun: Graphon: node u=%v has degree 0 on the grid: %w", u[i], graphs.ErrParameter)
		}
		for j := range q {
			p[i*q+j] /= d
		}
	}
	c, err := New(opt.Lazy(p, om))
	if err != nil {
		return nil, fmt.Errorf("longrun: Graphon: %w", err)
	}
	return c, nil
}

// Graph returns the chain of the walk w on its graph's nodes (dense: n ≤
// 2^13). Errors: those of walk.Graph.Transition and New (a disconnected
// graph without restart is reducible).
func Graph(w *walk.Graph) (*Chain, error) {
	p, err := w.Transition()
	if err != nil {
		return nil, fmt.Errorf("longrun: Graph: %w", err)
	}
	c, err := New(p)
	if err != nil {
		return nil, fmt.Errorf("longrun: Graph: %w", err)
	}
	return c, nil
}

// TrainingKernel returns the long-run covariance kernel of the chain c on
// the quadrature nodes, lifted to the training grid of s (P points: the
// nodes, or their product with the Gauss–Hermite rule of the feature noise,
// which is drawn afresh at every sample): with w_{qc} = π_q ρ_c the
// training weights and ρ_c the noise rule's weights,
//
//	K_train = diag(w) − w wᵀ + (ρ ρᵀ) ⊗ (K − diag(π) + ππᵀ),
//
// the i.i.d. covariance under the walk's law plus the dependence of the
// latents. It returns K_train (P×P) and π. Errors (graphs.ErrShape): a
// chain whose size is not the number of quadrature nodes of s.
func TrainingKernel(s *limits.Setup, c *Chain) ([]float64, error) {
	u, _ := s.Nodes()
	q := len(u)
	if c.S != q {
		return nil, fmt.Errorf("longrun: TrainingKernel: chain on %d states, grid of %d nodes: %w", c.S, q, graphs.ErrShape)
	}
	// ρ_c from the Lebesgue training grid of s (weights ω_q ρ_c, or law_q ρ_c).
	rho := noiseRule(s, q)
	cells := len(rho)
	n := q * cells
	w := make([]float64, n)
	for i := range q {
		for cc := range cells {
			w[i*cells+cc] = c.Pi[i] * rho[cc]
		}
	}
	k := make([]float64, n*n)
	for a := range n {
		ia, ca := a/cells, a%cells
		for b := range n {
			ib, cb := b/cells, b%cells
			dep := c.K[ia*q+ib] + c.Pi[ia]*c.Pi[ib]
			if ia == ib {
				dep -= c.Pi[ia]
			}
			v := -w[a]*w[b] + rho[ca]*rho[cb]*dep
			if a == b {
				v += w[a]
			}
			k[a*n+b] = v
		}
	}
	return k, nil
}

// EdgeKernel returns M (S×S) with fᵀ M g = Σ_{l≥1} l Cov(f(x_0), g(x_l))
// for a stationary chain: M = Σ_{l≥1} l (D P^l − ππᵀ) = D (P − 1πᵀ) Z².
// It is what a window of samples misses of the long-run covariance at
// each of its ends: the last samples have no partners after the window
// (Σ_{l≥1} l Cov(f(x_0), g(x_l)) in all), the first none before it (Mᵀ).
// M is symmetric for a reversible chain. Cost O(S³).
func (c *Chain) EdgeKernel() []float64 {
	s := c.S
	q := make([]float64, s*s) // D (P − 1πᵀ)
	for i := range s {
		for j := range s {
			q[i*s+j] = c.Pi[i] * (c.P[i*s+j] - c.Pi[j])
		}
	}
	a := mat.NewDense(s, s, q)
	z := mat.NewDense(s, s, append([]float64(nil), c.Z...))
	var t, m mat.Dense
	t.Mul(a, z)
	m.Mul(&t, z)
	out := make([]float64, s*s)
	for i := range s {
		for j := range s {
			out[i*s+j] = m.At(i, j)
		}
	}
	return out
}

// Reversible reports whether π_x P_xy = π_y P_yx for all x, y to 10⁻¹²
// of the largest π_x P_xy.
func (c *Chain) Reversible() bool {
	s := c.S
	top := 0.0
	for i := range s {
		for j := range s {
			top = math.Max(top, c.Pi[i]*c.P[i*s+j])
		}
	}
	for i := range s {
		for j := range i {
			if math.Abs(c.Pi[i]*c.P[i*s+j]-c.Pi[j]*c.P[j*s+i]) > 1e-12*top {
				return false
			}
		}
	}
	return true
}

// TrainingEdgeKernel returns the symmetric part of the chain's EdgeKernel
// lifted to the training grid of s as TrainingKernel lifts K (the noise on
// the features is drawn afresh at each sample, so only the latents
// correlate at lags l ≥ 1): (ρ ρᵀ) ⊗ (M + Mᵀ)/2. Errors (graphs.ErrShape):
// a chain whose size is not the number of quadrature nodes of s.
func TrainingEdgeKernel(s *limits.Setup, c *Chain) ([]float64, error) {
	u, _ := s.Nodes()
	q := len(u)
	if c.S != q {
		return nil, fmt.Errorf("longrun: TrainingEdgeKernel: chain on %d states, grid of %d nodes: %w", c.S, q, graphs.ErrShape)
	}
	m := c.EdgeKernel()
	rho := noiseRule(s, q)
	cells := len(rho)
	n := q * cells
	k := make([]float64, n*n)
	for a := range n {
		ia, ca := a/cells, a%cells
		for b := range n {
			ib, cb := b/cells, b%cells
			k[a*n+b] = rho[ca] * rho[cb] * (m[ia*q+ib] + m[ib*q+ia]) / 2
		}
	}
	return k, nil
}

// noiseRule returns the weights ρ_c of the Gauss–Hermite rule of the
// feature noise on the training grid of s (one cell, ρ = 1, without noise).
func noiseRule(s *limits.Setup, q int) []float64 {
	_, om := s.Nodes()
	tw, _, _ := s.TrainingGrid()
	cells := len(tw) / q
	base := om
	if law := s.Law(); law != nil {
		base = law
	}
	rho := make([]float64, cells)
	for i := range q {
		if base[i] > 0 {
			for cc := range cells {
				rho[cc] = tw[i*cells+cc] / base[i]
			}
			break
		}
	}
	return rho
}
