package shallow

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"fmt"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
)

// FuncSampler draws u ~ U[0,1] and returns φ = (X(u), M(u)), y = Y(u): with
// M = T_W X it samples π_∞, the n → ∞ law of a sample (docs/mathematics.md
// §4). It satisfies Sampler and, when W and a quadrature rule are set,
// NeighbourSampler.
//
// For model B the neighbourhood of u is the quadrature rule itself: entries
// v_q = Nodes[q] with weight Weights[q]·W(u, v_q) and input
// φ(v_q) = (X(v_q), M(v_q)), so that Σ_e ω_e σ(a·φ_e) ≈ (T_W σ(a·φ))(u),
// the graphon limit of model B's aggregation; entries of weight 0 are
// skipped.
//
// The functions must be safe for concurrent use if the sampler is shared
// between goroutines; they are called from the caller's goroutine only. The
// sampler keeps its fields and never modifies them.
type FuncSampler struct {
	D int                            // d
	X func(u float64, dst []float64) // writes X(u) ∈ ℝ^d into dst (len d)
	M func(u float64, dst []float64) // writes M(u) ∈ ℝ^d, e.g. (T_W X)(u)
	Y func(u float64) float64        // target Y(u)

	W       func(u, v float64) float64 // graphon, for NeighbourSampler
	Nodes   []float64                  // quadrature nodes v_q in [0,1]
	Weights []float64                  // quadrature weights, Σ ≈ 1
}

// Dim returns d.
func (s *FuncSampler) Dim() int { return s.D }

func (s *FuncSampler) phi(u float64, dst []float64) {
	s.X(u, dst[:s.D])
	s.M(u, dst[s.D:2*s.D])
}

// Sample draws u_b = rng.Float64() for b = 0..B−1 (all latents first, as the
// coupling contract asks), then fills phi and y. Errors: graphs.ErrShape if
// len(phi) ≠ 2d·len(y), graphs.ErrParameter if a function is nil or d < 1.
func (s *FuncSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	if err := s.check("Sample", false); err != nil {
		return err
	}
	p := 2 * s.D
	if len(phi) != p*len(y) {
		return fmt.Errorf("shallow: FuncSampler.Sample: len(phi)=%d, want 2d·B=%d: %w", len(phi), p*len(y), graphs.ErrShape)
	}
	for b := range y {
		y[b] = rng.Float64() // the latent, replaced by Y(u) below
	}
	for b, u := range y {
		s.phi(u, phi[b*p:(b+1)*p])
		y[b] = s.Y(u)
	}
	return nil
}

// SampleNeighbours implements NeighbourSampler (see the type's doc). It draws
// the B latents exactly as Sample does. Cost O(B·len(Nodes)) function calls.
func (s *FuncSampler) SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) ([]float64, []float64, error) {
	if err := s.check("SampleNeighbours", true); err != nil {
		return w, phi, err
	}
	if len(end) != len(y) {
		return w, phi, fmt.Errorf("shallow: FuncSampler.SampleNeighbours: len(end)=%d, len(y)=%d: %w", len(end), len(y), graphs.ErrShape)
	}
	for b := range y {
		y[b] = rng.Float64()
	}
	for b, u := range y {
		w, phi = s.neighbourhood(u, w, phi)
		end[b] = len(w)
		y[b] = s.Y(u)
	}
	return w, phi, nil
}

// neighbourhood appends the quadrature entries of latent u.
func (s *FuncSampler) neighbourhood(u float64, w, phi []float64) ([]float64, []float64) {
	p := 2 * s.D
	for q, v := range s.Nodes {
		wq := s.Weights[q] * s.W(u, v)
		if wq == 0 {
			continue
		}
		w = append(w, wq)
		k := len(phi)
		phi = append(phi, make([]float64, p)...)
		s.phi(v, phi[k:k+p])
	}
	return w, phi
}

func (s *FuncSampler) check(fn string, nbr bool) error {
	if s.D < 1 || s.X == nil || s.M == nil || s.Y == nil {
		return fmt.Errorf("shallow: FuncSampler.%s: D=%d, X, M, Y must be set: %w", fn, s.D, graphs.ErrParameter)
	}
	if nbr && (s.W == nil || len(s.Nodes) == 0 || len(s.Nodes) != len(s.Weights)) {
		return fmt.Errorf("shallow: FuncSampler.%s: W, Nodes, Weights (len %d, %d) must be set and agree: %w", fn, len(s.Nodes), len(s.Weights), graphs.ErrParameter)
	}
	return nil
}

