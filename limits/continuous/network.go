package continuous

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// Signal is a node input X: [0,1] → ℝ^d written into dst (length d); node i
// of a graph gets x_i = X(u_i). It is called concurrently and must be safe
// for that.
type Signal func(u float64, dst []float64)

// Latent is the signal X(u) = u (d = 1), the input of the Keriven
// experiment.
func Latent(u float64, dst []float64) { dst[0] = u }

// Default quadrature of the limit: DefaultPanels equal panels of
// DefaultNodes Gauss–Legendre nodes each (Q = 64). A ReLU network's layers
// have kinks, so the rule converges algebraically, not exponentially: for
// the 30 networks of the Keriven experiment (Gaussian graphon of width
// 0.15), doubling the panels changes the limit by at most 1.1e-5 in L² and
// 6.6e-6 in the readout (KerivenResult.LimitErr), at least 45 times below
// every mean error measured there, and no fitted slope in its third
// decimal.
const (
	DefaultPanels = 8
	DefaultNodes  = 8
)

// PanelRule returns the composite Gauss–Legendre rule with panels equal
// panels of q nodes each (quadrature.Piecewise with breaks k/panels).
// Errors: panels < 1, q < 1 or too many nodes (graphs.ErrParameter).
func PanelRule(panels, q int) (quadrature.Rule, error) {
	if panels < 1 || panels > quadrature.MaxNodes {
		return quadrature.Rule{}, fmt.Errorf("continuous: PanelRule: panels=%d: %w", panels, graphs.ErrParameter)
	}
	breaks := make([]float64, panels-1)
	for k := range breaks {
		breaks[k] = float64(k+1) / float64(panels)
	}
	r, err := quadrature.Piecewise(breaks, q)
	if err != nil {
		return quadrature.Rule{}, fmt.Errorf("continuous: PanelRule: %w", err)
	}
	return r, nil
}

// Options configure New.
type Options struct {
	// Rule is the quadrature rule on [0,1] (zero: PanelRule(DefaultPanels,
	// DefaultNodes)). It is copied.
	Rule quadrature.Rule
	// SumScale c replaces an unnormalised sum aggregation (GINConv's
	// Σ_j A_ij h_j) by c·T_W h: on G(n, W, ρ) the sum is nρ times the graphon
	// aggregation, so use c = nρ (Distance sets it to n·Rho when it is 0).
	// 0 makes New refuse models with a sum aggregation.
	SumScale float64
	// Rho is ρ of the graphs the model runs on; Distance uses it only to
	// derive SumScale = n·Rho (0 means 1).
	Rho float64
}

type opKind int

const (
	opLinear   opKind = iota // h Θ + b
	opAct                    // σ(h)
	opGCN                    // T_sym(h Θ) + b
	opSAGE                   // h Θ1 + (T_mean h) Θ2 + b
	opGIN                    // (1+ε) h + c·T_W h (the MLP follows as separate ops)
	opMeanPool               // ∫ h(u) du
)

// op is one compiled layer with copies of its parameters.
type op struct {
	kind    opKind
	in, out int
	w, w2   []float64 // in×out row-major
	b       []float64 // out, or nil
	act     activation.Kind
	eps     float64 // GIN: 1+ε
	// agg is the layer's own aggregation (GCN, SAGE, GIN), and lim its
	// graphon realisation on the grid (with nρ = SumScale for a sum).
	agg aggregation.Aggregation
	lim *aggregation.Integral
}

// Network is the graphon limit of a message-passing network with fixed
// parameters: the same layers with every aggregation replaced by its
// integral operator on the quadrature grid (see the package documentation).
// It holds copies of the parameters (later training of the model does not
// change it), the graphon's grid matrix (Q² floats) and every layer's values
// on the grid (Q per unit). It is immutable after New and safe for
// concurrent use.
type Network struct {
	ops   []op
	w     generators.Graphon
	wf    func(u, v float64) float64
	top   *quadrature.GraphonOperator
	rule  quadrature.Rule
	x     Signal
	in    int
	grid  [][]float64 // grid[k]: input of op k on the grid (Q×in_k); grid[len(ops)]: output
	pool  int         // index of the mean-pool op, or -1
	out   int
	start int       // evaluation at u starts at this op
	graph []float64 // graph-level output (after the pool) or ∫ g(u) du
}

