package continuous

import (
	"context"
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// Errors are the distances between a finite network's outputs on a graph
// and its graphon limit.
type Errors struct {
	// NodeRMS is e_node = ((1/(n·Out)) Σ_i ‖ŷ_i − g^∞(u_i)‖²)^{1/2}
	// (docs/mathematics.md §5); NaN for a graph-level network.
	NodeRMS float64
	// Readout is ((1/Out) ‖r̂ − r^∞‖²)^{1/2} with r̂ = (1/n) Σ_i ŷ_i and
	// r^∞ = ∫ g^∞(u) du (for a graph-level network, r̂ is its output and r^∞
	// the limit's).
	Readout float64
}

// Compare returns the errors of the finite outputs yhat (n×Out row-major for
// a node-level network, Out for a graph-level one) against the limit, with
// node i at latent u[i]. Neither slice is kept. Cost that of At(u).
// Errors: shapes (graphs.ErrShape), those of At, ctx's error (wrapped).
func (net *Network) Compare(ctx context.Context, yhat, u []float64) (Errors, error) {
	o := net.out
	if net.pool >= 0 {
		if len(yhat) != o {
			return Errors{}, fmt.Errorf("continuous: Compare: len(yhat)=%d, want Out=%d: %w", len(yhat), o, graphs.ErrShape)
		}
		return Errors{NodeRMS: math.NaN(), Readout: rms(yhat, net.graph)}, nil
	}
	n := len(u)
	if n == 0 || len(yhat) != n*o {
		return Errors{}, fmt.Errorf("continuous: Compare: len(yhat)=%d, want n·Out=%d·%d (n > 0): %w", len(yhat), n, o, graphs.ErrShape)
	}
	g, err := net.at(ctx, u)
	if err != nil {
		return Errors{}, err
	}
	var s float64
	mean := make([]float64, o)
	for e, y := range yhat {
		d := y - g[e]
		s += d * d
		mean[e%o] += y
	}
	for k := range mean {
		mean[k] /= float64(n)
	}
	return Errors{NodeRMS: math.Sqrt(s / float64(len(yhat))), Readout: rms(mean, net.graph)}, nil
}

// rms returns ((1/len a) Σ (a_k − b_k)²)^{1/2}.
func rms(a, b []float64) float64 {
	var s float64
	for k := range a {
		d := a[k] - b[k]
		s += d * d
	}
	return math.Sqrt(s / float64(len(a)))
}

// Distance answers "how far is this network, run on this graph, from its
// graphon limit": it runs m (a gnn.Module, e.g. a trained gnn.Model's Net,
// in evaluation mode) on g with inputs x_i = X(u_i), builds the limit New(m,
// W, X, opt) with the same parameters (SumScale defaulting to n·Rho) and
// compares the outputs with Compare. u[i] is the latent of node i (as
// returned by generators.Sample). m's forward buffers change; g and u are not
// kept. Cost one forward pass on g plus New and At(u). Errors: len(u) != n
// or m's input width different from the signal's (graphs.ErrShape); those of
// New, of m.Forward and of Compare; ctx's error (wrapped).
func Distance(ctx context.Context, m gnn.Module, w generators.Graphon, g graphs.Graph, u []float64, x Signal, opt Options) (Errors, error) {
	n := g.NumNodes()
	if len(u) != n || n == 0 {
		return Errors{}, fmt.Errorf("continuous: Distance: len(u)=%d, graph has %d nodes (need > 0): %w", len(u), n, graphs.ErrShape)
	}
	if !(opt.Rho >= 0 && opt.Rho <= 1) {
		return Errors{}, fmt.Errorf("continuous: Distance: Rho=%v not in [0,1]: %w", opt.Rho, graphs.ErrParameter)
	}
	rho := opt.Rho
	if rho == 0 {
		rho = 1
	}
	if opt.SumScale == 0 {
		opt.SumScale = float64(n) * rho
	}
	if err := ctx.Err(); err != nil {
		return Errors{}, fmt.Errorf("continuous: Distance: %w", err)
	}
	net, err := New(m, w, x, opt)
	if err != nil {
		return Errors{}, err
	}
	yhat, err := runFinite(m, g, u, x, net.in, net.out, net.pool >= 0, rho)
	if err != nil {
		return Errors{}, fmt.Errorf("continuous: Distance: %w", err)
	}
	return net.Compare(ctx, yhat, u)
}

// runFinite runs m on g with x_i = X(u_i) and returns its output.
func runFinite(m gnn.Module, g graphs.Graph, u []float64, x Signal, in, out int, graphLevel bool, rho float64) ([]float64, error) {
	n := g.NumNodes()
	xs := make([]float64, n*in)
	for i, ui := range u {
		row := xs[i*in : (i+1)*in]
		x(ui, row)
		for k, v := range row {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, fmt.Errorf("X(%v)[%d]=%v not finite: %w", ui, k, v, graphs.ErrParameter)
			}
		}
	}
	b := gnn.NewBatch(g)
	b.Rho = rho
	rows := n
	if graphLevel {
		rows = 1
	}
	yhat := make([]float64, rows*out)
	if err := m.Forward(yhat, xs, b); err != nil {
		return nil, err
	}
	return yhat, nil
}
