package activation

import (
	"fmt"
	"math"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// Kind names an activation. The zero value is Identity.
type Kind int

// The activations of docs/mathematics.md §0, and ELU.
const (
	Identity Kind = iota
	Tanh
	ReLU
	Sigmoid
	Erf
	ELU
)

var names = [...]string{"identity", "tanh", "relu", "sigmoid", "erf", "elu"}

// String returns the lower-case name ("identity", "tanh", ...), or
// "Activation(k)" for a value that is not a listed kind.
func (k Kind) String() string {
	if !k.Valid() {
		return fmt.Sprintf("Activation(%d)", int(k))
	}
	return names[k]
}

// Valid reports whether k is one of the listed kinds.
func (k Kind) Valid() bool { return k >= 0 && int(k) < len(names) }

// Names returns the names Parse accepts, in the order of the kinds (a new
// slice each call).
func Names() []string { return append([]string(nil), names[:]...) }

// Parse returns the Kind named s: a name String prints (identity, tanh,
// relu, sigmoid, erf, elu) or "linear" for Identity, in any case and with
// surrounding spaces ignored. Any other s is an error quoting s and
// wrapping graphs.ErrParameter.
func Parse(s string) (Kind, error) {
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "linear" {
		return Identity, nil
	}
	for i, n := range names {
		if n == name {
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
		return Logistic(z)
	case Erf:
		return math.Erf(z)
	case ELU:
		if z > 0 {
			return z
		}
		return math.Expm1(z)
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
		s := Logistic(z)
		return s * (1 - s)
	case Erf:
		return ErfDeriv(z)
	case ELU:
		if z > 0 {
			return 1
		}
		return math.Exp(z)
	}
	return math.NaN()
}

// EvalDeriv returns σ(z) and σ'(z) together, sharing the work; the bits
// equal Eval's and Deriv's.
func (k Kind) EvalDeriv(z float64) (s, ds float64) {
	switch k {
	case Tanh:
		th := math.Tanh(z)
		return th, 1 - th*th
	case Sigmoid:
		s := Logistic(z)
		return s, s * (1 - s)
	}
	return k.Eval(z), k.Deriv(z)
}

// Logistic returns the sigmoid 1/(1 + e^{−z}), computed as e^z/(1 + e^z) for
// z < 0 so that neither tail overflows (Logistic(−800) = 0, Logistic(800) = 1).
func Logistic(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}

// ErfDeriv returns erf'(z) = (2/√π) e^{−z²}.
func ErfDeriv(z float64) float64 { return twoOverSqrtPi * math.Exp(-z*z) }

// Apply sets out[i] = σ(h[i]) for i < len(h) with the formulas of the layer
// gnn.Activation (bit for bit what it and limits/continuous compute): ReLU
// as max(z, 0), Sigmoid as 1/(1 + e^{−z}) for every z (which can differ from
// Eval in the last bit for z < 0), ELU as e^z − 1 via math.Expm1. out must
// hold len(h) values and may be h itself; the switch sits outside the loop,
// nothing is allocated. An invalid kind leaves out unchanged.
func (k Kind) Apply(out, h []float64) {
	out = out[:len(h)]
	switch k {
	case Identity:
		copy(out, h)
	case ReLU:
		for i, z := range h {
			out[i] = max(z, 0)
		}
	case Tanh:
		for i, z := range h {
			out[i] = math.Tanh(z)
		}
	case Sigmoid:
		for i, z := range h {
			out[i] = 1 / (1 + math.Exp(-z))
		}
	case Erf:
		for i, z := range h {
			out[i] = math.Erf(z)
		}
	case ELU:
		for i, z := range h {
			if z > 0 {
				out[i] = z
			} else {
				out[i] = math.Expm1(z)
			}
		}
	}
}