// FromModel returns the graphon limit of m's layers (m.Net); see New.
func FromModel(m *gnn.Model, w generators.Graphon, x Signal, opt Options) (*Network, error) {
	if m == nil || m.Net == nil {
		return nil, fmt.Errorf("continuous: FromModel: nil model: %w", graphs.ErrParameter)
	}
	return New(m.Net, w, x, opt)
}

// New compiles the module m (a layer or a gnn.Sequential, nested freely)
// into its graphon limit on W with input signal X, and evaluates every layer
// on the quadrature grid. The layers and their limits (T_W, T_mean, T_sym as
// in the package documentation):
//
//	Linear, Activation      unchanged (pointwise in u)
//	Dropout                 identity (the limit of the model in evaluation mode)
//	GCNConv                 h' = T_sym(hΘ) + b
//	SAGEConv                h' = hΘ1 + (T_mean h)Θ2 + b
//	GINConv                 h' = MLP((1+ε)h + SumScale·T_W h)
//	Readout (mean)          ∫ h(u) du; the layers after it act on that vector
//
// GATConv, sum and max readouts have no such limit here and are refused
// (graphs.ErrUnsupported). The parameters are copied; W and X are kept
// (X is called Q times here and once per point by At). Cost O(Q²) calls of
// W and O(Q² Σ_k d_k) flops. Errors: a nil module or X, the zero graphon, a
// W value outside [0,1] (graphs.ErrParameter); widths that do not chain or
// an X that writes a non-finite value (graphs.ErrShape, graphs.ErrParameter);
// a sum aggregation with SumScale ≤ 0 (graphs.ErrParameter).
func New(m gnn.Module, w generators.Graphon, x Signal, opt Options) (*Network, error) {
	if m == nil || x == nil {
		return nil, fmt.Errorf("continuous: New: nil module or signal: %w", graphs.ErrParameter)
	}
	wf := w.Func()
	if wf == nil {
		return nil, fmt.Errorf("continuous: New: zero graphon: %w", graphs.ErrParameter)
	}
	if !(opt.SumScale >= 0) || math.IsInf(opt.SumScale, 0) {
		return nil, fmt.Errorf("continuous: New: SumScale=%v: %w", opt.SumScale, graphs.ErrParameter)
	}
	rule := opt.Rule
	if rule.Len() == 0 {
		var err error
		if rule, err = PanelRule(DefaultPanels, DefaultNodes); err != nil {
			return nil, err
		}
	}
	var ops []op
	if err := compile(&ops, m, opt.SumScale); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("continuous: New: the module has no layers: %w", graphs.ErrShape)
	}
	// Widths: activations take the width of their input.
	in := 0
	for _, o := range ops {
		if o.in != 0 {
			in = o.in
			break
		}
	}
	if in == 0 {
		return nil, fmt.Errorf("continuous: New: no layer fixes the input width: %w", graphs.ErrShape)
	}
	d := in
	pool := -1
	for k := range ops {
		o := &ops[k]
		if o.in == 0 {
			o.in, o.out = d, d
		}
		if o.in != d {
			return nil, fmt.Errorf("continuous: New: layer %d takes %d columns, gets %d: %w", k, o.in, d, graphs.ErrShape)
		}
		if pool >= 0 && (o.kind == opGCN || o.kind == opSAGE || o.kind == opGIN || o.kind == opMeanPool) {
			return nil, fmt.Errorf("continuous: New: layer %d aggregates after the readout: %w", k, graphs.ErrUnsupported)
		}
		if o.kind == opMeanPool {
			pool = k
		}
		d = o.out
	}
	top, err := quadrature.NewGraphonOperator(wf, rule)
	if err != nil {
		return nil, fmt.Errorf("continuous: New: %w", err)
	}
	net := &Network{ops: ops, w: w, wf: wf, top: top, rule: top.Rule(), x: x, in: in, pool: pool, out: d}
	for k := range ops {
		o := &ops[k]
		if o.kind != opGCN && o.kind != opSAGE && o.kind != opGIN {
			continue
		}
		// The limit of the layer's own aggregation: its loops vanish for a
		// normalised one; a sum grows as nρ·T_W.
		if o.lim, err = top.Integral(o.agg, opt.SumScale); err != nil {
			return nil, fmt.Errorf("continuous: New: layer %d: %w", k, err)
		}
	}
	xs, err := top.Signal(x, in)
	if err != nil {
		return nil, fmt.Errorf("continuous: New: %w", err)
	}
	if err := net.forwardGrid(xs); err != nil {
		return nil, err
	}
	// Evaluation at u starts after the last op that needs its input only on
	// the grid (GCN): everything before it is not needed pointwise.
	for k, o := range ops {
		if o.kind == opGCN {
			net.start = k
		}
	}
	return net, nil
}

