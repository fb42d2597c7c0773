package asymptotic

import (
	"fmt"
	"math"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Aggregation is the normalisation S of m_i = (S x)_i (MATH.md section 2).
// Every one is a weighted sum m_i = Σ_j ω_ij x_j over row i of the graph
// (the nodes i receives from), with A_ij the stored weight (1 when
// unweighted) and deg_i = Σ_j A_ij the weighted row sum:
//
//	Graphon:   ω_ij = A_ij / (nρ)
//	Sum:       ω_ij = A_ij
//	Mean:      ω_ij = A_ij / deg_i                     (an isolated node gets m_i = 0)
//	Symmetric: ω_ij = Ã_ij / sqrt(d̃_i d̃_j),  Ã = A + I,  d̃_i = 1 + deg_i
//
// Symmetric adds the identity even where the graph already has a self loop,
// so Ã_ii = A_ii + 1 (the literal A + I of Kipf & Welling 2017). For a
// directed graph d̃_j is the row sum of j as well (its weighted in-degree).
type Aggregation int

// The aggregations of MATH.md section 2.
const (
	Graphon Aggregation = iota
	Sum
	Mean
	Symmetric
)

var aggregationNames = [...]string{"graphon", "sum", "mean", "symmetric"}

// String returns the name ParseAggregation accepts.
func (g Aggregation) String() string {
	if g >= 0 && int(g) < len(aggregationNames) {
		return aggregationNames[g]
	}
	return fmt.Sprintf("Aggregation(%d)", int(g))
}

// ParseAggregation returns the aggregation named name: graphon, sum, mean or
// symmetric (gcn is accepted for symmetric); case and surrounding spaces are
// ignored. Any other name gives an error wrapping graphs.ErrParameter.
func ParseAggregation(name string) (Aggregation, error) {
	s := strings.ToLower(strings.TrimSpace(name))
	if s == "gcn" {
		return Symmetric, nil
	}
	for i, n := range aggregationNames {
		if s == n {
			return Aggregation(i), nil
		}
	}
	return 0, fmt.Errorf("asymptotic: ParseAggregation: name=%q not one of graphon, sum, mean, symmetric: %w", name, graphs.ErrParameter)
}

// norm holds ω_ij = A_ij · row[i] · col[j] (col nil: 1), plus, for
// Symmetric, a self term self[i] = 1/d̃_i.
type norm struct {
	row, col, self []float64
}

func newNorm(fn string, g graphs.Graph, agg Aggregation, rho float64) (norm, error) {
	n := g.NumNodes()
	switch agg {
	case Graphon:
		if !(rho > 0 && rho <= 1) {
			return norm{}, fmt.Errorf("asymptotic: %s: rho=%v not in (0,1]: %w", fn, rho, graphs.ErrParameter)
		}
	case Sum, Mean, Symmetric:
	default:
		return norm{}, fmt.Errorf("asymptotic: %s: aggregation=%v: %w", fn, agg, graphs.ErrParameter)
	}
	off, _, wts := g.CSR()
	deg := func(i int) float64 {
		if wts == nil {
			return float64(off[i+1] - off[i])
		}
		s := 0.0
		for _, w := range wts[off[i]:off[i+1]] {
			s += w
		}
		return s
	}
	nm := norm{row: make([]float64, n)}
	switch agg {
	case Graphon:
		s := 1 / (float64(n) * rho)
		for i := range nm.row {
			nm.row[i] = s
		}
	case Sum:
		for i := range nm.row {
			nm.row[i] = 1
		}
	case Mean:
		for i := range nm.row {
			if d := deg(i); d != 0 {
				nm.row[i] = 1 / d
			}
		}
	case Symmetric:
		nm.col = make([]float64, n)
		nm.self = make([]float64, n)
		for i := range nm.row {
			dt := 1 + deg(i)
			if !(dt > 0) {
				return norm{}, fmt.Errorf("asymptotic: %s: node %d has 1+degree=%v, not positive: %w", fn, i, dt, graphs.ErrParameter)
			}
			s := 1 / math.Sqrt(dt)
			nm.row[i], nm.col[i], nm.self[i] = s, s, 1/dt
		}
	}
	return nm, nil
}

// weight returns ω_ij for the CSR entry e = (i, j).
func (nm *norm) weight(i int, j int32, a float64) float64 {
	w := a * nm.row[i]
	if nm.col != nil {
		w *= nm.col[j]
	}
	return w
}

const rowChunk = 1024 // rows per parallel chunk in Aggregate

// Aggregate writes m = S x into dst (n×d, row-major; dst[i*d+k] = m_{i,k})
// for the graph g, the features x (n×d, row-major) and the aggregation agg;
// rho is ρ of the Graphon normalisation 1/(nρ) and is ignored otherwise.
// Cost O((n + entries)·d), parallel over fixed row chunks, same bits for any
// GOMAXPROCS. Nothing is kept. Errors (graphs.ErrShape, graphs.ErrParameter):
// len(x) or len(dst) ≠ n·d, d < 1, rho outside (0,1] for Graphon, an unknown
// aggregation.
func Aggregate(dst []float64, g graphs.Graph, x []float64, d int, agg Aggregation, rho float64) error {
	n := g.NumNodes()
	if d < 1 {
		return fmt.Errorf("asymptotic: Aggregate: d=%d < 1: %w", d, graphs.ErrParameter)
	}
	if len(x) != n*d || len(dst) != n*d {
		return fmt.Errorf("asymptotic: Aggregate: len(x)=%d, len(dst)=%d, want n·d=%d: %w", len(x), len(dst), n*d, graphs.ErrShape)
	}
	nm, err := newNorm("Aggregate", g, agg, rho)
	if err != nil {
		return err
	}
	aggregate(dst, g, x, d, &nm)
	return nil
}

func aggregate(dst []float64, g graphs.Graph, x []float64, d int, nm *norm) {
	n := g.NumNodes()
	off, nbr, wts := g.CSR()
	parallel.For(parallel.Chunks(n, rowChunk), func(c int) {
		lo, hi := parallel.Range(c, rowChunk, n)
		for i := lo; i < hi; i++ {
			mi := dst[i*d : (i+1)*d]
			clear(mi)
			for e := off[i]; e < off[i+1]; e++ {
				a := 1.0
				if wts != nil {
					a = wts[e]
				}
				j := nbr[e]
				w := nm.weight(i, j, a)
				xj := x[int(j)*d : int(j+1)*d]
				for k := range mi {
					mi[k] += w * xj[k]
				}
			}
			if nm.self != nil {
				w := nm.self[i]
				xi := x[i*d : (i+1)*d]
				for k := range mi {
					mi[k] += w * xi[k]
				}
			}
		}
	})
}
