package generators

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sort"
	"sync"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Process is the data-generating process of docs/mathematics.md §3: a node of
// G(n, W, ρ) with latent u has features x = X(u) + ε_x, target
// y = Y(u) + ε_y (ε_x ~ N(0, NoiseX² I_d), ε_y ~ N(0, NoiseY²), i.i.d. over
// nodes) and aggregated features m = (S x)_i, S the aggregation of the
// process (package graphs/aggregation; the zero value is the graphon
// normalisation m_i = (1/(nρ)) Σ_j A_ij x_j, the others are the sum, the
// mean and the symmetric one, each with a self-loop policy; m aggregates
// the noisy features). The sample of a training step is φ_i = (x_i, m_i) ∈ ℝ^{2d} and
// y_i. NewEgoSampler and NewWholeGraphSampler draw it exactly. A Process is
// plain data; the samplers copy it.
type Process struct {
	W           Graphon
	Rho         float64 // ρ in (0,1]
	N           int     // n ≥ 1 nodes
	X           Signal  // X: [0,1] → ℝ^d
	Y           Target  // Y: [0,1] → ℝ
	NoiseX      float64 // standard deviation of the noise on each feature, ≥ 0
	NoiseY      float64 // standard deviation of the noise on y, ≥ 0
	Aggregation aggregation.Aggregation
}

// Validate checks the process. Errors (graphs.ErrParameter unless noted): the
// zero Graphon, ρ outside (0,1] or NaN, n < 1, n > graphs.MaxNodes
// (ErrTooLarge), a zero Signal or Target, a noise level negative or not
// finite, an unknown aggregation.
func (p Process) Validate() error {
	_, err := p.check("Process.Validate")
	return err
}

func (p Process) check(fn string) (aggregation.Aggregation, error) {
	var none aggregation.Aggregation
	if err := p.W.valid(fn); err != nil {
		return none, err
	}
	if !(p.Rho > 0 && p.Rho <= 1) {
		return none, fmt.Errorf("generators: %s: rho=%v not in (0,1]: %w", fn, p.Rho, graphs.ErrParameter)
	}
	if p.N < 1 {
		return none, fmt.Errorf("generators: %s: n=%d, need at least one node: %w", fn, p.N, graphs.ErrParameter)
	}
	if p.N > graphs.MaxNodes {
		return none, fmt.Errorf("generators: %s: n=%d exceeds the largest graph, %d nodes: %w", fn, p.N, graphs.MaxNodes, graphs.ErrTooLarge)
	}
	if err := p.X.valid(fn); err != nil {
		return none, err
	}
	if err := p.Y.valid(fn); err != nil {
		return none, err
	}
	if !(p.NoiseX >= 0 && p.NoiseX <= maxNoise) {
		return none, fmt.Errorf("generators: %s: noise_x=%v not in [0, %g]: %w", fn, p.NoiseX, maxNoise, graphs.ErrParameter)
	}
	if !(p.NoiseY >= 0 && p.NoiseY <= maxNoise) {
		return none, fmt.Errorf("generators: %s: noise_y=%v not in [0, %g]: %w", fn, p.NoiseY, maxNoise, graphs.ErrParameter)
	}
	if err := p.Aggregation.Validate(); err != nil {
		return none, fmt.Errorf("generators: %s: %w", fn, err)
	}
	return p.Aggregation, nil
}

// maxNoise bounds the noise standard deviations: larger ones are
// meaningless and overflow the losses.
const maxNoise = 1e6

func checkBatch(fn string, batch, limit int) error {
	if batch < 1 || batch > limit {
		return fmt.Errorf("generators: %s: batch=%d not in [1, %d]: %w", fn, batch, limit, graphs.ErrParameter)
	}
	return nil
}

// maxBatch bounds B for the ego sampler (B·2d floats per step).
const maxBatch = 1 << 30

