package walk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// Graph is the walk sampler on a fixed graph: the sample at a visited node
// i is φ_i = (x_i, m_i) with m = S x computed once (S the aggregation), and
// y_i. The walk moves to a uniform neighbour (edge weights are ignored; a
// loop is a neighbour like any other); a node without neighbours stays. It
// satisfies gnn/shallow's StatefulSampler; it is not safe for concurrent
// use (Clone gives an independent copy at the same position).
type Graph struct {
	g     graphs.Graph
	d     int
	x, m  []float64 // n×d
	y     []float64 // n
	opt   Options
	pos   position
	edges int // Σ_i deg_i
	nodes []int
	lat   []float64 // latents of a graph drawn by NewRandomGraph (nil otherwise)
}

// NewGraph prepares the walk on g with features x (n×d, row-major), targets
// y (n) and the aggregation agg (rho: ρ of the graphon normalisation). x, y
// and g are kept, not copied. Errors: an empty or directed graph, a graph
// without edges (with r = 0 and a stationary start), shapes, those of
// Options.Validate and aggregation.Aggregation.Operator.
func NewGraph(g graphs.Graph, x []float64, d int, y []float64, agg aggregation.Aggregation, rho float64, opt Options) (*Graph, error) {
	const fn = "NewGraph"
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("walk: %s: %w", fn, err)
	}
	n := g.NumNodes()
	if n == 0 || d < 1 {
		return nil, fmt.Errorf("walk: %s: n=%d nodes, d=%d: need both ≥ 1: %w", fn, n, d, graphs.ErrParameter)
	}
	if g.Directed() {
		return nil, fmt.Errorf("walk: %s: directed graph: the walk's stationary law is deg_i/2m only on an undirected graph: %w", fn, graphs.ErrUnsupported)
	}
	if len(x) != n*d || len(y) != n {
		return nil, fmt.Errorf("walk: %s: len(x)=%d, len(y)=%d, want n·d=%d and n=%d: %w", fn, len(x), len(y), n*d, n, graphs.ErrShape)
	}
	op, err := agg.Operator(g, rho)
	if err != nil {
		return nil, fmt.Errorf("walk: %s: %w", fn, err)
	}
	w := &Graph{g: g, d: d, x: x, y: y, m: make([]float64, n*d), opt: opt, edges: g.NumEntries()}
	op.Apply(w.m, x, d)
	if w.edges == 0 && opt.Restart == 0 && !opt.Uniform {
		return nil, fmt.Errorf("walk: %s: a graph without edges has no stationary law deg_i/2m to start from: %w", fn, graphs.ErrParameter)
	}
	return w, nil
}

// NewRandomGraph draws one G(n, W, ρ) of the process p (generators.Sample
// with rng, nodes in increasing latent) with features x_i = X(u_i) + ε_i
// and targets y_i = Y(u_i) + ε_y drawn from rng after the graph (node by
// node: the d feature noises, then the target noise), and returns the walk
// on it. Errors: those of Process.Validate, generators.Sample and NewGraph.
func NewRandomGraph(p generators.Process, rng *rand.Rand, opt Options) (*Graph, error) {
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("walk: NewRandomGraph: %w", err)
	}
	if rng == nil {
		return nil, fmt.Errorf("walk: NewRandomGraph: nil rng: %w", graphs.ErrParameter)
	}
	g, u, err := generators.Sample(p.N, p.W, p.Rho, rng)
	if err != nil {
		return nil, fmt.Errorf("walk: NewRandomGraph: %w", err)
	}
	d := p.X.Dim()
	x := make([]float64, p.N*d)
	y := make([]float64, p.N)
	for i, ui := range u {
		xi := x[i*d : (i+1)*d]
		p.X.Eval(ui, xi)
		if p.NoiseX > 0 {
			for k := range xi {
				xi[k] += p.NoiseX * rng.NormFloat64()
			}
		}
		y[i] = p.Y.Eval(ui)
		if p.NoiseY > 0 {
			y[i] += p.NoiseY * rng.NormFloat64()
		}
	}
	w, err := NewGraph(g, x, d, y, p.Aggregation, p.Rho, opt)
	if err != nil {
		return nil, fmt.Errorf("walk: NewRandomGraph: %w", err)
	}
	w.lat = u
	return w, nil
}

