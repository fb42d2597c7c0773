package kernel

import (
	"fmt"
	"math"
	"sync"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// NTK is the neural tangent kernel of F(θ; φ) = c σ(a·φ) at initialisation
// μ_0: c ~ N(0, Sc²), a ~ N(0, (Sw²/D) I). D is the feature dimension d of
// docs/mathematics.md (φ = (x, m) has length 2d, but the variance divides
// by d).
type NTK struct {
	Act    activation.Kind
	Sc, Sw float64 // s_c, s_w ≥ 0
	D      int     // d ≥ 1
}

// Validate checks the parameters: Sc, Sw finite and ≥ 0, D ≥ 1 and a
// known activation (graphs.ErrParameter).
func (k NTK) Validate() error {
	if !(k.Sc >= 0) || math.IsInf(k.Sc, 0) {
		return fmt.Errorf("kernel: NTK: Sc=%v not a finite number ≥ 0: %w", k.Sc, graphs.ErrParameter)
	}
	if !(k.Sw >= 0) || math.IsInf(k.Sw, 0) {
		return fmt.Errorf("kernel: NTK: Sw=%v not a finite number ≥ 0: %w", k.Sw, graphs.ErrParameter)
	}
	if k.D < 1 {
		return fmt.Errorf("kernel: NTK: D=%v < 1: %w", k.D, graphs.ErrParameter)
	}
	if !k.Act.Valid() {
		return fmt.Errorf("kernel: NTK: activation=%v: %w", k.Act, graphs.ErrParameter)
	}
	return nil
}

// ClosedForm reports whether the Expectations of k.Act have a closed form
// (identity, ReLU, erf); tanh and sigmoid use nested Gaussian quadrature.
func (k NTK) ClosedForm() bool {
	switch k.Act {
	case activation.Identity, activation.ReLU, activation.Erf:
		return true
	}
	return false
}

func dot(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// Expectations returns E[σ(a·φ)σ(a·ψ)] and E[σ'(a·φ)σ'(a·ψ)] under a ~ N(0,
// (Sw²/D) I). φ and ψ must have equal length (the caller's shape; a mismatch
// panics). Cost O(len φ) for the closed forms; for tanh and sigmoid a
// nested graded Gauss–Legendre rule of a few 10⁴ points (see gaussMoments).
// Call Validate first: an invalid activation returns NaN, NaN.
func (k NTK) Expectations(phi, psi []float64) (ss, dd float64) {
	if len(phi) != len(psi) {
		panic(fmt.Sprintf("kernel: Expectations: len(phi)=%d != len(psi)=%d", len(phi), len(psi)))
	}
	v := k.Sw * k.Sw / float64(k.D)
	s11, s22, s12 := v*dot(phi, phi), v*dot(psi, psi), v*dot(phi, psi)
	switch k.Act {
	case activation.Identity:
		return s12, 1
	case activation.ReLU:
		n := math.Sqrt(s11 * s22)
		if n == 0 {
			// a·φ ≡ 0 or a·ψ ≡ 0: σ = 0 and σ'(0) = 0 almost surely.
			return 0, 0
		}
		cos := math.Max(-1, math.Min(1, s12/n))
		th := math.Acos(cos)
		return n * (math.Sin(th) + (math.Pi-th)*cos) / (2 * math.Pi), (math.Pi - th) / (2 * math.Pi)
	case activation.Erf:
		p := (1 + 2*s11) * (1 + 2*s22)
		arg := math.Max(-1, math.Min(1, 2*s12/math.Sqrt(p)))
		return 2 / math.Pi * math.Asin(arg), 4 / math.Pi / math.Sqrt(p-4*s12*s12)
	case activation.Tanh, activation.Sigmoid:
		return gaussMoments(k.Act, s11, s22, s12)
	}
	return math.NaN(), math.NaN()
}

// Kernel returns K(φ, ψ) = E[σσ'] + Sc² E[σ'σ'] φ·ψ. Preconditions and cost
// as Expectations.
func (k NTK) Kernel(phi, psi []float64) float64 {
	ss, dd := k.Expectations(phi, psi)
	return ss + k.Sc*k.Sc*dd*dot(phi, psi)
}

// GP returns the covariance E[c²] E[σ(a·φ)σ(a·ψ)] = Sc² E[σσ'] of the
// Gaussian process g_0 of the kernel scaling. Preconditions as Expectations.
func (k NTK) GP(phi, psi []float64) float64 {
	ss, _ := k.Expectations(phi, psi)
	return k.Sc * k.Sc * ss
}

// PanelNodes is the number of Gauss–Legendre nodes per panel of the
// Gaussian expectations used for the activations without closed form.
const PanelNodes = 12

var panelRule struct {
	once sync.Once
	x, w []float64 // on [0,1]
}

func refRule() ([]float64, []float64) {
	panelRule.once.Do(func() {
		x, w := make([]float64, PanelNodes), make([]float64, PanelNodes)
		quad.Legendre{}.FixedLocations(x, w, 0, 1)
		panelRule.x, panelRule.w = x, w
	})
	return panelRule.x, panelRule.w
}

// zMax truncates the standard normal: P(|Z| > 8.5) ≈ 2e-17.
const zMax = 8.5

// maxWidth is the widest panel: 12 Gauss–Legendre nodes integrate the
// Gaussian density times a smooth σ over width 2 to rounding (on erf, whose
// moments have a closed form, widths 1 and 2 agree to 1e-15).
const maxWidth = 2

// gaussExpect2 returns E[F(Z)] = ∫ F(z) φ(z) dz, Z ~ N(0,1), for F = (F1, F2)
// smooth except for variation on the scale eps around z0. The panels are
// graded: width eps/4 next to z0, doubling away from it up to maxWidth, then
// maxWidth, out to |z| = zMax; each panel carries PanelNodes Gauss–Legendre nodes. Cost
// O(PanelNodes·(zMax + 2 log2(4/eps))) evaluations of F.
func gaussExpect2(f func(z float64) (float64, float64), z0, eps float64) (s1, s2 float64) {
	x, w := refRule()
	panel := func(lo, hi float64) {
		h := hi - lo
		for i, xi := range x {
			z := lo + h*xi
			a, b := f(z)
			wz := h * w[i] * math.Exp(-z*z/2) / math.Sqrt(2*math.Pi)
			s1 += wz * a
			s2 += wz * b
		}
	}
	if !(eps > 0) || eps > 4 {
		eps = 4
	}
	z0 = math.Max(-zMax, math.Min(zMax, z0))
	for _, dir := range []float64{1, -1} {
		z, width := z0, eps/4
		for dir*z < zMax {
			next := z + dir*width
			if dir*next > zMax {
				next = dir * zMax
			}
			if dir > 0 {
				panel(z, next)
			} else {
				panel(next, z)
			}
			z = next
			width = math.Min(2*width, maxWidth)
		}
	}
	return s1, s2
}

// gaussMoments computes E[σ(X)σ(Y)] and E[σ'(X)σ'(Y)] for (X, Y) centred
// Gaussian with variances s11, s22 and covariance s12, writing
// X = a Z1, Y = b Z1 + c Z2 (a = √s11, b = s12/a, c = √(s22 − b²)) and
// integrating over Z2 (inner) then Z1 (outer) with gaussExpect2, graded where
// σ and σ' vary: σ varies on the scale 1 in its argument, so the inner rule is
// graded around z2 = −b z1/c on the scale 1/c, the outer around 0 on the scale
// min(1/a, max(1, c)/|b|). Accurate to about 1e-14 (the tests compare erf with
// its closed form at variances up to 25).
func gaussMoments(act activation.Kind, s11, s22, s12 float64) (ss, dd float64) {
	a := math.Sqrt(s11)
	var b, c float64
	if s11 > 0 {
		b = s12 / a
		c = math.Sqrt(math.Max(s22-b*b, 0))
	} else {
		c = math.Sqrt(s22)
	}
	inner := func(y0 float64) (float64, float64) {
		if c == 0 {
			return act.EvalDeriv(y0)
		}
		return gaussExpect2(func(z float64) (float64, float64) { return act.EvalDeriv(y0 + c*z) }, -y0/c, 1/c)
	}
	eps := 1.0
	if a > 0 {
		eps = math.Min(eps, 1/a)
	}
	if b != 0 {
		eps = math.Min(eps, math.Max(1, c)/math.Abs(b))
	}
	return gaussExpect2(func(z float64) (float64, float64) {
		sx, dx := act.EvalDeriv(a * z)
		is, id := inner(b * z)
		return sx * is, dx * id
	}, 0, eps)
}

// Gram returns the Q×Q row-major matrix K(φ_q, φ_r) for the Q = len(phis)/dim
// points stored row-major in phis (phis[q*dim+i] = φ_{q,i}); phis is not kept.
// Errors: Validate's, dim < 1 or len(phis) not a multiple of dim
// (graphs.ErrShape). Cost O(Q² dim) for the closed forms, about 2·10⁴
// activation evaluations per entry for tanh and sigmoid; rows run in parallel.
// Memory Q² floats.
func (k NTK) Gram(phis []float64, dim int) ([]float64, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if dim < 1 || len(phis)%dim != 0 {
		return nil, fmt.Errorf("kernel: Gram: len(phis)=%d, dim=%d: %w", len(phis), dim, graphs.ErrShape)
	}
	q := len(phis) / dim
	out := make([]float64, q*q)
	// Row i computes the entries (i, j ≤ i) and their mirrors; each entry is
	// written by exactly one row, so fixed one-row chunks are race-free and
	// the result does not depend on GOMAXPROCS.
	parallel.For(q, func(i int) {
		for j := 0; j <= i; j++ {
			v := k.Kernel(phis[i*dim:(i+1)*dim], phis[j*dim:(j+1)*dim])
			out[i*q+j], out[j*q+i] = v, v
		}
	})
	return out, nil
}
