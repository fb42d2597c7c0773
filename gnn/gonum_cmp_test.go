package gnn

import (
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"

	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
)

// BenchmarkMatMulGonum is the forward product of BenchmarkMatMul with
// gonum's blas64.Gemm (pure Go, parallel over blocks), the baseline the
// assembly kernels replace.
func BenchmarkMatMulGonum(b *testing.B) {
	const n, k, m = 19717, 500, 16
	rng := rand.New(rand.NewPCG(1, 1))
	a, w := gnntest.RandSlice(rng, n*k, 1), gnntest.RandSlice(rng, k*m, 1)
	out := make([]float64, n*m)
	A := blas64.General{Rows: n, Cols: k, Stride: k, Data: a}
	W := blas64.General{Rows: k, Cols: m, Stride: m, Data: w}
	O := blas64.General{Rows: n, Cols: m, Stride: m, Data: out}
	start := gnntest.CPUClock()
	for b.Loop() {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, A, W, 0, O)
	}
	gnntest.ReportCPU(b, start)
}
