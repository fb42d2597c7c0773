// Package graphstest provides fixtures and independent references for
// testing code that runs on graphs: random graphs of every kind (directed
// or not, weighted or not, with self loops and an isolated node) and the
// dense matrix of an aggregation computed from its definition, for
// comparison with the sparse operators, as net/http/httptest serves the
// tests of HTTP code.
package graphstest

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// Kind is one kind of graph of the fixtures.
type Kind struct {
	Name               string
	Directed, Weighted bool
}

// Kinds lists the four kinds: undirected or directed, unweighted or
// weighted.
func Kinds() []Kind {
	return []Kind{
		{"undirected", false, false},
		{"directed", true, false},
		{"undirected-weighted", false, true},
		{"directed-weighted", true, true},
	}
}

// Random returns a graph on n ≥ 2 nodes whose first n−1 nodes are joined
// independently with probability p (each ordered pair when directed, each
// unordered pair otherwise), with a self loop on the nodes 0, 3, 6, … below
// n−1, weights uniform in [0.5, 2] when weighted, and node n−1 isolated.
// The same seed gives the same graph. It calls tb.Fatal if the graph cannot
// be built.
func Random(tb testing.TB, n int, p float64, k Kind, seed uint64) graphs.Graph {
	tb.Helper()
	rng := rand.New(rand.NewPCG(seed, 7))
	var es []graphs.Edge
	for u := 0; u < n-1; u++ {
		for v := 0; v < n-1; v++ {
			if (!k.Directed && v < u) || (u == v && u%3 != 0) {
				continue
			}
			if u == v || rng.Float64() < p {
				es = append(es, graphs.Edge{U: u, V: v, W: 0.5 + 1.5*rng.Float64()})
			}
		}
	}
	f := graphs.KeepSelfLoops
	if k.Directed {
		f |= graphs.Directed
	}
	if k.Weighted {
		f |= graphs.Weighted
	}
	g, err := graphs.FromEdges(n, es, f)
	if err != nil {
		tb.Fatal(err)
	}
	return g
}

// Adjacency returns the dense n×n matrix A with A_ij the weight of the edge
// j → i (row i lists what node i receives, 1 when unweighted).
func Adjacency(g graphs.Graph) *mat.Dense {
	n := g.NumNodes()
	A := mat.NewDense(max(n, 1), max(n, 1), nil)
	for i := range n {
		for j := range n {
			if w, ok := g.Weight(j, i); ok {
				A.Set(i, j, w)
			}
		}
	}
	return A
}

// Aggregation returns the dense matrix S of the aggregation a on g from its
// definition, independently of package aggregation: the adjacency matrix,
// the loop policy applied to its diagonal (add: +1 everywhere; add-missing:
// 1 where the diagonal is 0), degrees as row sums, then the normalisation
// entry by entry (graphon: 1/(nρ); mean: 1/deg_i, 0 for deg_i = 0;
// symmetric: 1/sqrt(deg_i deg_j), 0 where either degree is 0, as PyTorch
// Geometric's gcn_norm).
func Aggregation(g graphs.Graph, a aggregation.Aggregation, rho float64) *mat.Dense {
	n := g.NumNodes()
	A := Adjacency(g)
	for i := range n {
		switch {
		case a.Loops == aggregation.AddLoops:
			A.Set(i, i, A.At(i, i)+1)
		case a.Loops == aggregation.AddMissingLoops && A.At(i, i) == 0:
			A.Set(i, i, 1)
		}
	}
	deg := make([]float64, n)
	for i := range n {
		deg[i] = mat.Sum(A.RowView(i))
	}
	S := mat.NewDense(max(n, 1), max(n, 1), nil)
	S.Apply(func(i, j int, x float64) float64 {
		switch a.Norm {
		case aggregation.Mean:
			if deg[i] == 0 {
				return 0
			}
			return x / deg[i]
		case aggregation.Symmetric:
			if x == 0 || deg[i] == 0 || deg[j] == 0 {
				return 0
			}
			return x / math.Sqrt(deg[i]*deg[j])
		case aggregation.Graphon:
			return x / (float64(n) * rho)
		}
		return x
	}, A)
	return S
}
