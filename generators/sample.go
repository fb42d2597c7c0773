package generators

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Sample draws the W-random graph G(n, W, ρ): latents u_1..u_n i.i.d.
// Uniform[0,1] and, for i < j independently, the edge {i, j} with
// probability ρ·W(u_i, u_j). It returns the graph and the latents:
// node i has latent u[i].
//
// Node order: nodes are numbered by increasing latent (u is sorted
// ascending; it is the order statistics of n i.i.d. uniforms, drawn in O(n)
// from exponential spacings). Given u, the edges have exactly the law above,
// and the unlabelled graph has the law of G(n, W, ρ); but the labels are not
// exchangeable (for W = u·v, high node ids have high expected degree).
// Apply a uniform random permutation to both the graph and u if labels must
// be exchangeable.
//
// Cost: with the block-constant envelope W̄ ≥ W of the shipped graphons
// (K ≤ 32 cells; the SBM graphon's own blocks), candidates are sampled as an
// SBM with probabilities ρ·W̄ and kept with probability W/W̄ (thinning,
// exact), in O(n·K + |E(ρW̄)|) time, which is O(n + |E|) when W̄ is tight.
// The SBM graphon is sampled as an SBM with no thinning and Constant as
// G(n, ρp). A GraphonFunc uses W̄ = 1: O(n + ρ·n²) evaluations of W. Memory
// O(n + |E|); parallel over fixed row blocks, the same bits for any
// GOMAXPROCS. It equals Generate with GraphonSpec{N: n, W: w, Rho: rho}
// (which drops u).
//
// Errors (ErrParameter unless noted): n < 0, ρ outside [0,1] or NaN, the
// zero Graphon, a nil rng, a GraphonFunc value outside [0,1] (naming u, v
// and the value); n > graphs.MaxNodes or ρ·t(K2,W)·C(n,2) edges beyond
// memory (ErrTooLarge).
func Sample(n int, w Graphon, rho float64, rng *rand.Rand) (graphs.Graph, []float64, error) {
	return sampleGraphon(context.Background(), n, w, rho, rng, nil)
}

func checkGraphonArgs(fn string, n int, w Graphon, rho float64, rng *rand.Rand) error {
	if err := checkRand(fn, rng); err != nil {
		return err
	}
	if n < 0 {
		return fmt.Errorf("generators: %s: n=%d is negative: %w", fn, n, graphs.ErrParameter)
	}
	if err := checkProb(fn, "rho", rho); err != nil {
		return err
	}
	return w.valid(fn)
}

// envelopeCells returns the number of equal envelope cells for continuous
// graphons: K = clamp(avg/2 + 4, 4, 32) with avg the expected degree, so
// that the O(n·K) per-row cost stays below the O(|E|) sampling cost.
func envelopeCells(avgDegree float64) int {
	k := avgDegree/2 + 4
	if !(k < 32) {
		return 32
	}
	return int(k)
}

func sampleGraphon(ctx context.Context, n int, w Graphon, rho float64, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, []float64, error) {
	const fn = "Sample"
	if err := checkGraphonArgs(fn, n, w, rho, rng); err != nil {
		return graphs.Graph{}, nil, err
	}
	t2, err := w.EdgeDensity()
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	mean := rho * t2 * pairsBelow(0, n)
	if err := checkSize(fn, n, mean+6*math.Sqrt(mean), false); err != nil {
		return graphs.Graph{}, nil, err
	}
	u := sortedUniforms(n, rng.Uint64())
	base := rng.Uint64()
	if w.d.kind == kindConstant {
		blocks, err := erBlocks(ctx, fn, n, rho*w.d.p, base, progress)
		if err != nil {
			return graphs.Graph{}, nil, err
		}
		g, err := graphs.FromLowerBlocks(n, blocks)
		if err != nil {
			return graphs.Graph{}, nil, err
		}
		return g, u, nil
	}
	breaks := w.cells(envelopeCells(rho * t2 * float64(n-1)))
	k := len(breaks) - 1
	start := make([]int, k+1)
	for a := 1; a < k; a++ {
		start[a] = sort.SearchFloat64s(u, breaks[a])
	}
	start[k] = n
	wbar := w.envelope(breaks)
	q := make([]float64, len(wbar))
	for a, x := range wbar {
		q[a] = rho * x
	}
	pl := newPlan(n, start, q, wbar)
	if w.d.kind != kindSBM {
		pl.thin = w.pairFunc(u)
		if w.d.checkW {
			pl.check = true
			pl.bad = func(i, j int, x float64) error { return w.badValue(fn, u[i], u[j], x) }
		}
	}
	g, err := pl.run(ctx, fn, base, progress)
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	return g, u, nil
}

