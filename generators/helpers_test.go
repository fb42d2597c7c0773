package generators

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// zMax is the bound on |z| for every statistical test: a correct sampler
// fails one test with probability about 6e-7 (two-sided normal tail at 5).
const zMax = 5

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }

// triangles counts the triangles of an undirected simple graph: for every
// edge {j, i} with j < i, the common neighbours k < j.
func triangles(g graphs.Graph) int64 {
	var t int64
	for i := range g.NumNodes() {
		ri := g.Neighbours(i)
		for _, j := range ri {
			if int(j) >= i {
				break
			}
			rj := g.Neighbours(int(j))
			a, b := 0, 0
			for a < len(ri) && b < len(rj) && ri[a] < j && rj[b] < j {
				switch {
				case ri[a] < rj[b]:
					a++
				case ri[a] > rj[b]:
					b++
				default:
					t++
					a++
					b++
				}
			}
		}
	}
	return t
}

// checkSimple fails unless g is undirected, unweighted unless weighted, loop
// free, with n nodes and symmetric rows.
func checkSimple(t *testing.T, g graphs.Graph, n int, weighted bool) {
	t.Helper()
	if g.NumNodes() != n || g.Directed() || g.NumSelfLoops() != 0 || g.Weighted() != weighted {
		t.Fatalf("graph %v: want %d nodes, undirected, no loops, weighted=%v", g, n, weighted)
	}
	off, nb, ws := g.CSR()
	if _, err := graphs.FromCSR(off, nb, ws, false); err != nil {
		t.Fatalf("graph fails FromCSR validation: %v", err)
	}
}

// zscore returns (x − mean)/sd.
func zscore(x, mean, variance float64) float64 {
	if variance == 0 {
		if x == mean {
			return 0
		}
		return math.Inf(1)
	}
	return (x - mean) / math.Sqrt(variance)
}

// meanSD returns the sample mean and the standard error of the mean.
func meanSE(xs []float64) (mean, se float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)-1) / float64(len(xs)))
}

// chiSquareZ turns a chi-square statistic with k degrees of freedom into an
// approximately standard normal z by the Wilson–Hilferty cube-root
// transform (Wilson & Hilferty 1931); large z means a poor fit.
func chiSquareZ(x float64, k int) float64 {
	kf := float64(k)
	return (math.Cbrt(x/kf) - (1 - 2/(9*kf))) / math.Sqrt(2/(9*kf))
}

// withProcs runs f with GOMAXPROCS set to procs.
func withProcs(procs int, f func()) {
	old := runtime.GOMAXPROCS(procs)
	defer runtime.GOMAXPROCS(old)
	f()
}

// binomPMF returns P(X = k) for X ~ Binomial(n, p).
func binomPMF(n, k int, p float64) float64 {
	if k < 0 || k > n {
		return 0
	}
	if p == 0 {
		if k == 0 {
			return 1
		}
		return 0
	}
	if p == 1 {
		if k == n {
			return 1
		}
		return 0
	}
	lg := func(x int) float64 { v, _ := math.Lgamma(float64(x) + 1); return v }
	return math.Exp(lg(n) - lg(k) - lg(n-k) + float64(k)*math.Log(p) + float64(n-k)*math.Log1p(-p))
}

// chiSquare compares observed counts with expected ones, pooling the cells
// (in order) until each pooled cell expects at least 5 (a short tail is
// merged into the last pooled cell). It returns the statistic and its
// degrees of freedom (pooled cells − 1).
func chiSquare(obs []float64, exp []float64) (float64, int) {
	var po, pe []float64
	var o, e float64
	for k := range obs {
		o += obs[k]
		e += exp[k]
		if e >= 5 {
			po, pe = append(po, o), append(pe, e)
			o, e = 0, 0
		}
	}
	if len(pe) == 0 {
		return 0, 0
	}
	po[len(po)-1] += o
	pe[len(pe)-1] += e
	var x float64
	for k := range po {
		x += (po[k] - pe[k]) * (po[k] - pe[k]) / pe[k]
	}
	return x, len(po) - 1
}
