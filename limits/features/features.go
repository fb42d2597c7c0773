package features

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits"
)

// MaxKernel bounds the M·P values of σ and σ' that Kernel keeps (2^26).
const MaxKernel = 1 << 26

func checkUnits(fn string, theta []float64, dim int) (int, error) {
	if dim < 1 || len(theta) == 0 || len(theta)%(1+dim) != 0 {
		return 0, fmt.Errorf("features: %s: len(theta)=%d not a positive multiple of 1+dim=%d: %w", fn, len(theta), 1+dim, graphs.ErrShape)
	}
	return len(theta) / (1 + dim), nil
}

// activations returns σ(a^k·φ_j) and σ'(a^k·φ_j), M×P.
func activations(act activation.Kind, theta, phi []float64, dim, m, np int) (s, ds []float64) {
	s, ds = make([]float64, m*np), make([]float64, m*np)
	const chunk = 64
	parallel.For(parallel.Chunks(m, chunk), func(c int) {
		lo, hi := parallel.Range(c, chunk, m)
		for k := lo; k < hi; k++ {
			a := theta[k*(1+dim)+1 : (k+1)*(1+dim)]
			for j := range np {
				z := 0.0
				for i, x := range phi[j*dim : (j+1)*dim] {
					z += a[i] * x
				}
				s[k*np+j], ds[k*np+j] = act.EvalDeriv(z)
			}
		}
	})
	return s, ds
}

// Kernel returns the tangent kernel of the units theta (rows (c, a),
// dim = len(a)) on the P points phi (P×dim row-major) as a P×P row-major
// matrix, K_ij = (1/M) Σ_k [σ_i σ_j + c_k² σ'_i σ'_j φ_i·φ_j] with
// σ_i = σ(a^k·φ_i) (see the package documentation). Each entry is summed
// in unit order: the same bits for any GOMAXPROCS. Cost O(M P² + M P dim).
// Errors: shapes (graphs.ErrShape), an invalid activation
// (graphs.ErrParameter), M·P above MaxKernel (graphs.ErrTooLarge).
func Kernel(act activation.Kind, theta, phi []float64, dim int) ([]float64, error) {
	if !act.Valid() {
		return nil, fmt.Errorf("features: Kernel: activation=%v: %w", act, graphs.ErrParameter)
	}
	m, err := checkUnits("Kernel", theta, dim)
	if err != nil {
		return nil, err
	}
	if len(phi) == 0 || len(phi)%dim != 0 {
		return nil, fmt.Errorf("features: Kernel: len(phi)=%d not a positive multiple of dim=%d: %w", len(phi), dim, graphs.ErrShape)
	}
	np := len(phi) / dim
	if m > MaxKernel/np {
		return nil, fmt.Errorf("features: Kernel: M=%d × P=%d above %d: %w", m, np, MaxKernel, graphs.ErrTooLarge)
	}
	s, ds := activations(act, theta, phi, dim, m, np)
	c2 := make([]float64, m)
	for k := range m {
		c := theta[k*(1+dim)]
		c2[k] = c * c
	}
	out := make([]float64, np*np)
	inv := 1 / float64(m)
	parallel.For(np, func(i int) {
		for j := i; j < np; j++ {
			pp := 0.0
			for l := range dim {
				pp += phi[i*dim+l] * phi[j*dim+l]
			}
			a, b := 0.0, 0.0
			for k := range m {
				a += s[k*np+i] * s[k*np+j]
				b += c2[k] * ds[k*np+i] * ds[k*np+j]
			}
			out[i*np+j] = (a + b*pp) * inv
		}
	})
	for i := range np {
		for j := range i {
			out[i*np+j] = out[j*np+i]
		}
	}
	return out, nil
}