// SampleWeighted draws the weighted W-random graph: latents as in Sample
// (sorted ascending, returned) and, for every pair i < j, the edge {i, j}
// with weight A_ij = ρ·W(u_i, u_j), omitted when that is 0. No Bernoulli
// draw: A is the conditional expectation of Sample's adjacency given u, so
// the graphon aggregation (1/(nρ)) Σ_j A_ij h_j has the same limit T_W h
// for both (docs/mathematics.md §1.3; A_ij = W(u_i,u_j) at ρ = 1).
//
// Cost O(n²) evaluations of W and O(n²) memory (a complete weighted graph
// when W > 0), parallel over fixed row blocks; the result depends on rng
// only through u. Errors as Sample, with the O(n²) entries checked against
// memory (ErrTooLarge). It equals Generate with GraphonSpec{..., Weighted:
// true}.
func SampleWeighted(n int, w Graphon, rho float64, rng *rand.Rand) (graphs.Graph, []float64, error) {
	return sampleWeighted(context.Background(), n, w, rho, rng, nil)
}

func sampleWeighted(ctx context.Context, n int, w Graphon, rho float64, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, []float64, error) {
	const fn = "SampleWeighted"
	if err := checkGraphonArgs(fn, n, w, rho, rng); err != nil {
		return graphs.Graph{}, nil, err
	}
	if err := checkSize(fn, n, pairsBelow(0, n), true); err != nil {
		return graphs.Graph{}, nil, err
	}
	u := sortedUniforms(n, rng.Uint64())
	f := w.pairFunc(u)
	blocks, err := sampleBlocks(ctx, fn, n, progress, func(_, lo, hi int) (graphs.LowerBlock, error) {
		pairs := int(pairsBelow(lo, hi))
		bl := graphs.NewLowerBlock(lo, hi)
		bl.Neighbours, bl.Weights = make([]int32, 0, pairs), make([]float64, 0, pairs)
		for i := lo; i < hi; i++ {
			c := 0
			for j := range i {
				x := f(i, j)
				if w.d.checkW && !(x >= 0 && x <= 1) {
					return graphs.LowerBlock{}, w.badValue(fn, u[i], u[j], x)
				}
				if a := rho * x; a > 0 {
					bl.Neighbours = append(bl.Neighbours, int32(j))
					bl.Weights = append(bl.Weights, a)
					c++
				}
			}
			bl.SetCount(i-lo, c)
		}
		return bl, nil
	})
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	g, err := graphs.FromLowerBlocks(n, blocks)
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	return g, u, nil
}

// sortedUniforms returns the order statistics of n i.i.d. Uniform[0,1]
// variables in O(n): with E_1..E_{n+1} i.i.d. Exp(1) and S_k = E_1+…+E_k,
// (S_1/S_{n+1}, …, S_n/S_{n+1}) has exactly that law (Rényi's
// representation). Fixed chunks with streams parallel.Stream(base, c); the
// result is nondecreasing.
func sortedUniforms(n int, base uint64) []float64 {
	const size = 1 << 16
	u := make([]float64, n)
	nc := parallel.Chunks(n, size)
	sums := make([]float64, nc+1)
	parallel.For(nc, func(c int) {
		rng := parallel.Stream(base, c)
		lo, hi := parallel.Range(c, size, n)
		s := 0.0
		for i := lo; i < hi; i++ {
			s += rng.ExpFloat64()
			u[i] = s
		}
		sums[c+1] = s
	})
	for c := 1; c <= nc; c++ {
		sums[c] += sums[c-1]
	}
	total := sums[nc] + parallel.Stream(base, nc).ExpFloat64()
	parallel.For(nc, func(c int) {
		lo, hi := parallel.Range(c, size, n)
		off := sums[c]
		for i := lo; i < hi; i++ {
			u[i] = math.Min(1, (u[i]+off)/total)
		}
	})
	return u
}