// EgoSampler draws training samples (φ_i, y_i) of a Process one node at a
// time, without building the graph: each is an exact draw from π_n, the law
// of a uniformly chosen node of G(n, W, ρ) (docs/mathematics.md §3), i.i.d.
// across samples. It satisfies gnn/shallow's Sampler (model A).
//
// One sample with latent u: K ~ Binomial(n−1, ρ d_W(u)) neighbours with
// latents v_1..v_K i.i.d. of density W(u,·)/d_W(u) (Ego.DrawAt); x = X(u) + ε,
// x_j = X(v_j) + ε_j; m = r·Σ_j x_j with the row factor r of the
// aggregation at degree K (aggregation.Norm.Factors): 1/(nρ) (graphon), 1
// (sum) or 1/K (mean; m = 0 when K = 0). With a loop policy other than
// none the node's own x is added after its neighbours' and the degree is
// K + 1 (a W-random graph stores no loops, so add and add-missing agree).
// Given u, the edges of the node
// and its neighbours' latents and noises are independent of everything
// else, so this is exactly the graph's law.
//
// The symmetric aggregation is refused (graphs.ErrUnsupported): its weight
// 1/sqrt(d̃_j) needs the degrees of the neighbours jointly, and these are
// dependent through the latents of the nodes they share (common
// neighbours, and the non-neighbours of i whose latents are conditioned by
// not being adjacent to i), so drawing each as 1 + Binomial(n−2, ρ d_W(v_j))
// independently is only approximate. Use the whole-graph sampler for it.
// Model B (which needs the neighbours' own m_j, two hops) is not offered
// either, for the same reason.
//
// An EgoSampler is immutable and safe for concurrent use, each goroutine
// with its own rng.
type EgoSampler struct {
	p     Process
	agg   aggregation.Aggregation
	ego   *Ego
	batch int
	d     int
	nrho  float64 // nρ

	scratch sync.Pool // *egoScratch: buffers only, no state carried between calls
}

// NewEgoSampler prepares the ego sampler of p for batches of B = batch
// samples. p is copied (its Graphon, Signal and Target functions are kept).
// Cost O(1) beyond NewEgo's. Errors: those of Process.Validate and NewEgo,
// batch outside [1, 2^30] (graphs.ErrParameter), the symmetric aggregation
// (graphs.ErrUnsupported).
func NewEgoSampler(p Process, batch int) (*EgoSampler, error) {
	const fn = "NewEgoSampler"
	agg, err := p.check(fn)
	if err != nil {
		return nil, err
	}
	if agg.Norm == aggregation.Symmetric {
		return nil, fmt.Errorf("generators: %s: the symmetric aggregation needs the neighbours' joint degrees, which the ego sampler cannot draw exactly; use the whole-graph sampler: %w", fn, graphs.ErrUnsupported)
	}
	if err := checkBatch(fn, batch, maxBatch); err != nil {
		return nil, err
	}
	ego, err := NewEgo(p.N, p.W, p.Rho)
	if err != nil {
		return nil, err
	}
	return &EgoSampler{p: p, agg: agg, ego: ego, batch: batch, d: p.X.Dim(), nrho: float64(p.N) * p.Rho}, nil
}

// Dim returns d, the dimension of X; a sample φ has 2d entries.
func (s *EgoSampler) Dim() int { return s.d }

// Batch returns B, the number of samples Sample draws.
func (s *EgoSampler) Batch() int { return s.batch }