// Movement returns ‖k − k0‖/‖k0‖ in the norm ‖K‖² = Σ_ij ω_i ω_j K_ij² of
// the weights omega (P; k and k0 P×P). Errors: shapes (graphs.ErrShape), a
// zero k0 (graphs.ErrParameter).
func Movement(k, k0, omega []float64) (float64, error) {
	np := len(omega)
	if np == 0 || len(k) != np*np || len(k0) != np*np {
		return 0, fmt.Errorf("features: Movement: len(k)=%d len(k0)=%d len(omega)=%d: %w", len(k), len(k0), np, graphs.ErrShape)
	}
	num, den := 0.0, 0.0
	for i, wi := range omega {
		for j, wj := range omega {
			d := k[i*np+j] - k0[i*np+j]
			num += wi * wj * d * d
			den += wi * wj * k0[i*np+j] * k0[i*np+j]
		}
	}
	if !(den > 0) {
		return 0, fmt.Errorf("features: Movement: ‖k0‖ = 0: %w", graphs.ErrParameter)
	}
	return math.Sqrt(num / den), nil
}

// MomentMovement returns the kernel movement of σ the identity in closed
// form from the moments: with A = Q + qI and Σ_ω (dim×dim) the second
// moment of the grid, (tr(ΔA Σ_ω ΔA Σ_ω)/tr(A_0 Σ_ω A_0 Σ_ω))^{1/2},
// ΔA = A − A_0. It equals Movement of the Kernel of any units with these
// moments on the grid whose Σ_ω it is. Errors: shapes (graphs.ErrShape), a
// zero A_0 Σ_ω (graphs.ErrParameter).
func MomentMovement(m0, m shallow.Moments, sigma []float64) (float64, error) {
	p := len(m0.MeanCA)
	if p == 0 || len(m0.MeanAA) != p*p || len(m.MeanAA) != p*p || len(sigma) != p*p {
		return 0, fmt.Errorf("features: MomentMovement: dim=%d len(Q0)=%d len(Q)=%d len(Sigma)=%d: %w", p, len(m0.MeanAA), len(m.MeanAA), len(sigma), graphs.ErrShape)
	}
	a0, da := make([]float64, p*p), make([]float64, p*p)
	for i := range p * p {
		a0[i] = m0.MeanAA[i]
		da[i] = m.MeanAA[i] - m0.MeanAA[i]
	}
	for i := range p {
		a0[i*p+i] += m0.MeanC2
		da[i*p+i] += m.MeanC2 - m0.MeanC2
	}
	num, den := trABAB(da, sigma, p), trABAB(a0, sigma, p)
	if !(den > 0) {
		return 0, fmt.Errorf("features: MomentMovement: ‖A_0‖ = 0: %w", graphs.ErrParameter)
	}
	return math.Sqrt(num / den), nil
}

// trABAB returns tr(A S A S) for symmetric p×p A and S.
func trABAB(a, s []float64, p int) float64 {
	as := make([]float64, p*p)
	for i := range p {
		for j := range p {
			v := 0.0
			for k := range p {
				v += a[i*p+k] * s[k*p+j]
			}
			as[i*p+j] = v
		}
	}
	t := 0.0
	for i := range p {
		for j := range p {
			t += as[i*p+j] * as[j*p+i]
		}
	}
	return t
}

// Travel returns (1/M) Σ_k ‖θ^k − θ^k_0‖, the mean Euclidean distance the
// units (rows (c, a), dim = len(a)) have travelled. Errors: shapes
// (graphs.ErrShape).
func Travel(theta0, theta []float64, dim int) (float64, error) {
	m, err := checkUnits("Travel", theta0, dim)
	if err != nil {
		return 0, err
	}
	if len(theta) != len(theta0) {
		return 0, fmt.Errorf("features: Travel: len(theta)=%d != len(theta0)=%d: %w", len(theta), len(theta0), graphs.ErrShape)
	}
	s := 0.0
	for k := range m {
		d2 := 0.0
		for i := k * (1 + dim); i < (k+1)*(1+dim); i++ {
			d := theta[i] - theta0[i]
			d2 += d * d
		}
		s += math.Sqrt(d2)
	}
	return s / float64(m), nil
}

