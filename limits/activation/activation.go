// Package activation lists the activations σ of the asymptotic model of
// shared/MATH.md section 3, F(θ; φ) = c σ(a·φ), with their derivatives σ',
// as plain functions of a float64 (no interface per call).
//
//	identity  σ(z) = z                 σ'(z) = 1
//	tanh      σ(z) = tanh z            σ'(z) = 1 − tanh² z
//	relu      σ(z) = max(z, 0)         σ'(z) = 1 if z > 0, else 0
//	sigmoid   σ(z) = 1/(1 + e^{−z})    σ'(z) = σ(z)(1 − σ(z))
//	erf       σ(z) = erf z             σ'(z) = (2/√π) e^{−z²}
package activation

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// Kind names an activation. The zero value is Identity.
type Kind int

// The activations of shared/MATH.md section 0.
const (
	Identity Kind = iota
	Tanh
	ReLU
	Sigmoid
	Erf
)

var names = [...]string{"identity", "tanh", "relu", "sigmoid", "erf"}

// String returns the lower-case name ("identity", "tanh", ...).
func (k Kind) String() string {
	if k < 0 || int(k) >= len(names) {
		return fmt.Sprintf("activation(%d)", int(k))
	}
	return names[k]
}

// Valid reports whether k is one of the listed kinds.
func (k Kind) Valid() bool { return k >= 0 && int(k) < len(names) }

// Parse returns the Kind named s (as printed by String); an unknown name is
// graphs.ErrParameter.
func Parse(s string) (Kind, error) {
	for i, n := range names {
		if n == s {
			return Kind(i), nil
		}
	}
	return 0, fmt.Errorf("activation: Parse: name=%q not one of %v: %w", s, names, graphs.ErrParameter)
}

const twoOverSqrtPi = 2 / math.SqrtPi

// Eval returns σ(z). An invalid kind returns NaN.
func (k Kind) Eval(z float64) float64 {
	switch k {
	case Identity:
		return z
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		return math.Max(z, 0)
	case Sigmoid:
		return sigmoid(z)
	case Erf:
		return math.Erf(z)
	}
	return math.NaN()
}

// Deriv returns σ'(z) (for ReLU, 0 at z = 0). An invalid kind returns NaN.
func (k Kind) Deriv(z float64) float64 {
	switch k {
	case Identity:
		return 1
	case Tanh:
		th := math.Tanh(z)
		return 1 - th*th
	case ReLU:
		if z > 0 {
			return 1
		}
		return 0
	case Sigmoid:
		s := sigmoid(z)
		return s * (1 - s)
	case Erf:
		return twoOverSqrtPi * math.Exp(-z*z)
	}
	return math.NaN()
}

// EvalDeriv returns σ(z) and σ'(z) together, sharing the work.
func (k Kind) EvalDeriv(z float64) (s, ds float64) {
	switch k {
	case Tanh:
		th := math.Tanh(z)
		return th, 1 - th*th
	case Sigmoid:
		s := sigmoid(z)
		return s, s * (1 - s)
	}
	return k.Eval(z), k.Deriv(z)
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
