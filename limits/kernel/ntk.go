package kernel

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/activation"
)

// NTK is the neural tangent kernel of F(θ; φ) = c σ(a·φ) at initialisation
// μ_0: c ~ N(0, Sc²), a ~ N(0, (Sw²/D) I). D is the feature dimension d of
// shared/MATH.md (φ = (x, m) has length 2d, but the variance divides by d).
type NTK struct {
	Act    activation.Kind
	Sc, Sw float64 // s_c, s_w ≥ 0
	D      int     // d ≥ 1
}

// Validate checks the parameters: Sc, Sw finite and ≥ 0, D ≥ 1
// (graphs.ErrParameter), and an activation with a closed form (identity,
// ReLU, erf; otherwise graphs.ErrUnsupported).
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
	switch k.Act {
	case activation.Identity, activation.ReLU, activation.Erf:
		return nil
	}
	return fmt.Errorf("kernel: NTK: activation=%v has no closed form: %w", k.Act, graphs.ErrUnsupported)
}

func dot(a, b []float64) float64 {
	var s float64
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// Moments returns E[σ(a·φ)σ(a·ψ)] and E[σ'(a·φ)σ'(a·ψ)] under a ~ N(0,
// (Sw²/D) I). φ and ψ must have equal length (the caller's shape; a mismatch
// panics). Cost O(len φ). Call Validate first: an activation without a closed
// form returns NaN, NaN.
func (k NTK) Moments(phi, psi []float64) (ss, dd float64) {
	if len(phi) != len(psi) {
		panic(fmt.Sprintf("kernel: Moments: len(phi)=%d != len(psi)=%d", len(phi), len(psi)))
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
	}
	return math.NaN(), math.NaN()
}

// Kernel returns K(φ, ψ) = E[σσ'] + Sc² E[σ'σ'] φ·ψ. Preconditions and cost
// as Moments.
func (k NTK) Kernel(phi, psi []float64) float64 {
	ss, dd := k.Moments(phi, psi)
	return ss + k.Sc*k.Sc*dd*dot(phi, psi)
}

// GP returns the covariance E[c²] E[σ(a·φ)σ(a·ψ)] = Sc² E[σσ'] of the
// Gaussian process g_0 of the kernel scaling. Preconditions as Moments.
func (k NTK) GP(phi, psi []float64) float64 {
	ss, _ := k.Moments(phi, psi)
	return k.Sc * k.Sc * ss
}

// Gram returns the Q×Q row-major matrix K(φ_q, φ_r) for the Q = len(phis)/dim
// points stored row-major in phis (phis[q*dim+i] = φ_{q,i}); phis is not kept.
// Errors: Validate's, dim < 1 or len(phis) not a multiple of dim
// (graphs.ErrShape). Cost O(Q² dim), memory Q² floats.
func (k NTK) Gram(phis []float64, dim int) ([]float64, error) {
	if err := k.Validate(); err != nil {
		return nil, err
	}
	if dim < 1 || len(phis)%dim != 0 {
		return nil, fmt.Errorf("kernel: Gram: len(phis)=%d, dim=%d: %w", len(phis), dim, graphs.ErrShape)
	}
	q := len(phis) / dim
	out := make([]float64, q*q)
	for i := 0; i < q; i++ {
		for j := 0; j <= i; j++ {
			v := k.Kernel(phis[i*dim:(i+1)*dim], phis[j*dim:(j+1)*dim])
			out[i*q+j], out[j*q+i] = v, v
		}
	}
	return out, nil
}
