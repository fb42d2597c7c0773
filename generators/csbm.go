package generators

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// csbmRows is the fixed number of nodes per random stream of the features
// of ContextualSBM (independent of GOMAXPROCS, so the sample is too).
const csbmRows = 1024

// ContextualSBM samples a contextual stochastic block model, a graph with
// node labels and node features that carry the same K-class signal: the
// graph is SBM(sizes, probs, rng) (block a = the sizes[a] contiguous nodes
// from sizes[0]+…+sizes[a−1]), the label of node i is its block y_i, and
// its features are
//
//	x_i = mu·e_{y_i} + z_i,  z_i ~ N(0, I_dim) independent of each other and of the graph,
//
// so feature k < K has mean mu on block k and 0 elsewhere, and features
// k ≥ K are pure noise. This is the K-block, axis-aligned form of the
// contextual SBM of Deshpande, Sen, Montanari and Mossel (Contextual
// Stochastic Block Models, NeurIPS 2018), whose features are a Gaussian
// mixture with means ±√(mu/n)·v; the class means mu·e_k are those of the
// CSBM used to analyse graph convolutions (Baranwal, Fountoulakis and
// Jagannath, ICML 2021). With features alone the Bayes accuracy on two
// equal blocks is Φ(mu/√2); the graph adds the information of the
// communities.
//
// It returns the graph, X (n×dim row-major, X[i*dim+k]) and y (len n).
// The graph is drawn first (it equals SBM(sizes, probs, rng) on the same
// rng), then one base seed for the features, drawn in fixed blocks of
// nodes on all cores: the result is the same for any GOMAXPROCS. Cost
// that of SBM plus O(n·dim). sizes and probs are read, not kept.
//
// Errors wrap graphs.ErrParameter: dim < K, mu not finite, no block; those
// of SBM; graphs.ErrTooLarge when n·dim > 2^31 or the features would take
// more memory than this process may use.
func ContextualSBM(sizes []int, probs [][]float64, dim int, mu float64, rng *rand.Rand) (graphs.Graph, []float64, []int32, error) {
	const fn = "ContextualSBM"
	k := len(sizes)
	switch {
	case k == 0:
		return graphs.Graph{}, nil, nil, fmt.Errorf("generators: %s: no blocks: %w", fn, graphs.ErrParameter)
	case dim < k:
		return graphs.Graph{}, nil, nil, fmt.Errorf("generators: %s: dim=%d less than the %d blocks: %w", fn, dim, k, graphs.ErrParameter)
	case math.IsNaN(mu) || math.IsInf(mu, 0):
		return graphs.Graph{}, nil, nil, fmt.Errorf("generators: %s: mu=%v not finite: %w", fn, mu, graphs.ErrParameter)
	}
	if _, _, err := checkSBM(fn, sizes, probs); err != nil {
		return graphs.Graph{}, nil, nil, err
	}
	n := 0
	for _, s := range sizes {
		n += s
	}
	if float64(n)*float64(dim) > 1<<31 {
		return graphs.Graph{}, nil, nil, fmt.Errorf("generators: %s: n=%d × dim=%d features exceed 2^31: %w", fn, n, dim, graphs.ErrTooLarge)
	}
	// The features (8 bytes each) and their training copies: a
	// 2^31-value matrix is 16 GB, more than many machines may give.
	if err := memlimit.Check(3 * 8 * float64(n) * float64(dim)); err != nil {
		return graphs.Graph{}, nil, nil, fmt.Errorf("generators: %s: %d nodes × dim=%d features: %v: %w", fn, n, dim, err, graphs.ErrTooLarge)
	}
	g, err := SBM(sizes, probs, rng)
	if err != nil {
		return graphs.Graph{}, nil, nil, err
	}
	y := make([]int32, 0, n)
	for a, s := range sizes {
		for range s {
			y = append(y, int32(a))
		}
	}
	X := make([]float64, n*dim)
	base := rng.Uint64()
	parallel.For(parallel.Chunks(n, csbmRows), func(c int) {
		r := parallel.Stream(base, c)
		lo, hi := parallel.Range(c, csbmRows, n)
		for i := lo; i < hi; i++ {
			row := X[i*dim : (i+1)*dim]
			for j := range row {
				row[j] = r.NormFloat64()
			}
			row[y[i]] += mu
		}
	})
	return g, X, y, nil
}