// Sample draws B samples: phi[b*2d:(b+1)*2d] = (x_b, m_b) and y[b].
//
// Order of the draws from rng (the coupling contract of gnn/shallow,
// docs/mathematics.md §5): first the B latents u_b = rng.Float64(), b = 0..B−1;
// then, for b = 0..B−1 in turn, the neighbours of node b (Ego.DrawAt), the d
// normals of x_b's noise, the d normals of each neighbour's noise in turn,
// and the normal of y_b's noise (noise draws only when its level is > 0).
// Samplers of the same W with different n, ρ, X, Y or aggregation therefore
// share the latents u_b.
//
// Cost O(B·(1 + nρ)·d) expected; buffers are pooled, so a call does not
// allocate in the steady state. Errors: len(y) ≠ B or len(phi) ≠ 2d·B (graphs.ErrShape), a nil rng,
// a GraphonFunc value outside [0,1] (graphs.ErrParameter; see Ego.Err).
func (s *EgoSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	const fn = "EgoSampler.Sample"
	if err := checkRand(fn, rng); err != nil {
		return err
	}
	p := 2 * s.d
	if len(y) != s.batch || len(phi) != p*s.batch {
		return fmt.Errorf("generators: %s: len(y)=%d, len(phi)=%d, want B=%d and 2d·B=%d: %w", fn, len(y), len(phi), s.batch, p*s.batch, graphs.ErrShape)
	}
	for b := range y {
		y[b] = rng.Float64() // the latents first; y[b] = Y(u_b) below
	}
	sc, _ := s.scratch.Get().(*egoScratch)
	if sc == nil {
		sc = &egoScratch{xj: make([]float64, s.d)}
	}
	for b, u := range y {
		sc.nbr = s.ego.DrawAt(rng, u, sc.nbr)
		y[b] = s.one(rng, u, sc.nbr, phi[b*p:(b+1)*p], sc.xj)
	}
	s.scratch.Put(sc)
	return s.ego.Err()
}

// egoScratch is the per-call scratch of EgoSampler.Sample, pooled.
type egoScratch struct {
	nbr, xj []float64
}

// one fills φ = (x, m) of the node with latent u and neighbours' latents
// nbr, drawing the noises, and returns y. xj is scratch of length d.
func (s *EgoSampler) one(rng *rand.Rand, u float64, nbr, phi, xj []float64) float64 {
	d := s.d
	x, m := phi[:d], phi[d:2*d]
	s.p.X.Eval(u, x)
	addNoise(rng, x, s.p.NoiseX)
	clear(m)
	for _, v := range nbr {
		s.p.X.Eval(v, xj)
		addNoise(rng, xj, s.p.NoiseX)
		for k, a := range xj {
			m[k] += a
		}
	}
	deg := float64(len(nbr))
	if s.agg.Loops != aggregation.NoLoops {
		for k, a := range x {
			m[k] += a
		}
		deg++
	}
	c, _ := s.agg.Norm.Factors(deg, s.nrho)
	for k := range m {
		m[k] *= c
	}
	y := s.p.Y.Eval(u)
	if s.p.NoiseY > 0 {
		y += s.p.NoiseY * rng.NormFloat64()
	}
	return y
}

func addNoise(rng *rand.Rand, x []float64, sd float64) {
	if sd > 0 {
		for k := range x {
			x[k] += sd * rng.NormFloat64()
		}
	}
}

// WholeGraphSampler draws, at every step, a fresh G(n, W, ρ) with the
// features and targets of a Process, and returns B distinct nodes of it
// (B = n: all nodes, in random order). It satisfies gnn/shallow's
// Sampler (model A) and NeighbourSampler (model B), for every aggregation.
//
// Coupling: the graph's n latents are drawn as u_0..u_{n−1} =
// rng.Float64() in turn, and the B sampled nodes are the nodes with the
// first B latents. By exchangeability these are B uniformly chosen distinct
// nodes of an exact G(n, W, ρ), and the ego sampler of the same W and the
// same rng sees the same latents u_0..u_{B−1}.
//
// An immutable WholeGraphSampler is safe for concurrent use, each goroutine
// with its own rng; each call allocates the graph (O(n + |E|) memory).
type WholeGraphSampler struct {
	p     Process
	agg   aggregation.Aggregation
	batch int
	d     int
	// envelope cells for the candidate SBM (see Sample in sample.go)
	breaks, wbar, q []float64
}

