package quadrature

import (
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/integrate/quad"

	"github.com/gnnwb/gnnwb/graphs"
)

// MaxNodes bounds the number of nodes of a rule (the graphon matrix has
// Q² entries).
const MaxNodes = 1 << 14

// Rule is a quadrature rule on [0,1]: nodes U ascending, weights Omega > 0
// summing to 1.
type Rule struct {
	U     []float64
	Omega []float64
}

// Len returns the number of nodes Q.
func (r Rule) Len() int { return len(r.U) }

// Integrate returns Σ_q ω_q f(u_q). Cost Q evaluations of f.
func (r Rule) Integrate(f func(u float64) float64) float64 {
	var s float64
	for q, u := range r.U {
		s += r.Omega[q] * f(u)
	}
	return s
}

// Distance returns the L²(du) distance of two fields sampled on the nodes,
// (Σ_q ω_q (a_q − b_q)²)^{1/2} with ω = omega (the rule's weights). a and b
// must have the length of omega (it panics otherwise, as a slice index).
// Cost O(Q).
func Distance(omega, a, b []float64) float64 {
	s := 0.0
	for q, w := range omega {
		e := a[q] - b[q]
		s += w * e * e
	}
	return math.Sqrt(s)
}

// Legendre returns the Q-point Gauss–Legendre rule on [0,1] (gonum
// integrate/quad.Legendre), exact for polynomials of degree ≤ 2Q − 1.
// Errors: Q < 1 or Q > MaxNodes (graphs.ErrParameter).
func Legendre(q int) (Rule, error) {
	return Piecewise(nil, q)
}

// Piecewise returns the rule with q Gauss–Legendre nodes in each interval
// between consecutive points of 0, breaks..., 1: exact for functions that are
// polynomials of degree ≤ 2q − 1 on each interval. breaks must be strictly
// increasing inside (0,1); it is not kept. Errors: q < 1, too many nodes,
// breaks outside (0,1), NaN or not increasing (graphs.ErrParameter).
func Piecewise(breaks []float64, q int) (Rule, error) {
	if q < 1 {
		return Rule{}, fmt.Errorf("quadrature: Piecewise: q=%d < 1: %w", q, graphs.ErrParameter)
	}
	if (len(breaks) + 1) > MaxNodes/q {
		return Rule{}, fmt.Errorf("quadrature: Piecewise: %d intervals × q=%d nodes > %d: %w", len(breaks)+1, q, MaxNodes, graphs.ErrParameter)
	}
	prev := 0.0
	for i, b := range breaks {
		if !(b > prev && b < 1) {
			return Rule{}, fmt.Errorf("quadrature: Piecewise: breaks[%d]=%v not in (%v, 1): %w", i, b, prev, graphs.ErrParameter)
		}
		prev = b
	}
	pts := append(append([]float64{0}, breaks...), 1)
	n := (len(pts) - 1) * q
	r := Rule{U: make([]float64, n), Omega: make([]float64, n)}
	for i := 0; i+1 < len(pts); i++ {
		u, w := r.U[i*q:(i+1)*q], r.Omega[i*q:(i+1)*q]
		quad.Legendre{}.FixedLocations(u, w, pts[i], pts[i+1])
		if q > 1 && u[0] > u[q-1] { // gonum returns descending nodes
			slices.Reverse(u)
			slices.Reverse(w)
		}
	}
	return r, nil
}

// SBM returns the piecewise rule with q nodes per block for block
// proportions pi (π_a > 0, Σ π_a = 1 within 1e-12): breakpoints at the
// cumulative sums. An SBM graphon is then integrated exactly. Errors as
// Piecewise, and π not positive or not summing to 1 (graphs.ErrParameter).
func SBM(pi []float64, q int) (Rule, error) {
	if len(pi) == 0 {
		return Rule{}, fmt.Errorf("quadrature: SBM: no blocks: %w", graphs.ErrParameter)
	}
	var s float64
	breaks := make([]float64, 0, len(pi)-1)
	for i, p := range pi {
		if !(p > 0) || math.IsInf(p, 0) {
			return Rule{}, fmt.Errorf("quadrature: SBM: pi[%d]=%v not a finite number > 0: %w", i, p, graphs.ErrParameter)
		}
		s += p
		if i < len(pi)-1 {
			breaks = append(breaks, s)
		}
	}
	if math.Abs(s-1) > 1e-12 {
		return Rule{}, fmt.Errorf("quadrature: SBM: Σπ=%v != 1: %w", s, graphs.ErrParameter)
	}
	return Piecewise(breaks, q)
}
