package asymptotic

import (
	"fmt"
	"math"
	"strings"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

// Activation is the unit nonlinearity σ of F(θ; φ) = c σ(a·φ): the Kind of
// package gnn/activation, which holds Eval, Deriv and String. The model
// takes the five kinds below (not activation.ELU).
type Activation = activation.Kind

// The activations of MATH.md section 0, with their derivatives σ':
const (
	Identity = activation.Identity // σ(z) = z, σ' = 1
	Tanh     = activation.Tanh     // σ(z) = tanh z, σ' = 1 − tanh² z
	ReLU     = activation.ReLU     // σ(z) = max(z, 0), σ'(z) = 1 for z > 0 and 0 otherwise (σ'(0) = 0)
	Sigmoid  = activation.Sigmoid  // σ(z) = 1/(1 + e^{−z}), σ' = σ(1 − σ)
	Erf      = activation.Erf      // σ(z) = erf z, σ'(z) = (2/√π) e^{−z²}
)

// validActivation reports whether a is one of the five kinds the model runs.
func validActivation(a Activation) bool { return a.Valid() && a != activation.ELU }

// ParseActivation returns the activation named name: identity (or linear),
// tanh, relu, sigmoid, erf; case and surrounding spaces are ignored. Any other
// name gives an error wrapping graphs.ErrParameter that quotes it.
func ParseActivation(name string) (Activation, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "linear" {
		return Identity, nil
	}
	if a, err := activation.Parse(s); err == nil && validActivation(a) {
		return a, nil
	}
	return 0, fmt.Errorf("asymptotic: ParseActivation: name=%q not one of identity, tanh, relu, sigmoid, erf: %w", name, graphs.ErrParameter)
}

const twoOverSqrtPi = 2 / math.SqrtPi

// apply replaces every z[i] by σ(z[i]); the switch sits outside the loop.
func apply(a Activation, z []float64) {
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
			z[i] = activation.Logistic(v)
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
func applyDeriv(a Activation, z, ds []float64) {
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
			s := activation.Logistic(v)
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
func derivFromValue(a Activation, s, z, ds []float64) {
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
