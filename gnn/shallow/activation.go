package shallow

import (
	"math"

	"github.com/gnnwb/gnnwb/gnn/activation"
)

// validActivation reports whether a is one of the five kinds the model runs
// (the activations of docs/mathematics.md §0; not activation.ELU).
func validActivation(a activation.Kind) bool { return a.Valid() && a != activation.ELU }

const twoOverSqrtPi = 2 / math.SqrtPi

// apply replaces every z[i] by σ(z[i]); the switch sits outside the loop.
func apply(a activation.Kind, z []float64) {
	switch a {
	case activation.Identity:
	case activation.Tanh:
		for i, v := range z {
			z[i] = math.Tanh(v)
		}
	case activation.ReLU:
		for i, v := range z {
			if !(v > 0) {
				z[i] = 0
			}
		}
	case activation.Sigmoid:
		for i, v := range z {
			z[i] = activation.Logistic(v)
		}
	case activation.Erf:
		for i, v := range z {
			z[i] = math.Erf(v)
		}
	default:
		panic("shallow: unknown activation " + a.String())
	}
}

// applyDeriv replaces z[i] by σ(z[i]) and sets ds[i] = σ'(z[i]).
func applyDeriv(a activation.Kind, z, ds []float64) {
	ds = ds[:len(z)]
	switch a {
	case activation.Identity:
		for i := range ds {
			ds[i] = 1
		}
	case activation.Tanh:
		for i, v := range z {
			t := math.Tanh(v)
			z[i] = t
			ds[i] = 1 - t*t
		}
	case activation.ReLU:
		for i, v := range z {
			if v > 0 {
				ds[i] = 1
			} else {
				z[i] = 0
				ds[i] = 0
			}
		}
	case activation.Sigmoid:
		for i, v := range z {
			s := activation.Logistic(v)
			z[i] = s
			ds[i] = s * (1 - s)
		}
	case activation.Erf:
		for i, v := range z {
			z[i] = math.Erf(v)
			ds[i] = twoOverSqrtPi * math.Exp(-v*v)
		}
	default:
		panic("shallow: unknown activation " + a.String())
	}
}

// derivFromValue sets ds[i] = σ'(z_i) from s[i] = σ(z_i); only Erf needs z
// (the pre-activations), the others ignore it. The bits equal applyDeriv's.
func derivFromValue(a activation.Kind, s, z, ds []float64) {
	ds = ds[:len(s)]
	switch a {
	case activation.Identity:
		for i := range ds {
			ds[i] = 1
		}
	case activation.Tanh:
		for i, t := range s {
			ds[i] = 1 - t*t
		}
	case activation.ReLU:
		for i, t := range s {
			if t > 0 {
				ds[i] = 1
			} else {
				ds[i] = 0
			}
		}
	case activation.Sigmoid:
		for i, t := range s {
			ds[i] = t * (1 - t)
		}
	case activation.Erf:
		for i, v := range z[:len(s)] {
			ds[i] = twoOverSqrtPi * math.Exp(-v*v)
		}
	default:
		panic("shallow: unknown activation " + a.String())
	}
}
