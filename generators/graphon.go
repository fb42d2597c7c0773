package generators

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/gnnwb/gnnwb/graphs"
)

// Graphon is a symmetric measurable W: [0,1]² → [0,1] together with what is
// known about it in closed form: the degree function d_W(u) = ∫ W(u,v) dv,
// the homomorphism densities t(K2,W) = ∫∫ W and t(K3,W) =
// ∫∫∫ W(x,y)W(y,z)W(z,x), and an upper envelope W̄ ≥ W that is constant on
// the cells of a partition of [0,1]² into rectangles (used for thinning; see
// doc.go). What is not known in closed form is computed by quadrature.
//
// Build one with Constant, Product, UniformAttachment, Exponential,
// Gaussian, SBMGraphon, GraphonFunc or ParseGraphon. The zero Graphon is
// invalid: every function taking one refuses it with ErrParameter. A
// Graphon is immutable and safe for concurrent use; copying it is cheap.
type Graphon struct{ d *graphonDef }

type graphonKind int

const (
	kindConstant graphonKind = iota + 1
	kindProduct
	kindUniformAttachment
	kindExponential
	kindGaussian
	kindSBM
	kindFunc
)

type graphonDef struct {
	kind graphonKind
	name string
	f    func(u, v float64) float64
	deg  func(u float64) float64 // closed-form d_W, or nil
	// t2, t3 are the closed-form densities when closed2, closed3.
	t2, t3           float64
	closed2, closed3 bool
	p                float64     // constant
	h                float64     // gaussian bandwidth
	pi               []float64   // SBM block proportions
	P                [][]float64 // SBM block probabilities
	breaks           []float64   // SBM cumulative proportions, len K+1
	// sup returns sup W over [u0,u1]×[v0,v1]; nil when unknown (user
	// functions: the envelope is then 1).
	sup func(u0, u1, v0, v1 float64) float64

	once   sync.Once // quadrature densities of user functions
	qt2    float64
	qt3    float64
	qerr   error
	checkW bool // values come from a user and must be checked
}

// String returns the graphon's name in ParseGraphon's syntax (for a
// GraphonFunc, the name it was given).
func (w Graphon) String() string {
	if w.d == nil {
		return "<zero Graphon>"
	}
	return w.d.name
}

func (w Graphon) valid(fn string) error {
	if w.d == nil {
		return fmt.Errorf("generators: %s: zero Graphon (build one with Constant, Product, ... or ParseGraphon): %w", fn, graphs.ErrParameter)
	}
	if w.d.f == nil {
		return fmt.Errorf("generators: %s: graphon %q has a nil function: %w", fn, w.d.name, graphs.ErrParameter)
	}
	return nil
}

// Constant returns W ≡ p: G(n, W, ρ) is G(n, ρp). d_W = p, t(K2) = p,
// t(K3) = p³. Errors: p outside [0,1] or NaN (ErrParameter).
func Constant(p float64) (Graphon, error) {
	if err := checkProb("Constant", "p", p); err != nil {
		return Graphon{}, err
	}
	return Graphon{&graphonDef{
		kind: kindConstant, name: "constant:" + strconv.FormatFloat(p, 'g', -1, 64),
		f:   func(u, v float64) float64 { return p },
		deg: func(u float64) float64 { return p },
		t2:  p, t3: p * p * p, closed2: true, closed3: true, p: p,
		sup: func(u0, u1, v0, v1 float64) float64 { return p },
	}}, nil
}

// Product returns the rank-one graphon W(u,v) = u·v: d_W(u) = u/2,
// t(K2) = 1/4, t(K3) = 1/27.
func Product() Graphon {
	return Graphon{&graphonDef{
		kind: kindProduct, name: "product",
		f:   func(u, v float64) float64 { return u * v },
		deg: func(u float64) float64 { return u / 2 },
		t2:  1.0 / 4, t3: 1.0 / 27, closed2: true, closed3: true,
		sup: func(u0, u1, v0, v1 float64) float64 { return u1 * v1 },
	}}
}

