package generators

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// maxSignalTerms bounds K in fourier:K and poly:K and the number of
// coefficients of a poly target: large enough for any experiment, small
// enough that a typo cannot allocate a huge feature vector.
const maxSignalTerms = 4096

// Signal is a node-feature signal X: [0,1] → ℝ^d on the latent space
// (docs/mathematics.md §0: x_i = X(u_i), plus optional noise). Build one with
// ParseSignal or SignalFunc. The zero Signal has Dim 0 and is refused by
// Process.Validate. A Signal is immutable and safe for concurrent use when
// its function is; copying it is cheap.
type Signal struct {
	name string
	d    int
	f    func(u float64, dst []float64)
}

// ParseSignal parses the command-line name of a signal:
//
//	fourier:K   X(u) = (cos 2πu, sin 2πu, cos 4πu, sin 4πu, …, cos 2πKu, sin 2πKu), d = 2K
//	poly:K      X(u) = (u, u², …, u^K), d = K
//
// with K an integer in [1, 4096]. Spaces around tokens are ignored. Errors:
// bad syntax or an unknown name (graphs.ErrFormat), K out of range
// (graphs.ErrParameter); both quote the spec. String gives back a spec that
// parses to the same signal.
func ParseSignal(spec string) (Signal, error) {
	name, arg, ok := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.TrimSpace(name)
	if name != "fourier" && name != "poly" {
		return Signal{}, fmt.Errorf("generators: ParseSignal: %q: unknown signal %q (want fourier:K or poly:K): %w", spec, name, graphs.ErrFormat)
	}
	if !ok {
		return Signal{}, fmt.Errorf("generators: ParseSignal: %q: %s needs K, as in %s:2: %w", spec, name, name, graphs.ErrFormat)
	}
	k, err := strconv.Atoi(strings.TrimSpace(arg))
	if err != nil {
		return Signal{}, fmt.Errorf("generators: ParseSignal: %q: K=%q is not an integer: %w", spec, strings.TrimSpace(arg), graphs.ErrFormat)
	}
	if k < 1 || k > maxSignalTerms {
		return Signal{}, fmt.Errorf("generators: ParseSignal: %q: K=%d not in [1, %d]: %w", spec, k, maxSignalTerms, graphs.ErrParameter)
	}
	if name == "fourier" {
		return Signal{name: "fourier:" + strconv.Itoa(k), d: 2 * k, f: func(u float64, dst []float64) {
			for j := range k {
				s, c := math.Sincos(2 * math.Pi * float64(j+1) * u)
				dst[2*j], dst[2*j+1] = c, s
			}
		}}, nil
	}
	return Signal{name: "poly:" + strconv.Itoa(k), d: k, f: func(u float64, dst []float64) {
		p := u
		for j := range k {
			dst[j] = p
			p *= u
		}
	}}, nil
}

// SignalFunc wraps a user function as a d-dimensional signal: f(u, dst)
// must write X(u) into dst[:d] (and nothing else) and be safe for
// concurrent use. f is kept. String returns name, which ParseSignal need
// not accept. A nil f or d < 1 gives a Signal that Process.Validate
// refuses.
func SignalFunc(name string, d int, f func(u float64, dst []float64)) Signal {
	return Signal{name: name, d: d, f: f}
}

// Dim returns d, the number of features (0 for the zero Signal).
func (s Signal) Dim() int { return s.d }

// Eval writes X(u) into dst[:d]. Like a slice index it panics if
// len(dst) < d or the Signal is the zero one; u is not checked. Cost O(d).
func (s Signal) Eval(u float64, dst []float64) { s.f(u, dst[:s.d]) }

// String returns the signal's spec (fourier:K, poly:K) or, for a
// SignalFunc, its name.
func (s Signal) String() string { return s.name }

func (s Signal) valid(fn string) error {
	if s.f == nil || s.d < 1 {
		return fmt.Errorf("generators: %s: signal %q has d=%d and nil function=%v (build one with ParseSignal or SignalFunc): %w", fn, s.name, s.d, s.f == nil, graphs.ErrParameter)
	}
	return nil
}

// Target is a regression target Y: [0,1] → ℝ on the latent space
// (docs/mathematics.md §0: y_i = Y(u_i), plus optional noise). Build one with
// ParseTarget or TargetFunc. Immutable; safe for concurrent use when its
// function is.
type Target struct {
	name string
	f    func(u float64) float64
}