// NewWholeGraphSampler prepares the whole-graph sampler of p for batches of
// B = batch nodes, 1 ≤ B ≤ n. p is copied (its functions are kept). Errors:
// those of Process.Validate, batch outside [1, n] (graphs.ErrParameter), an
// expected edge count beyond memory (graphs.ErrTooLarge), a GraphonFunc
// whose t(K2) quadrature meets a value outside [0,1].
func NewWholeGraphSampler(p Process, batch int) (*WholeGraphSampler, error) {
	const fn = "NewWholeGraphSampler"
	agg, err := p.check(fn)
	if err != nil {
		return nil, err
	}
	if err := checkBatch(fn, batch, p.N); err != nil {
		return nil, err
	}
	t2, err := p.W.EdgeDensity()
	if err != nil {
		return nil, err
	}
	mean := p.Rho * t2 * pairsBelow(0, p.N)
	if err := checkSize(fn, p.N, mean+6*math.Sqrt(mean), false); err != nil {
		return nil, err
	}
	s := &WholeGraphSampler{p: p, agg: agg, batch: batch, d: p.X.Dim()}
	if p.W.d.kind != kindConstant {
		s.breaks = p.W.cells(envelopeCells(p.Rho * t2 * float64(p.N-1)))
		s.wbar = p.W.envelope(s.breaks)
		s.q = make([]float64, len(s.wbar))
		for a, x := range s.wbar {
			s.q[a] = p.Rho * x
		}
	}
	return s, nil
}

// Dim returns d; a sample φ has 2d entries.
func (s *WholeGraphSampler) Dim() int { return s.d }

// Batch returns B.
func (s *WholeGraphSampler) Batch() int { return s.batch }

// wholeGraph is one step's graph with its nodes sorted by latent.
type wholeGraph struct {
	g    graphs.Graph
	pos  []int     // pos[b]: the sorted index of the node with the b-th latent drawn
	lat  []float64 // sorted latents
	x, m []float64 // n×d, sorted order
	// S_ij = row[i]·col[j] for an edge j → i of g (col nil: 1) and, when
	// the aggregation adds loops (g has none), S_ii = row[i]·col[i]; the
	// factors are aggregation.Norm.Factors of the looped degrees.
	row, col []float64
	loop     bool
	focal    []float64 // u_b, b < B
}