// compile appends the ops of module m.
func compile(ops *[]op, m gnn.Module, sumScale float64) error {
	switch l := m.(type) {
	case *gnn.Sequential:
		for _, s := range l.Modules {
			if err := compile(ops, s, sumScale); err != nil {
				return err
			}
		}
	case *gnn.Linear:
		*ops = append(*ops, op{kind: opLinear, in: l.In, out: l.Out, w: clone(l.W), b: clone(l.B)})
	case *gnn.Activation:
		if !l.Kind.Valid() {
			return fmt.Errorf("continuous: New: activation kind=%d: %w", int(l.Kind), graphs.ErrParameter)
		}
		*ops = append(*ops, op{kind: opAct, in: l.D, out: l.D, act: l.Kind})
	case *gnn.Dropout:
		// identity in evaluation mode
	case *gnn.GCNConv:
		*ops = append(*ops, op{kind: opGCN, in: l.In, out: l.Out, w: clone(l.W), b: clone(l.B), agg: l.Aggregation()})
	case *gnn.SAGEConv:
		*ops = append(*ops, op{kind: opSAGE, in: l.In, out: l.Out, w: clone(l.W1), w2: clone(l.W2), b: clone(l.B), agg: l.Aggregation()})
	case *gnn.GINConv:
		if !(sumScale > 0) {
			return fmt.Errorf("continuous: New: GINConv sums over neighbours; set Options.SumScale (nρ): %w", graphs.ErrParameter)
		}
		if len(l.Eps) != 1 {
			return fmt.Errorf("continuous: New: GINConv len(Eps)=%d: %w", len(l.Eps), graphs.ErrShape)
		}
		*ops = append(*ops, op{kind: opGIN, in: l.In, out: l.In, eps: 1 + l.Eps[0], agg: l.Aggregation()})
		return compile(ops, l.MLP, sumScale)
	case *gnn.Readout:
		if l.Kind != gnn.MeanPool {
			return fmt.Errorf("continuous: New: %v readout has no graphon limit (only mean): %w", l.Kind, graphs.ErrUnsupported)
		}
		*ops = append(*ops, op{kind: opMeanPool, in: l.D, out: l.D})
	default:
		return fmt.Errorf("continuous: New: layer %T has no graphon limit here: %w", m, graphs.ErrUnsupported)
	}
	return nil
}

func clone(s []float64) []float64 {
	if s == nil {
		return nil
	}
	return append([]float64(nil), s...)
}