// UniformAttachment returns W(u,v) = 1 − max(u,v): d_W(u) = (1−u²)/2,
// t(K2) = 1/3, t(K3) = 1/15 (= 6∫₀¹(1−z)²(z²/2 − z³/3) dz, integrating
// over x < y < z).
func UniformAttachment() Graphon {
	return Graphon{&graphonDef{
		kind: kindUniformAttachment, name: "uniform-attachment",
		f:   func(u, v float64) float64 { return 1 - math.Max(u, v) },
		deg: func(u float64) float64 { return (1 - u*u) / 2 },
		t2:  1.0 / 3, t3: 1.0 / 15, closed2: true, closed3: true,
		sup: func(u0, u1, v0, v1 float64) float64 { return 1 - math.Max(u0, v0) },
	}}
}

// Exponential returns W(u,v) = exp(−(u+v)): d_W(u) = e^{−u}(1−e^{−1}),
// t(K2) = (1−e^{−1})², t(K3) = ((1−e^{−2})/2)³.
func Exponential() Graphon {
	c := -math.Expm1(-1)
	t := -math.Expm1(-2) / 2
	return Graphon{&graphonDef{
		kind: kindExponential, name: "exponential",
		f:   func(u, v float64) float64 { return math.Exp(-(u + v)) },
		deg: func(u float64) float64 { return math.Exp(-u) * c },
		t2:  c * c, t3: t * t * t, closed2: true, closed3: true,
		sup: func(u0, u1, v0, v1 float64) float64 { return math.Exp(-(u0 + v0)) },
	}}
}

// Gaussian returns W(u,v) = exp(−(u−v)²/(2h²)), a smooth band around the
// diagonal of width h. d_W(u) = h√(π/2)·(erf((1−u)/(h√2)) + erf(u/(h√2))) and
// t(K2) = 2(h√(π/2)·erf(1/(h√2)) − h²(1 − e^{−1/(2h²)})) in closed form;
// t(K3) by quadrature. Errors: h not finite and > 0 (ErrParameter).
func Gaussian(h float64) (Graphon, error) {
	if !(h > 0 && h <= math.MaxFloat64) {
		return Graphon{}, fmt.Errorf("generators: Gaussian: h=%v must be finite and > 0: %w", h, graphs.ErrParameter)
	}
	s := h * math.Sqrt2
	c := h * math.Sqrt(math.Pi/2)
	return Graphon{&graphonDef{
		kind: kindGaussian, name: "gaussian:" + strconv.FormatFloat(h, 'g', -1, 64), h: h,
		f: func(u, v float64) float64 {
			d := (u - v) / h
			return math.Exp(-d * d / 2)
		},
		deg:     func(u float64) float64 { return c * (math.Erf((1-u)/s) + math.Erf(u/s)) },
		t2:      2 * (c*math.Erf(1/s) + h*h*math.Expm1(-1/(2*h*h))),
		closed2: true,
		sup: func(u0, u1, v0, v1 float64) float64 {
			gap := math.Max(0, math.Max(u0-v1, v0-u1)) / h
			return math.Exp(-gap * gap / 2)
		},
	}}, nil
}