// Dim returns d.
func (w *Graph) Dim() int { return w.d }

// Graph returns the graph walked on.
func (w *Graph) Graph() graphs.Graph { return w.g }

// Latents returns the latents u_i of a graph drawn by NewRandomGraph (the
// sampler's own slice: don't modify it), nil otherwise.
func (w *Graph) Latents() []float64 { return w.lat }

// Options returns the walk's options.
func (w *Graph) Options() Options { return w.opt }

// Position returns the current node and whether the walk has started.
func (w *Graph) Position() (node int, started bool) { return int(w.pos.at), w.pos.started }

// Clone returns an independent sampler at the same position (the graph and
// features are shared, read-only).
func (w *Graph) Clone() *Graph {
	c := *w
	c.nodes = nil
	return &c
}

// Reset puts the walk back before its start.
func (w *Graph) Reset() { w.pos = position{} }

const kindGraph = 1

// AppendState appends the walk's position (shallow.StatefulSampler).
func (w *Graph) AppendState(dst []byte) []byte { return w.pos.appendState(dst, kindGraph) }

// SetState restores a position AppendState encoded. Errors
// (graphs.ErrFormat): not a state of a graph walk, a node outside [0, n).
func (w *Graph) SetState(b []byte) error {
	p, err := readState("Graph.SetState", b, kindGraph)
	if err != nil {
		return err
	}
	if p.at >= uint64(w.g.NumNodes()) {
		return fmt.Errorf("walk: Graph.SetState: node %d not in [0, %d): %w", p.at, w.g.NumNodes(), graphs.ErrFormat)
	}
	w.pos = p
	return nil
}

// step moves the walk one step from node i.
func (w *Graph) step(rng *rand.Rand, i int) int {
	if w.opt.Restart > 0 && rng.Float64() < w.opt.Restart {
		return rng.IntN(w.g.NumNodes())
	}
	if w.opt.Hold > 0 && rng.Float64() < w.opt.Hold {
		return i
	}
	nb := w.g.Neighbours(i)
	if len(nb) == 0 {
		return i
	}
	return int(nb[rng.IntN(len(nb))])
}

// start draws the start: the end of a uniform edge entry (r = 0), or a
// uniform node followed by Geometric(r) steps (r > 0), or a uniform node
// (Options.Uniform); then BurnIn steps.
func (w *Graph) start(rng *rand.Rand) int {
	n := w.g.NumNodes()
	var i int
	switch {
	case w.opt.Uniform:
		i = rng.IntN(n)
	case w.opt.Restart == 0:
		_, nb, _ := w.g.CSR()
		i = int(nb[rng.IntN(len(nb))])
	default:
		i = rng.IntN(n)
		r := w.opt
		r.Restart = 0
		lazy := &Graph{g: w.g, opt: r}
		for range geometric(rng, w.opt.Restart) {
			i = lazy.step(rng, i)
		}
	}
	for range w.opt.BurnIn {
		i = w.step(rng, i)
	}
	return i
}

// Walk advances the walk by len(dst) samples and writes the visited nodes
// into dst: the first sample of a walk not yet started is its start (after
// the burn-in), each further one Thin steps after the previous.
func (w *Graph) Walk(rng *rand.Rand, dst []int) {
	th := w.opt.thin()
	i := int(w.pos.at)
	for b := range dst {
		if !w.pos.started {
			i = w.start(rng)
			w.pos.started = true
		} else {
			for range th {
				i = w.step(rng, i)
			}
		}
		dst[b] = i
	}
	w.pos.at = uint64(i)
}