// forwardGrid evaluates every op on the grid from the input xs (Q×in).
func (net *Network) forwardGrid(xs []float64) error {
	q := net.rule.Len()
	net.grid = make([][]float64, len(net.ops)+1)
	net.grid[0] = xs
	rows := q
	for k, o := range net.ops {
		h := net.grid[k]
		var y []float64
		switch o.kind {
		case opLinear:
			y = make([]float64, rows*o.out)
			for r := range rows {
				affine(y[r*o.out:(r+1)*o.out], h[r*o.in:(r+1)*o.in], o.w, o.b, false)
			}
		case opAct:
			y = make([]float64, len(h))
			o.act.Apply(y, h) // the formulas of gnn.Activation, bit for bit
		case opGCN:
			t := make([]float64, q*o.out)
			for r := range q {
				affine(t[r*o.out:(r+1)*o.out], h[r*o.in:(r+1)*o.in], o.w, nil, false)
			}
			var err error
			if y, err = o.lim.Apply(nil, t, o.out); err != nil {
				return fmt.Errorf("continuous: New: layer %d: %w", k, err)
			}
			for r := range q {
				addTo(y[r*o.out:(r+1)*o.out], o.b)
			}
		case opSAGE:
			mh, err := o.lim.Apply(nil, h, o.in)
			if err != nil {
				return fmt.Errorf("continuous: New: layer %d: %w", k, err)
			}
			y = make([]float64, q*o.out)
			for r := range q {
				yr := y[r*o.out : (r+1)*o.out]
				affine(yr, h[r*o.in:(r+1)*o.in], o.w, o.b, false)
				affine(yr, mh[r*o.in:(r+1)*o.in], o.w2, nil, true)
			}
		case opGIN:
			th, err := o.lim.Apply(nil, h, o.in) // nρ·T_W h
			if err != nil {
				return fmt.Errorf("continuous: New: layer %d: %w", k, err)
			}
			y = make([]float64, len(h))
			for e := range y {
				y[e] = o.eps*h[e] + th[e]
			}
		case opMeanPool:
			y = make([]float64, o.out)
			for r := range q {
				for i, v := range h[r*o.in : (r+1)*o.in] {
					y[i] += net.rule.Omega[r] * v
				}
			}
			rows = 1
		}
		net.grid[k+1] = y
	}
	if net.pool >= 0 {
		net.graph = net.grid[len(net.ops)]
		return nil
	}
	out := net.grid[len(net.ops)]
	net.graph = make([]float64, net.out)
	for r := range q {
		for i, v := range out[r*net.out : (r+1)*net.out] {
			net.graph[i] += net.rule.Omega[r] * v
		}
	}
	return nil
}

// affine sets (acc: adds) y = xΘ + b for a row x, Θ len(x)×len(y).
func affine(y, x, w, b []float64, acc bool) {
	m := len(y)
	if !acc {
		if b != nil {
			copy(y, b)
		} else {
			clear(y)
		}
	} else if b != nil {
		addTo(y, b)
	}
	for p, xp := range x {
		if xp == 0 {
			continue
		}
		row := w[p*m : (p+1)*m]
		for j := range y {
			y[j] += xp * row[j]
		}
	}
}

func addTo(y, b []float64) {
	for j, v := range b {
		y[j] += v
	}
}

// In returns the input width d (X: [0,1] → ℝ^d).
func (net *Network) In() int { return net.in }

// Out returns the output width.
func (net *Network) Out() int { return net.out }

// GraphLevel reports whether the model ends in a mean readout (its output is
// one vector, not a function of u).
func (net *Network) GraphLevel() bool { return net.pool >= 0 }

// Rule returns a copy of the quadrature rule.
func (net *Network) Rule() quadrature.Rule { return net.top.Rule() }

// Grid returns a copy of the output on the grid, Q×Out row-major
// (g^∞(u_q)). Errors: a graph-level network (graphs.ErrUnsupported).
func (net *Network) Grid() ([]float64, error) {
	if net.pool >= 0 {
		return nil, fmt.Errorf("continuous: Grid: graph-level network: %w", graphs.ErrUnsupported)
	}
	return clone(net.grid[len(net.ops)]), nil
}

// Readout returns a copy of the graph-level limit: ∫ g^∞(u) du, the limit
// of the mean readout of the node outputs, or for a graph-level network its
// output. Length Out. Cost O(Out).
func (net *Network) Readout() []float64 { return clone(net.graph) }

// atBlock is the number of points of one parallel chunk of At.
const atBlock = 64