// SBMGraphon returns the stochastic-block-model graphon: [0,1] is cut into
// consecutive intervals of lengths π_1..π_K and W = P_ab on interval a ×
// interval b. d_W(u) = Σ_b π_b P_ab for u in interval a, t(K2) =
// Σ π_a π_b P_ab, t(K3) = Σ π_a π_b π_c P_ab P_bc P_ca. pi and P are copied.
//
// Errors (ErrParameter unless noted): an entry of pi negative or NaN, pi not
// summing to 1 within 1e-9 (pi is used as given, the last interval ending
// at 1), P not K×K
// (ErrShape), not symmetric, or an entry outside [0,1] or NaN.
func SBMGraphon(pi []float64, P [][]float64) (Graphon, error) {
	const fn = "SBMGraphon"
	k := len(pi)
	if k == 0 {
		return Graphon{}, fmt.Errorf("generators: %s: no blocks: %w", fn, graphs.ErrParameter)
	}
	sum := 0.0
	for a, x := range pi {
		if !(x >= 0 && x <= 1) {
			return Graphon{}, fmt.Errorf("generators: %s: pi[%d]=%v not in [0,1]: %w", fn, a, x, graphs.ErrParameter)
		}
		sum += x
	}
	if math.Abs(sum-1) > 1e-9 {
		return Graphon{}, fmt.Errorf("generators: %s: proportions sum to %v, not 1: %w", fn, sum, graphs.ErrParameter)
	}
	if len(P) != k {
		return Graphon{}, fmt.Errorf("generators: %s: P has %d rows for %d blocks: %w", fn, len(P), k, graphs.ErrShape)
	}
	for a := range k {
		if len(P[a]) != k {
			return Graphon{}, fmt.Errorf("generators: %s: P row %d has %d entries for %d blocks: %w", fn, a, len(P[a]), k, graphs.ErrShape)
		}
	}
	for a := range k {
		for b := range k {
			if !(P[a][b] >= 0 && P[a][b] <= 1) {
				return Graphon{}, fmt.Errorf("generators: %s: P[%d][%d]=%v not in [0,1]: %w", fn, a, b, P[a][b], graphs.ErrParameter)
			}
			if P[a][b] != P[b][a] {
				return Graphon{}, fmt.Errorf("generators: %s: P not symmetric: P[%d][%d]=%v, P[%d][%d]=%v: %w", fn, a, b, P[a][b], b, a, P[b][a], graphs.ErrParameter)
			}
		}
	}
	d := &graphonDef{kind: kindSBM, closed2: true, closed3: true}
	d.pi = make([]float64, k)
	d.P = make([][]float64, k)
	d.breaks = make([]float64, k+1)
	for a := range k {
		d.pi[a] = pi[a]
		d.P[a] = append([]float64(nil), P[a]...)
		d.breaks[a+1] = d.breaks[a] + d.pi[a]
	}
	d.breaks[k] = 1
	var name strings.Builder
	name.WriteString("sbm:")
	for a, x := range d.pi {
		if a > 0 {
			name.WriteByte(',')
		}
		name.WriteString(strconv.FormatFloat(x, 'g', -1, 64))
	}
	name.WriteByte(':')
	for a := range k {
		if a > 0 {
			name.WriteByte(';')
		}
		for b := range k {
			if b > 0 {
				name.WriteByte(',')
			}
			name.WriteString(strconv.FormatFloat(d.P[a][b], 'g', -1, 64))
		}
	}
	d.name = name.String()
	block := func(u float64) int { // the a with breaks[a] ≤ u < breaks[a+1]
		return sort.Search(k-1, func(a int) bool { return d.breaks[a+1] > u })
	}
	d.f = func(u, v float64) float64 { return d.P[block(u)][block(v)] }
	d.deg = func(u float64) float64 {
		a := block(u)
		s := 0.0
		for b := range k {
			s += d.pi[b] * d.P[a][b]
		}
		return s
	}
	for a := range k {
		for b := range k {
			d.t2 += d.pi[a] * d.pi[b] * d.P[a][b]
			for c := range k {
				d.t3 += d.pi[a] * d.pi[b] * d.pi[c] * d.P[a][b] * d.P[b][c] * d.P[c][a]
			}
		}
	}
	return Graphon{d}, nil
}

// GraphonFunc wraps a user function as a graphon. f must be symmetric,
// measurable and take values in [0,1]; values outside [0,1] (or NaN) are
// detected when f is evaluated (by At, the densities, the samplers and the
// ego sampler) and reported as ErrParameter errors naming u, v and the value.
// d_W, t(K2,W) and t(K3,W) are computed by composite Gauss–Legendre
// quadrature (32 panels of 8 nodes, exact for piecewise polynomials of
// degree ≤ 15 on the panels; a kink off the panel grid costs accuracy). The
// samplers use the trivial envelope W̄ = 1, so G(n, W, ρ) costs
// O(n + ρ·n²) evaluations of f. f is kept and called concurrently from
// several goroutines: it must be safe for that.
func GraphonFunc(name string, f func(u, v float64) float64) Graphon {
	return Graphon{&graphonDef{kind: kindFunc, name: name, f: f, checkW: true}}
}

// Func returns W as a plain function, for hot loops such as quadratures:
// no argument or value checks (a GraphonFunc's f is returned as given), so
// callers must pass u, v in [0,1] and, for user functions, check values
// themselves or use At. It returns nil for the zero Graphon.
func (w Graphon) Func() func(u, v float64) float64 {
	if w.d == nil {
		return nil
	}
	return w.d.f
}

