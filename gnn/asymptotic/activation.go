package asymptotic

import (
	"fmt"
	"math"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// Activation is the unit nonlinearity σ of F(θ; φ) = c σ(a·φ).
type Activation int

// The activations of MATH.md section 0, with their derivatives σ':
const (
	Identity Activation = iota // σ(z) = z, σ' = 1
	Tanh                       // σ(z) = tanh z, σ' = 1 − tanh² z
	ReLU                       // σ(z) = max(z, 0), σ'(z) = 1 for z > 0 and 0 otherwise (σ'(0) = 0)
	Sigmoid                    // σ(z) = 1/(1 + e^{−z}), σ' = σ(1 − σ)
	Erf                        // σ(z) = erf z, σ'(z) = (2/√π) e^{−z²}
)

var activationNames = [...]string{"identity", "tanh", "relu", "sigmoid", "erf"}

// String returns the name ParseActivation accepts, or "Activation(k)" for an
// unknown value.
func (a Activation) String() string {
	if a >= 0 && int(a) < len(activationNames) {
		return activationNames[a]
	}
	return fmt.Sprintf("Activation(%d)", int(a))
}

func (a Activation) valid() bool { return a >= 0 && int(a) < len(activationNames) }

// ParseActivation returns the activation named name: identity (or linear),
// tanh, relu, sigmoid, erf; case and surrounding spaces are ignored. Any other
// name gives an error wrapping graphs.ErrParameter that quotes it.
func ParseActivation(name string) (Activation, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "linear" {
		return Identity, nil
	}
	for i, n := range activationNames {
		if s == n {
			return Activation(i), nil
		}
	}
	return 0, fmt.Errorf("asymptotic: ParseActivation: name=%q not one of identity, tanh, relu, sigmoid, erf: %w", name, graphs.ErrParameter)
}

// Eval returns σ(z).
func (a Activation) Eval(z float64) float64 {
	switch a {
	case Identity:
		return z
	case Tanh:
		return math.Tanh(z)
	case ReLU:
		if z > 0 {
			return z
		}
		return 0
	case Sigmoid:
		return sigmoid(z)
	case Erf:
		return math.Erf(z)
	}
	panic("asymptotic: unknown activation " + a.String())
}

// Deriv returns σ'(z) (for ReLU, 1 for z > 0 and 0 otherwise).
func (a Activation) Deriv(z float64) float64 {
	switch a {
	case Identity:
		return 1
	case Tanh:
		t := math.Tanh(z)
		return 1 - t*t
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
	panic("asymptotic: unknown activation " + a.String())
}

const twoOverSqrtPi = 2 / math.SqrtPi

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// apply replaces every z[i] by σ(z[i]); the switch sits outside the loop.
func (a Activation) apply(z []float64) {
	switch a {
	case Identity:
	case Tanh:
		for i, v := range z {
			z[i] = math.Tanh(v)
		}
	case ReLU:
		for i, v := range z {
			if !(v > 0) {
				z[i] = 0
			}
		}
	case Sigmoid:
		for i, v := range z {
			z[i] = sigmoid(v)
		}
	case Erf:
		for i, v := range z {
			z[i] = math.Erf(v)
		}
	default:
		panic("asymptotic: unknown activation " + a.String())
	}
}

// applyDeriv replaces z[i] by σ(z[i]) and sets ds[i] = σ'(z[i]).
func (a Activation) applyDeriv(z, ds []float64) {
	ds = ds[:len(z)]
	switch a {
	case Identity:
		for i := range ds {
			ds[i] = 1
		}
	case Tanh:
		for i, v := range z {
			t := math.Tanh(v)
			z[i] = t
			ds[i] = 1 - t*t
		}
	case ReLU:
		for i, v := range z {
			if v > 0 {
				ds[i] = 1
			} else {
				z[i] = 0
				ds[i] = 0
			}
		}
	case Sigmoid:
		for i, v := range z {
			s := sigmoid(v)
			z[i] = s
			ds[i] = s * (1 - s)
		}
	case Erf:
		for i, v := range z {
			z[i] = math.Erf(v)
			ds[i] = twoOverSqrtPi * math.Exp(-v*v)
		}
	default:
		panic("asymptotic: unknown activation " + a.String())
	}
}

// derivFromValue sets ds[i] = σ'(z_i) from s[i] = σ(z_i); only Erf needs z
// (the pre-activations), the others ignore it. The bits equal applyDeriv's.
func (a Activation) derivFromValue(s, z, ds []float64) {
	ds = ds[:len(s)]
	switch a {
	case Identity:
		for i := range ds {
			ds[i] = 1
		}
	case Tanh:
		for i, t := range s {
			ds[i] = 1 - t*t
		}
	case ReLU:
		for i, t := range s {
			if t > 0 {
				ds[i] = 1
			} else {
				ds[i] = 0
			}
		}
	case Sigmoid:
		for i, t := range s {
			ds[i] = t * (1 - t)
		}
	case Erf:
		for i, v := range z[:len(s)] {
			ds[i] = twoOverSqrtPi * math.Exp(-v*v)
		}
	default:
		panic("asymptotic: unknown activation " + a.String())
	}
}