// GraphSampler is the fixed-graph sampler of docs/mathematics.md §3.2: each sample is
// a node i drawn uniformly (with replacement) from one given graph, with
// φ_i = (x_i, m_i), m = S x computed once by NewGraphSampler, and y_i. For
// model B its neighbourhood is row i of the aggregation operator S (the
// graph's row, with the loop where the aggregation adds one) with weights
// S_ij and inputs φ_j = (x_j, m_j). It is immutable and safe for concurrent
// use.
type GraphSampler struct {
	g  graphs.Graph
	d  int
	x  []float64 // n×d, kept
	m  []float64 // n×d
	y  []float64 // n, kept
	op *aggregation.Operator
}

// NewGraphSampler prepares the sampler for graph g, features x (n×d,
// row-major) and targets y (n), with the aggregation agg (rho: ρ of the
// graphon normalisation 1/(nρ)). x, y and g are kept, not copied: don't
// modify them while the sampler is in use. Cost O((n + entries)·d) for m,
// parallel. Errors (graphs.ErrShape, graphs.ErrParameter): empty graph,
// len(x) ≠ n·d, len(y) ≠ n, d < 1, and those of
// aggregation.Aggregation.Operator.
func NewGraphSampler(g graphs.Graph, x []float64, d int, y []float64, agg aggregation.Aggregation, rho float64) (*GraphSampler, error) {
	n := g.NumNodes()
	if n == 0 {
		return nil, fmt.Errorf("shallow: NewGraphSampler: graph has n=0 nodes: %w", graphs.ErrParameter)
	}
	if d < 1 {
		return nil, fmt.Errorf("shallow: NewGraphSampler: d=%d < 1: %w", d, graphs.ErrParameter)
	}
	if len(x) != n*d || len(y) != n {
		return nil, fmt.Errorf("shallow: NewGraphSampler: len(x)=%d, len(y)=%d, want n·d=%d and n=%d: %w", len(x), len(y), n*d, n, graphs.ErrShape)
	}
	op, err := agg.Operator(g, rho)
	if err != nil {
		return nil, fmt.Errorf("shallow: NewGraphSampler: %w", err)
	}
	s := &GraphSampler{g: g, d: d, x: x, y: y, m: make([]float64, n*d), op: op}
	op.Apply(s.m, x, d)
	return s, nil
}

// Dim returns d.
func (s *GraphSampler) Dim() int { return s.d }

// M returns the aggregated features m = S x (n×d), the sampler's own slice:
// read it, don't modify it.
func (s *GraphSampler) M() []float64 { return s.m }

// Phi writes φ_i = (x_i, m_i) into dst (len ≥ 2d). Like a slice index, it
// panics if i is not in [0, n).
func (s *GraphSampler) Phi(i int, dst []float64) {
	d := s.d
	copy(dst[:d], s.x[i*d:(i+1)*d])
	copy(dst[d:2*d], s.m[i*d:(i+1)*d])
}

// neighbourhood appends node i's entries: row i of S with weights S_ij and
// inputs φ_j.
func (s *GraphSampler) neighbourhood(i int, w, phi []float64) ([]float64, []float64) {
	p := 2 * s.d
	cols, coef := s.op.Row(i)
	w = append(w, coef...)
	for _, j := range cols {
		k := len(phi)
		phi = append(phi, make([]float64, p)...)
		s.Phi(int(j), phi[k:k+p])
	}
	return w, phi
}

// nodes draws the B node ids first (coupling contract), kept in y.
func (s *GraphSampler) nodes(rng *rand.Rand, y []float64) {
	n := s.g.NumNodes()
	for b := range y {
		y[b] = float64(rng.IntN(n)) // exact: n ≤ 2^31
	}
}