// At returns W(u, v). Errors (ErrParameter): the zero Graphon, u or v outside
// [0,1] or NaN, or a user function's value outside [0,1].
func (w Graphon) At(u, v float64) (float64, error) {
	if err := w.valid("Graphon.At"); err != nil {
		return 0, err
	}
	if !(u >= 0 && u <= 1 && v >= 0 && v <= 1) {
		return 0, fmt.Errorf("generators: Graphon.At: (u, v)=(%v, %v) not in [0,1]²: %w", u, v, graphs.ErrParameter)
	}
	x := w.d.f(u, v)
	if !(x >= 0 && x <= 1) {
		return 0, w.badValue("Graphon.At", u, v, x)
	}
	return x, nil
}

func (w Graphon) badValue(fn string, u, v, x float64) error {
	return fmt.Errorf("generators: %s: graphon %q: W(%v, %v)=%v not in [0,1]: %w", fn, w.d.name, u, v, x, graphs.ErrParameter)
}

// Exact reports whether EdgeDensity and TriangleDensity are closed forms
// (true for every shipped graphon except Gaussian's t(K3)); otherwise they
// are quadratures.
func (w Graphon) Exact() (edge, triangle bool) {
	if w.d == nil {
		return false, false
	}
	return w.d.closed2, w.d.closed3
}

// Degree returns the degree function d_W(u) = ∫₀¹ W(u,v) dv: in closed form
// for the shipped graphons, by quadrature (256 evaluations) for a
// GraphonFunc. Errors (ErrParameter): the zero Graphon, u outside [0,1], a
// user value outside [0,1].
func (w Graphon) Degree(u float64) (float64, error) {
	if err := w.valid("Graphon.Degree"); err != nil {
		return 0, err
	}
	if !(u >= 0 && u <= 1) {
		return 0, fmt.Errorf("generators: Graphon.Degree: u=%v not in [0,1]: %w", u, graphs.ErrParameter)
	}
	if w.d.deg != nil {
		return w.d.deg(u), nil
	}
	x, wt := quadGrid()
	s := 0.0
	for k, v := range x {
		y := w.d.f(u, v)
		if !(y >= 0 && y <= 1) {
			return 0, w.badValue("Graphon.Degree", u, v, y)
		}
		s += wt[k] * y
	}
	return s, nil
}

// EdgeDensity returns t(K2,W) = ∫∫ W(u,v) du dv, so that
// E|E| = ρ·C(n,2)·t(K2,W) for G(n, W, ρ). Closed form for the shipped
// graphons; for a GraphonFunc a 256×256 Gauss–Legendre product rule,
// computed once and cached. Errors as Degree.
func (w Graphon) EdgeDensity() (float64, error) {
	if err := w.valid("Graphon.EdgeDensity"); err != nil {
		return 0, err
	}
	if w.d.closed2 {
		return w.d.t2, nil
	}
	w.quadrature()
	return w.d.qt2, w.d.qerr
}

// TriangleDensity returns t(K3,W), so that E[triangles] = ρ³·C(n,3)·t(K3,W)
// for G(n, W, ρ). Closed form where Exact says so, otherwise the 256-node
// product rule Σ_{ijk} ω_i ω_j ω_k W_ij W_jk W_ki (O(256³) flops, cached).
// Errors as Degree.
func (w Graphon) TriangleDensity() (float64, error) {
	if err := w.valid("Graphon.TriangleDensity"); err != nil {
		return 0, err
	}
	if w.d.closed3 {
		return w.d.t3, nil
	}
	w.quadrature()
	return w.d.qt3, w.d.qerr
}

// quadrature fills qt2, qt3, qerr once.
func (w Graphon) quadrature() {
	d := w.d
	d.once.Do(func() {
		x, wt := quadGrid()
		q := len(x)
		m := make([]float64, q*q)
		for i := range q {
			for j := range q {
				y := d.f(x[i], x[j])
				if !(y >= 0 && y <= 1) {
					d.qerr = w.badValue("Graphon densities", x[i], x[j], y)
					return
				}
				m[i*q+j] = y
			}
		}
		// r_ij = Σ_k ω_k W_jk W_ki; t3 = Σ_ij ω_i ω_j W_ij r_ij.
		for i := range q {
			for j := range q {
				wij := wt[i] * wt[j] * m[i*q+j]
				d.qt2 += wij
				if wij == 0 {
					continue
				}
				rj, ri := m[j*q:j*q+q], m[i*q:i*q+q]
				r := 0.0
				for k := range q {
					r += wt[k] * rj[k] * ri[k]
				}
				d.qt3 += wij * r
			}
		}
	})
}

