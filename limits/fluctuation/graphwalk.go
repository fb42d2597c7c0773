package fluctuation

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/generators/walk"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/longrun"
)

// grid is what the solvers read of a limits.Setup: the problem, d, the
// training grid (weights, φ, y), the evaluation nodes and weights and the
// evaluation features. *limits.Setup is one; graphGrid is a fixed graph's.
type grid interface {
	Problem() limits.Problem
	Dim() int
	TrainingGrid() (omega, phi, y []float64)
	Nodes() (u, omega []float64)
	Features() (phi, y []float64)
}

// graphGrid is the grid of a fixed graph: training weights π_i (the walk's
// stationary law), evaluation weights 1/n, node i at "u" = i.
type graphGrid struct {
	pr     limits.Problem
	d      int
	pi     []float64
	phi, y []float64
}

func (g *graphGrid) Problem() limits.Problem { return g.pr }
func (g *graphGrid) Dim() int                { return g.d }
func (g *graphGrid) TrainingGrid() (omega, phi, y []float64) {
	return append([]float64(nil), g.pi...), append([]float64(nil), g.phi...), append([]float64(nil), g.y...)
}
func (g *graphGrid) Nodes() (u, omega []float64) {
	n := len(g.y)
	u, omega = make([]float64, n), make([]float64, n)
	for i := range u {
		u[i], omega[i] = float64(i), 1/float64(n)
	}
	return u, omega
}
func (g *graphGrid) Features() (phi, y []float64) {
	return append([]float64(nil), g.phi...), append([]float64(nil), g.y...)
}

// GraphWalk computes the central-limit constant C_walk(t) of networks
// trained along the walk w on its fixed graph (docs/mathematics.md §10): the
// mean-field limit under the walk's stationary law π on the nodes (deg_i/2m,
// or the computed vector with restart), the long-run covariance of the
// samples from the Poisson equation on the graph, and the error norm the
// mean over the nodes, ‖f‖² = (1/n) Σ_i f(φ_i)². The network's σ, γ, α, μ_0,
// batch and noise on y are those of pr (its graphon, signal and target are
// not used: the features, aggregation and targets are w's). Up to 512
// nodes the chain's kernel is the dense one (longrun.Graph, O(n³)); above
// that it is applied to functions by the Poisson series on the graph
// (longrun.Sparse), and no n×n matrix is formed. σ the identity goes
// through the Lyapunov equation; on the sparse chain the kernel is applied
// once, to the 2d + 2d(2d+1)/2 functions y φ_i and φ_i φ_j of which the
// noise is a quadratic form in b (20000 nodes, 80000 edges, d = 1: 3.4 s
// on 2 cores), and Method reports the series' error bound. Other σ go
// through the particle flow with opt, the nodes being its training grid,
// on the sparse chain on the reduced path (the kernel applied to the few
// functions the noise needs, and the noise kept at low rank by randomised
// subspace iteration); its cost grows like n per step (Cora's 2708 nodes:
// 77 s on 2 cores, 112 s of CPU, 0.8 GB at M = 2048, M_f = 1024; 3.5
// times that with the self-check). Constant.U holds the node ids. The
// sparse chain needs a walk started from its stationary law that mixes
// (hold or restart for a periodic one). Errors: a nil walk
// (graphs.ErrParameter), those of longrun.Graph,
// longrun.SparseGraph, Linear and Particles (a reducible walk without
// restart: graphs.ErrParameter).
func GraphWalk(ctx context.Context, pr limits.Problem, w *walk.Graph, times []float64, opt Options) (*Constant, error) {
	if w == nil {
		return nil, fmt.Errorf("fluctuation: GraphWalk: nil walk: %w", graphs.ErrParameter)
	}
	sparse := w.Graph().NumNodes() > lowRankGrid
	return graphWalk(ctx, pr, w, times, opt, sparse)
}

// graphWalk is GraphWalk, with the sparse chain when sparse is set (for σ
// not the identity, on the reduced path).
func graphWalk(ctx context.Context, pr limits.Problem, w *walk.Graph, times []float64, opt Options, sparse bool) (*Constant, error) {
	n := w.Graph().NumNodes()
	d := w.Dim()
	var (
		pi, kern []float64
		sp       *longrun.Sparse
	)
	if sparse {
		var err error
		if sp, err = longrun.SparseGraph(w); err != nil {
			return nil, fmt.Errorf("fluctuation: GraphWalk: %w", err)
		}
		pi = sp.Pi
	} else {
		ch, err := longrun.Graph(w)
		if err != nil {
			return nil, fmt.Errorf("fluctuation: GraphWalk: %w", err)
		}
		pi, kern = ch.Pi, ch.K
	}
	g := &graphGrid{pr: pr, d: d, pi: pi, phi: make([]float64, n*2*d), y: make([]float64, n)}
	for i := range n {
		w.Phi(i, g.phi[i*2*d:(i+1)*2*d])
		g.y[i] = w.Target(i)
	}
	var (
		c   *Constant
		err error
	)
	if pr.Activation == activation.Identity {
		var kop func(dst, src []float64, m int) (float64, error)
		if sp != nil {
			kop = sp.Kernel
		}
		c, err = linear(ctx, g, times, kern, kop)
	} else {
		set := defaults
		set.kern = kern
		if sp != nil {
			set.kop = sp.Kernel
		}
		c, err = particles(ctx, g, times, opt, set)
	}
	if err != nil {
		return nil, err
	}
	c.Method += "; samples from a walk on a fixed graph: stationary law and long-run covariance"
	return c, nil
}
