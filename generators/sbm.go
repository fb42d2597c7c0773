package generators

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
)

// SBM samples a stochastic block model: K = len(sizes) blocks, block a being
// the sizes[a] contiguous nodes starting at sizes[0]+…+sizes[a−1], and the
// pair {i, j} with i in block a and j in block b an edge independently with
// probability probs[a][b]. E|E| = Σ_a P_aa·C(n_a, 2) + Σ_{a<b} P_ab·n_a·n_b.
//
// Each row is sampled block pair by block pair with geometric jumps whose
// Exp(1) residual carries over block and row boundaries (see doc.go), so the
// cost is O(n·K + |E|) time and O(n + |E|) memory, parallel over fixed row
// blocks; the result is the same for any GOMAXPROCS. sizes and probs are
// read, not kept. It equals Generate with SBMSpec{Sizes: sizes, Probs: probs}.
//
// Errors (ErrParameter unless noted): a negative size, probs not K×K
// (ErrShape), not symmetric, an entry outside [0,1] or NaN, a nil rng; more
// than graphs.MaxNodes nodes or edges that would not fit in memory
// (ErrTooLarge).
func SBM(sizes []int, probs [][]float64, rng *rand.Rand) (graphs.Graph, error) {
	return sbm(context.Background(), sizes, probs, rng, nil)
}

// checkSBM validates sizes and probs and returns n and the expected number
// of edges.
func checkSBM(fn string, sizes []int, probs [][]float64) (int, float64, error) {
	k := len(sizes)
	n := 0
	for a, s := range sizes {
		if s < 0 {
			return 0, 0, fmt.Errorf("generators: %s: sizes[%d]=%d is negative: %w", fn, a, s, graphs.ErrParameter)
		}
		if s > graphs.MaxNodes || n > graphs.MaxNodes-s {
			return 0, 0, fmt.Errorf("generators: %s: block sizes sum beyond graphs.MaxNodes=%d at sizes[%d]=%d: %w", fn, graphs.MaxNodes, a, s, graphs.ErrTooLarge)
		}
		n += s
	}
	if len(probs) != k {
		return 0, 0, fmt.Errorf("generators: %s: probs has %d rows for %d blocks: %w", fn, len(probs), k, graphs.ErrShape)
	}
	for a, row := range probs {
		if len(row) != k {
			return 0, 0, fmt.Errorf("generators: %s: probs row %d has %d entries for %d blocks: %w", fn, a, len(row), k, graphs.ErrShape)
		}
	}
	var edges, variance float64
	for a := range k {
		for b := range k {
			p := probs[a][b]
			if !(p >= 0 && p <= 1) {
				return 0, 0, fmt.Errorf("generators: %s: probs[%d][%d]=%v not in [0,1]: %w", fn, a, b, p, graphs.ErrParameter)
			}
			if p != probs[b][a] {
				return 0, 0, fmt.Errorf("generators: %s: probs not symmetric: probs[%d][%d]=%v, probs[%d][%d]=%v: %w", fn, a, b, p, b, a, probs[b][a], graphs.ErrParameter)
			}
			var pairs float64
			switch {
			case a == b:
				pairs = float64(sizes[a]) * float64(sizes[a]-1) / 2
			case a < b:
				pairs = float64(sizes[a]) * float64(sizes[b])
			}
			edges += p * pairs
			variance += p * (1 - p) * pairs
		}
	}
	return n, edges + 6*math.Sqrt(variance), nil
}

func sbm(ctx context.Context, sizes []int, probs [][]float64, rng *rand.Rand, progress func(done, total int64)) (graphs.Graph, error) {
	const fn = "SBM"
	if err := checkRand(fn, rng); err != nil {
		return graphs.Graph{}, err
	}
	n, edges, err := checkSBM(fn, sizes, probs)
	if err != nil {
		return graphs.Graph{}, err
	}
	if err := checkSize(fn, n, edges, false); err != nil {
		return graphs.Graph{}, err
	}
	k := len(sizes)
	start := make([]int, k+1)
	for a, s := range sizes {
		start[a+1] = start[a] + s
	}
	q := make([]float64, k*k)
	for a := range k {
		copy(q[a*k:], probs[a])
	}
	return newPlan(n, start, q, nil).run(ctx, fn, rng.Uint64(), progress)
}