var (
	quadOnce sync.Once
	quadX    []float64
	quadW    []float64
)

// quadGrid returns the nodes and weights of composite Gauss–Legendre
// quadrature on [0,1]: 32 equal panels, 8 nodes each.
func quadGrid() ([]float64, []float64) {
	quadOnce.Do(func() {
		const panels, order = 32, 8
		gx, gw := gaussLegendre(order)
		for p := range panels {
			a := float64(p) / panels
			for k := range order {
				quadX = append(quadX, a+(gx[k]+1)/(2*panels))
				quadW = append(quadW, gw[k]/(2*panels))
			}
		}
	})
	return quadX, quadW
}

// gaussLegendre returns the m nodes and weights of Gauss–Legendre quadrature
// on [−1,1], by Newton's method on the Legendre polynomial P_m from the
// Chebyshev-like guesses cos(π(k+¾)/(m+½)) (Numerical Recipes §4.6).
func gaussLegendre(m int) ([]float64, []float64) {
	x := make([]float64, m)
	w := make([]float64, m)
	for k := range m {
		z := math.Cos(math.Pi * (float64(k) + 0.75) / (float64(m) + 0.5))
		var dp float64
		for range 100 {
			p0, p1 := 1.0, z
			for j := 2; j <= m; j++ {
				p0, p1 = p1, ((2*float64(j)-1)*z*p1-float64(j-1)*p0)/float64(j)
			}
			dp = float64(m) * (z*p1 - p0) / (z*z - 1)
			dz := p1 / dp
			z -= dz
			if math.Abs(dz) < 1e-16 {
				break
			}
		}
		p0, p1 := 1.0, z
		for j := 2; j <= m; j++ {
			p0, p1 = p1, ((2*float64(j)-1)*z*p1-float64(j-1)*p0)/float64(j)
		}
		dp = float64(m) * (z*p1 - p0) / (z*z - 1)
		x[m-1-k] = z
		w[m-1-k] = 2 / ((1 - z*z) * dp * dp)
	}
	return x, w
}

// cells returns the breaks 0 = b_0 < … < b_K = 1 of the envelope's cells:
// the SBM's intervals, a single cell for constant and user graphons, and k
// equal cells otherwise.
func (w Graphon) cells(k int) []float64 {
	switch {
	case w.d.kind == kindSBM:
		return w.d.breaks
	case w.d.kind == kindConstant || w.d.sup == nil:
		return []float64{0, 1}
	}
	b := make([]float64, k+1)
	for a := range b {
		b[a] = float64(a) / float64(k)
	}
	return b
}

// envelope returns W̄_ab on the cells given by breaks (K×K, row-major).
func (w Graphon) envelope(breaks []float64) []float64 {
	k := len(breaks) - 1
	out := make([]float64, k*k)
	for a := range k {
		for b := range k {
			switch {
			case w.d.kind == kindSBM:
				out[a*k+b] = w.d.P[a][b]
			case w.d.sup == nil:
				out[a*k+b] = 1
			default:
				out[a*k+b] = math.Min(1, w.d.sup(breaks[a], breaks[a+1], breaks[b], breaks[b+1]))
			}
		}
	}
	return out
}

// pairFunc returns (i, j) ↦ W(u_i, u_j) over the latents u, with per-node
// precomputation for the shipped graphons.
func (w Graphon) pairFunc(u []float64) func(i, j int) float64 {
	switch w.d.kind {
	case kindProduct:
		return func(i, j int) float64 { return u[i] * u[j] }
	case kindUniformAttachment:
		return func(i, j int) float64 { return 1 - math.Max(u[i], u[j]) }
	case kindExponential:
		x := make([]float64, len(u))
		for i, v := range u {
			x[i] = math.Exp(-v)
		}
		return func(i, j int) float64 { return x[i] * x[j] }
	}
	f := w.d.f
	return func(i, j int) float64 { return f(u[i], u[j]) }
}