// Sample draws B = len(y) nodes i_b = rng.IntN(n) (all ids first), then sets
// phi[b*2d:(b+1)*2d] = φ_{i_b} and y[b] = y_{i_b}. Cost O(B·d). Errors:
// graphs.ErrShape if len(phi) ≠ 2d·len(y).
func (s *GraphSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	p := 2 * s.d
	if len(phi) != p*len(y) {
		return fmt.Errorf("shallow: GraphSampler.Sample: len(phi)=%d, want 2d·B=%d: %w", len(phi), p*len(y), graphs.ErrShape)
	}
	s.nodes(rng, y)
	for b, f := range y {
		i := int(f)
		s.Phi(i, phi[b*p:(b+1)*p])
		y[b] = s.y[i]
	}
	return nil
}

// SampleNeighbours implements NeighbourSampler: the same node draws as
// Sample, each followed by its row's entries (see the type's doc). Cost
// O(Σ_b deg(i_b)·d).
func (s *GraphSampler) SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) ([]float64, []float64, error) {
	if len(end) != len(y) {
		return w, phi, fmt.Errorf("shallow: GraphSampler.SampleNeighbours: len(end)=%d, len(y)=%d: %w", len(end), len(y), graphs.ErrShape)
	}
	s.nodes(rng, y)
	for b, f := range y {
		i := int(f)
		w, phi = s.neighbourhood(i, w, phi)
		end[b] = len(w)
		y[b] = s.y[i]
	}
	return w, phi, nil
}

// At returns the batch of the latents u (no randomness): φ(u_q) for
// ModelA, the quadrature neighbourhoods for ModelB (see the type's doc), and
// y_q = Y(u_q); with u the nodes of a quadrature rule it is the evaluation
// set of the function error e_fun (docs/mathematics.md §5.2). u is not kept. Cost
// O(len(u)) function calls (times len(Nodes) for ModelB). Errors as Sample
// and SampleNeighbours.
func (s *FuncSampler) At(u []float64, v Variant) (*Samples, error) {
	if err := s.check("At", v == ModelB); err != nil {
		return nil, err
	}
	p := 2 * s.D
	b := &Samples{Dim: s.D, Y: make([]float64, len(u))}
	switch v {
	case ModelA:
		b.Phi = make([]float64, len(u)*p)
		for i, ui := range u {
			s.phi(ui, b.Phi[i*p:(i+1)*p])
		}
	case ModelB:
		b.End = make([]int, len(u))
		for i, ui := range u {
			b.Weight, b.NbrPhi = s.neighbourhood(ui, b.Weight, b.NbrPhi)
			b.End[i] = len(b.Weight)
		}
	default:
		return nil, fmt.Errorf("shallow: FuncSampler.At: variant=%v: %w", v, graphs.ErrParameter)
	}
	for i, ui := range u {
		b.Y[i] = s.Y(ui)
	}
	return b, nil
}

// At returns the batch of the given nodes (no randomness), as Sample
// (ModelA) or SampleNeighbours (ModelB) would fill it for those nodes; for
// all nodes 0..n−1 it is the evaluation set of the node error e_node
// (docs/mathematics.md §5.2). nodes is not kept. Errors: a node id outside [0, n)
// (graphs.ErrNodeID), an unknown variant (graphs.ErrParameter).
func (s *GraphSampler) At(nodes []int, v Variant) (*Samples, error) {
	n := s.g.NumNodes()
	for _, i := range nodes {
		if i < 0 || i >= n {
			return nil, fmt.Errorf("shallow: GraphSampler.At: node %d not in [0, %d): %w", i, n, graphs.ErrNodeID)
		}
	}
	p := 2 * s.d
	b := &Samples{Dim: s.d, Y: make([]float64, len(nodes))}
	switch v {
	case ModelA:
		b.Phi = make([]float64, len(nodes)*p)
		for q, i := range nodes {
			s.Phi(i, b.Phi[q*p:(q+1)*p])
		}
	case ModelB:
		b.End = make([]int, len(nodes))
		for q, i := range nodes {
			b.Weight, b.NbrPhi = s.neighbourhood(i, b.Weight, b.NbrPhi)
			b.End[q] = len(b.Weight)
		}
	default:
		return nil, fmt.Errorf("shallow: GraphSampler.At: variant=%v: %w", v, graphs.ErrParameter)
	}
	for q, i := range nodes {
		b.Y[q] = s.y[i]
	}
	return b, nil
}