// Sample advances the walk by B = len(y) samples (all moves first), then
// sets phi[b*2d:(b+1)*2d] = φ_{i_b} and y[b] = y_{i_b} for the visited
// nodes i_b (shallow.Sampler). Cost O(B·(Thin + d)) plus a draw per step.
// Errors: len(phi) ≠ 2d·len(y) (graphs.ErrShape), a nil rng.
func (w *Graph) Sample(rng *rand.Rand, phi, y []float64) error {
	p := 2 * w.d
	if len(phi) != p*len(y) {
		return fmt.Errorf("walk: Graph.Sample: len(phi)=%d, want 2d·B=%d: %w", len(phi), p*len(y), graphs.ErrShape)
	}
	if rng == nil {
		return fmt.Errorf("walk: Graph.Sample: nil rng: %w", graphs.ErrParameter)
	}
	w.nodes = slices.Grow(w.nodes[:0], len(y))[:len(y)]
	w.Walk(rng, w.nodes)
	d := w.d
	for b, i := range w.nodes {
		copy(phi[b*p:b*p+d], w.x[i*d:(i+1)*d])
		copy(phi[b*p+d:(b+1)*p], w.m[i*d:(i+1)*d])
		y[b] = w.y[i]
	}
	return nil
}

// Transition returns the transition operator of one sample on the nodes,
// Thin steps of P_{h,r} (Options.Lazy), n×n row-major; it is dense, so n
// is limited to 2^13 (graphs.ErrTooLarge).
func (w *Graph) Transition() ([]float64, error) {
	n := w.g.NumNodes()
	if n > 1<<13 {
		return nil, fmt.Errorf("walk: Graph.Transition: n=%d above 2^13 for a dense operator: %w", n, graphs.ErrTooLarge)
	}
	p := make([]float64, n*n)
	for i := range n {
		nb := w.g.Neighbours(i)
		if len(nb) == 0 {
			p[i*n+i] = 1
			continue
		}
		for _, j := range nb {
			p[i*n+int(j)] += 1 / float64(len(nb))
		}
	}
	u := make([]float64, n)
	for i := range u {
		u[i] = 1 / float64(n)
	}
	return w.opt.Lazy(p, u), nil
}

// Stationary returns the stationary law of the walk on the nodes: deg_i /
// Σ_j deg_j when r = 0 (the law the walk starts from); with restart, π_r =
// r U Σ_j (1 − r)^j P_h^j, summed by the iteration π ← r U + (1 − r) π P_h
// to 10⁻¹⁵ (O(entries·log(1/10⁻¹⁵)/r) time).
func (w *Graph) Stationary() []float64 {
	n := w.g.NumNodes()
	pi := make([]float64, n)
	if w.opt.Restart == 0 {
		for i := range n {
			pi[i] = float64(w.g.Degree(i)) / float64(w.edges)
		}
		return pi
	}
	r, h := w.opt.Restart, w.opt.Hold
	for i := range pi {
		pi[i] = 1 / float64(n)
	}
	next := make([]float64, n)
	for range 1 << 20 {
		for i := range next {
			next[i] = r/float64(n) + (1-r)*h*pi[i]
		}
		for i := range n {
			nb := w.g.Neighbours(i)
			if len(nb) == 0 {
				next[i] += (1 - r) * (1 - h) * pi[i]
				continue
			}
			f := (1 - r) * (1 - h) * pi[i] / float64(len(nb))
			for _, j := range nb {
				next[j] += f
			}
		}
		diff := 0.0
		for i := range pi {
			diff += math.Abs(next[i] - pi[i])
		}
		pi, next = next, pi
		if diff < 1e-15 {
			break
		}
	}
	return pi
}

// Phi writes φ_i = (x_i, m_i) into dst (len ≥ 2d). Like a slice index, it
// panics if i is not in [0, n).
func (w *Graph) Phi(i int, dst []float64) {
	d := w.d
	copy(dst[:d], w.x[i*d:(i+1)*d])
	copy(dst[d:2*d], w.m[i*d:(i+1)*d])
}

// Target returns y_i. Like a slice index, it panics if i is not in [0, n).
func (w *Graph) Target(i int) float64 { return w.y[i] }