// ParseGraphon parses a graphon name as used by the command line:
//
//	constant:P              W ≡ P, P in [0,1]
//	product                 W = u·v
//	uniform-attachment      W = 1 − max(u,v)
//	exponential             W = exp(−(u+v))
//	gaussian:H              W = exp(−(u−v)²/(2H²)), H > 0
//	sbm:<sizes>:<probs>     SBMGraphon, e.g. sbm:0.5,0.5:0.1,0.01;0.01,0.1
//
// For sbm, <sizes> is a comma-separated list of non-negative block weights:
// proportions summing to 1, or any weights with a positive sum (such as
// integer block sizes 300,700), which are divided by their sum; <probs> is
// the K×K matrix, rows separated by ';' and entries by ','. Spaces around
// tokens are ignored. Errors wrap ErrFormat for bad syntax and the
// constructor's error kind otherwise, and quote the spec.
func ParseGraphon(spec string) (Graphon, error) {
	s := strings.TrimSpace(spec)
	name, arg, hasArg := strings.Cut(s, ":")
	name = strings.TrimSpace(name)
	bad := func(format string, a ...any) error {
		return fmt.Errorf("generators: ParseGraphon: %q: %s: %w", spec, fmt.Sprintf(format, a...), graphs.ErrFormat)
	}
	wrap := func(g Graphon, err error) (Graphon, error) {
		if err != nil {
			return Graphon{}, fmt.Errorf("generators: ParseGraphon: %q: %w", spec, err)
		}
		return g, nil
	}
	noArg := func(g Graphon) (Graphon, error) {
		if hasArg {
			return Graphon{}, bad("%s takes no parameter", name)
		}
		return g, nil
	}
	number := func(t string) (float64, error) {
		x, err := strconv.ParseFloat(strings.TrimSpace(t), 64)
		if err != nil {
			return 0, bad("%q is not a number", strings.TrimSpace(t))
		}
		return x, nil
	}
	switch name {
	case "product":
		return noArg(Product())
	case "uniform-attachment":
		return noArg(UniformAttachment())
	case "exponential":
		return noArg(Exponential())
	case "constant", "gaussian":
		if !hasArg {
			return Graphon{}, bad("%s needs a parameter, as in %s:0.1", name, name)
		}
		x, err := number(arg)
		if err != nil {
			return Graphon{}, err
		}
		if name == "constant" {
			return wrap(Constant(x))
		}
		return wrap(Gaussian(x))
	case "sbm":
		sizesText, probsText, ok := strings.Cut(arg, ":")
		if !hasArg || !ok {
			return Graphon{}, bad("want sbm:<sizes>:<probs>, as in sbm:0.5,0.5:0.1,0.01;0.01,0.1")
		}
		var pi []float64
		sum := 0.0
		for _, t := range strings.Split(sizesText, ",") {
			x, err := number(t)
			if err != nil {
				return Graphon{}, err
			}
			if !(x >= 0 && x <= math.MaxFloat64) {
				return Graphon{}, fmt.Errorf("generators: ParseGraphon: %q: block weight %v is not finite and ≥ 0: %w", spec, x, graphs.ErrParameter)
			}
			pi = append(pi, x)
			sum += x
		}
		if !(sum > 0 && sum <= math.MaxFloat64) {
			return Graphon{}, fmt.Errorf("generators: ParseGraphon: %q: block weights sum to %v, need a finite positive sum: %w", spec, sum, graphs.ErrParameter)
		}
		if math.Abs(sum-1) > 1e-9 { // weights, not proportions
			for a := range pi {
				pi[a] /= sum
			}
		}
		var P [][]float64
		for _, rowText := range strings.Split(probsText, ";") {
			var row []float64
			for _, t := range strings.Split(rowText, ",") {
				x, err := number(t)
				if err != nil {
					return Graphon{}, err
				}
				row = append(row, x)
			}
			P = append(P, row)
		}
		return wrap(SBMGraphon(pi, P))
	}
	return Graphon{}, bad("unknown graphon %q (want constant:P, product, uniform-attachment, exponential, gaussian:H or sbm:<sizes>:<probs>)", name)
}