// ParseTarget parses the command-line name of a target:
//
//	poly:c0,c1,…,cK   Y(u) = Σ_k c_k u^k (1 to 4096 finite coefficients)
//	sin:k             Y(u) = sin 2πku, k an integer in [1, 10⁶]
//	step:a            Y(u) = 1 if u ≥ a, else 0; a in [0,1]
//
// Spaces around tokens are ignored. Errors: bad syntax, an unknown name or
// a token that is not a number (graphs.ErrFormat); a coefficient that is
// not finite, k or a out of range (graphs.ErrParameter); both quote the
// spec. String gives back a spec that parses to the same target (numbers
// in their shortest exact form).
func ParseTarget(spec string) (Target, error) {
	name, arg, ok := strings.Cut(strings.TrimSpace(spec), ":")
	name = strings.TrimSpace(name)
	arg = strings.TrimSpace(arg)
	bad := func(kind error, format string, a ...any) error {
		return fmt.Errorf("generators: ParseTarget: %q: %s: %w", spec, fmt.Sprintf(format, a...), kind)
	}
	switch name {
	case "poly", "sin", "step":
	default:
		return Target{}, bad(graphs.ErrFormat, "unknown target %q (want poly:c0,c1,…, sin:k or step:a)", name)
	}
	if !ok {
		return Target{}, bad(graphs.ErrFormat, "%s needs a parameter, as in poly:0,0,1, sin:1 or step:0.5", name)
	}
	number := func(t string) (float64, error) {
		t = strings.TrimSpace(t)
		x, err := strconv.ParseFloat(t, 64)
		if err != nil {
			return 0, bad(graphs.ErrFormat, "%q is not a number", t)
		}
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, bad(graphs.ErrParameter, "%v is not finite", x)
		}
		return x, nil
	}
	format := func(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }
	switch name {
	case "poly":
		parts := strings.Split(arg, ",")
		if len(parts) > maxSignalTerms {
			return Target{}, bad(graphs.ErrParameter, "%d coefficients, more than %d", len(parts), maxSignalTerms)
		}
		c := make([]float64, len(parts))
		texts := make([]string, len(parts))
		for k, t := range parts {
			x, err := number(t)
			if err != nil {
				return Target{}, err
			}
			c[k], texts[k] = x, format(x)
		}
		return Target{name: "poly:" + strings.Join(texts, ","), f: func(u float64) float64 {
			y := 0.0
			for k := len(c) - 1; k >= 0; k-- { // Horner
				y = y*u + c[k]
			}
			return y
		}}, nil
	case "sin":
		k, err := strconv.Atoi(arg)
		if err != nil {
			return Target{}, bad(graphs.ErrFormat, "k=%q is not an integer", arg)
		}
		if k < 1 || k > 1e6 {
			return Target{}, bad(graphs.ErrParameter, "k=%d not in [1, 10⁶]", k)
		}
		return Target{name: "sin:" + strconv.Itoa(k), f: func(u float64) float64 {
			return math.Sin(2 * math.Pi * float64(k) * u)
		}}, nil
	}
	a, err := number(arg)
	if err != nil {
		return Target{}, err
	}
	if !(a >= 0 && a <= 1) {
		return Target{}, bad(graphs.ErrParameter, "a=%v not in [0,1]", a)
	}
	return Target{name: "step:" + format(a), f: func(u float64) float64 {
		if u >= a {
			return 1
		}
		return 0
	}}, nil
}

// TargetFunc wraps a user function as a target; f is kept and must be safe
// for concurrent use. String returns name, which ParseTarget need not
// accept. A nil f gives a Target that Process.Validate refuses.
func TargetFunc(name string, f func(u float64) float64) Target {
	return Target{name: name, f: f}
}

// Eval returns Y(u). It panics for the zero Target; u is not checked.
func (t Target) Eval(u float64) float64 { return t.f(u) }

// String returns the target's spec or, for a TargetFunc, its name.
func (t Target) String() string { return t.name }

func (t Target) valid(fn string) error {
	if t.f == nil {
		return fmt.Errorf("generators: %s: target %q has a nil function (build one with ParseTarget or TargetFunc): %w", fn, t.name, graphs.ErrParameter)
	}
	return nil
}