// draw builds one step's graph. Order of the draws from rng: the n latents
// (the B sampled nodes' first), one Uint64 seeding the edges (parallel
// streams), the n·d feature noises in the order the latents were drawn (only
// when NoiseX > 0). The B target noises are drawn by the caller after.
func (s *WholeGraphSampler) draw(fn string, rng *rand.Rand) (*wholeGraph, error) {
	if err := checkRand(fn, rng); err != nil {
		return nil, err
	}
	p := &s.p
	n, d := p.N, s.d
	raw := make([]float64, n)
	for i := range raw {
		raw[i] = rng.Float64()
	}
	order := make([]int, n) // order[k]: the draw index of the k-th smallest latent
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c := cmp.Compare(raw[a], raw[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	wg := &wholeGraph{pos: make([]int, n), lat: make([]float64, n), focal: raw[:s.batch]}
	for k, i := range order {
		wg.pos[i] = k
		wg.lat[k] = raw[i]
	}
	base := rng.Uint64()
	g, err := s.graph(fn, wg.lat, base)
	if err != nil {
		return nil, err
	}
	wg.g = g
	wg.x = make([]float64, n*d)
	for k, u := range wg.lat {
		p.X.Eval(u, wg.x[k*d:(k+1)*d])
	}
	if p.NoiseX > 0 {
		for i := range raw {
			addNoise(rng, wg.x[wg.pos[i]*d:(wg.pos[i]+1)*d], p.NoiseX)
		}
	}
	s.factors(wg)
	wg.m = make([]float64, n*d)
	aggregateRows(wg, d)
	return wg, nil
}

// graph samples the edges of G(n, W, ρ) given the sorted latents u, exactly
// as Sample does after drawing them.
func (s *WholeGraphSampler) graph(fn string, u []float64, base uint64) (graphs.Graph, error) {
	n := len(u)
	w := s.p.W
	ctx := context.Background()
	if w.d.kind == kindConstant {
		blocks, err := erBlocks(ctx, fn, n, s.p.Rho*w.d.p, base, nil)
		if err != nil {
			return graphs.Graph{}, err
		}
		return graphs.FromLowerBlocks(n, blocks)
	}
	k := len(s.breaks) - 1
	start := make([]int, k+1)
	for a := 1; a < k; a++ {
		start[a] = sort.SearchFloat64s(u, s.breaks[a])
	}
	start[k] = n
	pl := newPlan(n, start, s.q, s.wbar)
	if w.d.kind != kindSBM {
		pl.thin = w.pairFunc(u)
		if w.d.checkW {
			pl.check = true
			pl.bad = func(i, j int, x float64) error { return w.badValue(fn, u[i], u[j], x) }
		}
	}
	return pl.run(ctx, fn, base, nil)
}

const aggChunk = 1024 // rows per parallel chunk

// factors sets the aggregation's row and column factors on wg's graph, a
// W-random graph without loops: the looped degree is deg_i + 1 when the
// aggregation adds loops (add and add-missing agree here).
func (s *WholeGraphSampler) factors(wg *wholeGraph) {
	n := wg.g.NumNodes()
	nrho := float64(n) * s.p.Rho
	wg.loop = s.agg.Loops != aggregation.NoLoops
	wg.row = make([]float64, n)
	if s.agg.Norm == aggregation.Symmetric {
		wg.col = make([]float64, n)
	}
	for i := range n {
		deg := float64(wg.g.Degree(i))
		if wg.loop {
			deg++
		}
		r, c := s.agg.Norm.Factors(deg, nrho)
		wg.row[i] = r
		if wg.col != nil {
			wg.col[i] = c
		}
	}
}

// weight returns S_ij for an entry j of row i (or the loop, j = i).
func (wg *wholeGraph) weight(i int, j int32) float64 {
	w := wg.row[i]
	if wg.col != nil {
		w *= wg.col[j]
	}
	return w
}

// aggregateRows sets wg.m = S wg.x, parallel over fixed row chunks, the
// entries of a row in order and then the loop (multiply, then add: the
// samplers' m is the same bits on every processor).
func aggregateRows(wg *wholeGraph, d int) {
	n := wg.g.NumNodes()
	off, nbr, _ := wg.g.CSR()
	parallel.For(parallel.Chunks(n, aggChunk), func(c int) {
		lo, hi := parallel.Range(c, aggChunk, n)
		for i := lo; i < hi; i++ {
			mi := wg.m[i*d : (i+1)*d]
			for e := off[i]; e < off[i+1]; e++ {
				j := nbr[e]
				w := wg.weight(i, j)
				xj := wg.x[int(j)*d : int(j+1)*d]
				for k := range mi {
					mi[k] += w * xj[k]
				}
			}
			if wg.loop {
				w := wg.weight(i, int32(i))
				xi := wg.x[i*d : (i+1)*d]
				for k := range mi {
					mi[k] += w * xi[k]
				}
			}
		}
	})
}

// targets sets y[b] = Y(u_b) + noise, drawing the B noises in order.
func (s *WholeGraphSampler) targets(rng *rand.Rand, wg *wholeGraph, y []float64) {
	for b, u := range wg.focal {
		y[b] = s.p.Y.Eval(u)
		if s.p.NoiseY > 0 {
			y[b] += s.p.NoiseY * rng.NormFloat64()
		}
	}
}

// Sample draws a fresh graph and fills, for its B sampled nodes,
// phi[b*2d:(b+1)*2d] = (x_b, m_b) and y[b]. Order of the draws from rng: the
// n latents (the B sampled nodes' first), one Uint64 seeding the edges, the
// n·d feature noises (NoiseX > 0), the B target noises (NoiseY > 0).
//
// Cost O(n log n + |E| + (n + |E|)·d), the edges in parallel with fixed
// blocks (the same bits for any GOMAXPROCS). Errors: len(y) ≠ B or
// len(phi) ≠ 2d·B (graphs.ErrShape), a nil rng, a GraphonFunc value
// outside [0,1] (graphs.ErrParameter).
func (s *WholeGraphSampler) Sample(rng *rand.Rand, phi, y []float64) error {
	const fn = "WholeGraphSampler.Sample"
	p := 2 * s.d
	if len(y) != s.batch || len(phi) != p*s.batch {
		return fmt.Errorf("generators: %s: len(y)=%d, len(phi)=%d, want B=%d and 2d·B=%d: %w", fn, len(y), len(phi), s.batch, p*s.batch, graphs.ErrShape)
	}
	wg, err := s.draw(fn, rng)
	if err != nil {
		return err
	}
	d := s.d
	for b := range s.batch {
		k := wg.pos[b]
		copy(phi[b*p:b*p+d], wg.x[k*d:(k+1)*d])
		copy(phi[b*p+d:(b+1)*p], wg.m[k*d:(k+1)*d])
	}
	s.targets(rng, wg, y)
	return nil
}

// SampleNeighbours implements gnn/shallow's NeighbourSampler (model B):
// it draws a fresh graph as Sample does (the same draws in the same order,
// so the same graph, features and targets for the same rng) and, for each
// sampled node i = b in turn, appends its row's entries to w and phi: the
// coefficient S_ij of the aggregation (a loop, where the policy adds one,
// comes last) and φ_j = (x_j, m_j), the
// neighbour's features and its own aggregated features; end[b] = len(w)
// after node b. So Σ_{e of b} ω_e x_e = m_b. Returns the extended slices.
//
// Cost as Sample plus O(Σ_b deg_b·d). Errors: len(end) ≠ len(y) or
// len(y) ≠ B (graphs.ErrShape), and Sample's.
func (s *WholeGraphSampler) SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) ([]float64, []float64, error) {
	const fn = "WholeGraphSampler.SampleNeighbours"
	if len(y) != s.batch || len(end) != len(y) {
		return w, phi, fmt.Errorf("generators: %s: len(y)=%d, len(end)=%d, want B=%d: %w", fn, len(y), len(end), s.batch, graphs.ErrShape)
	}
	wg, err := s.draw(fn, rng)
	if err != nil {
		return w, phi, err
	}
	d := s.d
	off, nbr, _ := wg.g.CSR()
	appendPhi := func(j int) {
		phi = append(phi, wg.x[j*d:(j+1)*d]...)
		phi = append(phi, wg.m[j*d:(j+1)*d]...)
	}
	for b := range s.batch {
		i := wg.pos[b]
		for e := off[i]; e < off[i+1]; e++ {
			w = append(w, wg.weight(i, nbr[e]))
			appendPhi(int(nbr[e]))
		}
		if wg.loop {
			w = append(w, wg.weight(i, int32(i)))
			appendPhi(i)
		}
		end[b] = len(w)
	}
	s.targets(rng, wg, y)
	return w, phi, nil
}

// Breaks returns the points of (0,1), ascending and distinct, across which
// W(u, ·) may jump: the block boundaries of an SBM graphon, none (nil) for
// the other shipped graphons and for a GraphonFunc (whose discontinuities
// are unknown). A quadrature rule with panels split at these points
// integrates a block-constant W exactly. The result is a fresh slice.
func (w Graphon) Breaks() []float64 {
	if w.d == nil || w.d.kind != kindSBM {
		return nil
	}
	var out []float64
	for _, b := range w.d.breaks[1 : len(w.d.breaks)-1] {
		if b > 0 && b < 1 && (len(out) == 0 || b > out[len(out)-1]) {
			out = append(out, b)
		}
	}
	return out
}