// At evaluates the node-level limit at the latent positions u: row i of the
// result (len(u)×Out, row-major) is g^∞(u_i). Each layer's value at u is
// computed from the previous layer's value at u and the integral over the
// grid, (T f)(u) = Σ_r ω_r K(u, u_r) f(u_r) (with d_W(u) = Σ_r ω_r W(u,u_r)
// for the normalised kernels), so At(u_q) reproduces the grid values. Layers
// before the last GCNConv are not evaluated at u (that layer reads its input
// on the grid only). Cost O(len(u)·Q·Σ_k d_k) plus len(u)·Q calls of W,
// parallel over fixed blocks of points (the same bits for any GOMAXPROCS).
// u is not kept. Errors: a u_i outside [0,1] or NaN, a W value outside
// [0,1], a non-finite X(u_i) (graphs.ErrParameter), a graph-level network
// (graphs.ErrUnsupported).
func (net *Network) At(u []float64) ([]float64, error) {
	return net.at(context.Background(), u)
}

func (net *Network) at(ctx context.Context, u []float64) ([]float64, error) {
	if net.pool >= 0 {
		return nil, fmt.Errorf("continuous: At: graph-level network: %w", graphs.ErrUnsupported)
	}
	for i, v := range u {
		if !(v >= 0 && v <= 1) {
			return nil, fmt.Errorf("continuous: At: u[%d]=%v not in [0,1]: %w", i, v, graphs.ErrParameter)
		}
	}
	out := make([]float64, len(u)*net.out)
	err := parallel.ForErr(parallel.Chunks(len(u), atBlock), func(c int) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("continuous: At: %w", err)
		}
		lo, hi := parallel.Range(c, atBlock, len(u))
		s := net.newScratch()
		for i := lo; i < hi; i++ {
			if err := net.point(out[i*net.out:(i+1)*net.out], u[i], s); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

type scratch struct {
	wrow    []float64 // W(u, u_r)
	a, b, t []float64
}

func (net *Network) newScratch() *scratch {
	wmax := net.in
	for _, o := range net.ops {
		wmax = max(wmax, o.in, o.out)
	}
	q := net.rule.Len()
	return &scratch{wrow: make([]float64, q), a: make([]float64, wmax), b: make([]float64, wmax), t: make([]float64, wmax)}
}

// point writes g^∞(u) into dst.
func (net *Network) point(dst []float64, u float64, s *scratch) error {
	for r, v := range net.rule.U {
		x := net.wf(u, v)
		if !(x >= 0 && x <= 1) {
			return fmt.Errorf("continuous: At: W(%v, %v)=%v not in [0,1]: %w", u, v, x, graphs.ErrParameter)
		}
		s.wrow[r] = x
	}
	h := s.a[:net.in]
	if net.start == 0 && net.ops[0].kind != opGCN {
		net.x(u, h)
		for k, v := range h {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return fmt.Errorf("continuous: At: X(%v)[%d]=%v not finite: %w", u, k, v, graphs.ErrParameter)
			}
		}
	}
	for k := net.start; k < len(net.ops); k++ {
		o := net.ops[k]
		y := s.b[:o.out]
		switch o.kind {
		case opLinear:
			affine(y, h, o.w, o.b, false)
		case opAct:
			o.act.Apply(y, h) // the formulas of gnn.Activation, bit for bit
		case opGCN:
			// T_sym(hΘ)(u) + b = (T_sym h)(u) Θ + b: integrate the grid input.
			t := s.t[:o.in]
			if err := o.lim.At(t, s.wrow, net.grid[k], nil); err != nil {
				return err
			}
			affine(y, t, o.w, o.b, false)
		case opSAGE:
			t := s.t[:o.in]
			if err := o.lim.At(t, s.wrow, net.grid[k], h); err != nil {
				return err
			}
			affine(y, h, o.w, o.b, false)
			affine(y, t, o.w2, nil, true)
		case opGIN:
			t := s.t[:o.in]
			if err := o.lim.At(t, s.wrow, net.grid[k], h); err != nil {
				return err
			}
			for i := range y {
				y[i] = o.eps*h[i] + t[i]
			}
		}
		h, s.a, s.b = y, s.b, s.a
	}
	copy(dst, h)
	return nil
}