// Coordinates returns the coordinate check of the units at scale eps on
// the grid (weights omega, points phi P×dim): the mean size of the
// pre-activations Σ_q ω_q (1/M) Σ_k |a^k·φ_q| and of the output
// Σ_q ω_q |g(φ_q)|, g = (1/(εM)) Σ_k c^k σ(a^k·φ_q). Errors: shapes
// (graphs.ErrShape), an invalid activation or eps not > 0
// (graphs.ErrParameter).
func Coordinates(act activation.Kind, theta, phi, omega []float64, dim int, eps float64) (pre, out float64, err error) {
	if !act.Valid() || !(eps > 0) {
		return 0, 0, fmt.Errorf("features: Coordinates: activation=%v eps=%v: %w", act, eps, graphs.ErrParameter)
	}
	m, err := checkUnits("Coordinates", theta, dim)
	if err != nil {
		return 0, 0, err
	}
	np := len(omega)
	if np == 0 || len(phi) != np*dim {
		return 0, 0, fmt.Errorf("features: Coordinates: len(phi)=%d, want %d×%d: %w", len(phi), np, dim, graphs.ErrShape)
	}
	for q, w := range omega {
		f := phi[q*dim : (q+1)*dim]
		zs, g := 0.0, 0.0
		for k := range m {
			row := theta[k*(1+dim) : (k+1)*(1+dim)]
			z := 0.0
			for i, x := range f {
				z += row[1+i] * x
			}
			zs += math.Abs(z)
			g += row[0] * act.Eval(z)
		}
		pre += w * zs / float64(m)
		out += w * math.Abs(g/(eps*float64(m)))
	}
	return pre, out, nil
}

// Diagnostics are the feature-learning measures of one set of units at the
// problem's times (slices indexed by time).
type Diagnostics struct {
	Name     string    `json:"name"` // "network" or the limit's name
	Times    []float64 `json:"times"`
	Eps      float64   `json:"eps"`
	Movement []float64 `json:"kernel_movement"` // ‖K_t − K_0‖/‖K_0‖ on the evaluation grid
	Travel   []float64 `json:"travel"`          // (1/M) Σ_k ‖θ^k_t − θ^k_0‖
	Pre      []float64 `json:"pre_activation"`  // Σ_q ω_q (1/M) Σ_k |a^k·φ_q|
	Out      []float64 `json:"output"`          // Σ_q ω_q |g_t(φ_q)|
}

// Measure computes the Diagnostics of u on the evaluation grid of s (nodes
// u_q, weights ω_q, features φ(u_q)) with the problem's σ. Cost: one Kernel
// per time, O(M Q²). Errors: those of Kernel, Movement, Travel and
// Coordinates.
func Measure(s *limits.Setup, u *limits.Units) (*Diagnostics, error) {
	_, omega := s.Nodes()
	phi, _ := s.Features()
	dim := 2 * s.Dim()
	act := s.Problem().Activation
	k0, err := Kernel(act, u.Theta0, phi, dim)
	if err != nil {
		return nil, err
	}
	d := &Diagnostics{Name: u.Name, Times: append([]float64(nil), u.Times...), Eps: u.Eps}
	for _, th := range u.Theta {
		k, err := Kernel(act, th, phi, dim)
		if err != nil {
			return nil, err
		}
		mv, err := Movement(k, k0, omega)
		if err != nil {
			return nil, err
		}
		tr, err := Travel(u.Theta0, th, dim)
		if err != nil {
			return nil, err
		}
		pre, out, err := Coordinates(act, th, phi, omega, dim, u.Eps)
		if err != nil {
			return nil, err
		}
		d.Movement = append(d.Movement, mv)
		d.Travel = append(d.Travel, tr)
		d.Pre = append(d.Pre, pre)
		d.Out = append(d.Out, out)
	}
	return d, nil
}
