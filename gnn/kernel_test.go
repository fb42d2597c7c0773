package gnn

import (
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/internal/asm"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// TestKernelsReference checks the dense and sparse kernels against naive
// triple loops, for widths covering the 8-, 4- and 1-column tiles and both
// the assembly and the pure-Go paths.
func TestKernelsReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for _, fma := range []bool{false, true} {
		if fma && !asm.UseFMA {
			continue
		}
		old := asm.UseFMA
		asm.SetFMA(fma)
		for _, sh := range [][3]int{{5, 3, 1}, {300, 37, 16}, {41, 9, 35}, {33, 17, 24}, {600, 70, 13}, {7, 1, 8}, {0, 4, 3}, {0, 12, 3}, {50, 20, 7}, {9, 8, 3}, {260, 33, 5}} {
			n, k, m := sh[0], sh[1], sh[2]
			a, b, g := gnntest.RandSlice(rng, n*k, 1), gnntest.RandSlice(rng, k*m, 1), gnntest.RandSlice(rng, n*m, 1)
			for e := range a {
				if e%3 == 0 {
					a[e] = 0
				}
			}
			want := make([]float64, n*m)
			for i := range n {
				for q := range m {
					for p := range k {
						want[i*m+q] += a[i*k+p] * b[p*m+q]
					}
				}
			}
			got := gnntest.RandSlice(rng, n*m, 1)
			matMul(got, a, b, n, k, m, false)
			near(t, "matMul", got, want, k)
			sp, _ := sparse.FromDense(n, k, a)
			spMul(got, sp, b, m, false, rowBlock)
			near(t, "spMul", got, want, k)
			wantT := make([]float64, k*m)
			for p := range k {
				for q := range m {
					for i := range n {
						wantT[p*m+q] += a[i*k+p] * g[i*m+q]
					}
				}
			}
			gotT := make([]float64, k*m)
			matMulTA(gotT, a, g, n, k, m)
			near(t, "matMulTA", gotT, wantT, n)
			clear(gotT)
			spMul(gotT, sp.TransposeTo(nil), g, m, true, colBlock)
			near(t, "spMulTA", gotT, wantT, n)
			wantB := make([]float64, n*k)
			for i := range n {
				for p := range k {
					for q := range m {
						wantB[i*k+p] += g[i*m+q] * b[p*m+q]
					}
				}
			}
			gotB := make([]float64, n*k)
			matMulBT(gotB, g, b, n, m, k, false)
			near(t, "matMulBT", gotB, wantB, m)
		}
		asm.SetFMA(old)
	}
}

// near allows the rounding of a length-len sum of O(1) products: len·ε·2.
func near(t *testing.T, what string, got, want []float64, length int) {
	t.Helper()
	tol := float64(length+1) * 2.3e-16 * 2
	for e := range want {
		if math.Abs(got[e]-want[e]) > tol*(1+math.Abs(want[e])) {
			t.Fatalf("%s[%d] = %.17g, want %.17g", what, e, got[e], want[e])
		}
	}
}

func BenchmarkMatMul(b *testing.B) {
	const n, k, m = 19717, 500, 16
	rng := rand.New(rand.NewPCG(1, 1))
	a, w, g := gnntest.RandSlice(rng, n*k, 1), gnntest.RandSlice(rng, k*m, 1), gnntest.RandSlice(rng, n*m, 1)
	out := make([]float64, n*m)
	dw := make([]float64, k*m)
	for _, fma := range []bool{false, true} {
		name := "go"
		if fma {
			name = "fma"
		}
		b.Run("forward-"+name, func(b *testing.B) {
			old := asm.UseFMA
			asm.SetFMA(fma && old)
			defer asm.SetFMA(old)
			start := gnntest.CPUClock()
			for b.Loop() {
				matMul(out, a, w, n, k, m, false)
			}
			gnntest.ReportCPU(b, start)
		})
		b.Run("gradW-"+name, func(b *testing.B) {
			old := asm.UseFMA
			asm.SetFMA(fma && old)
			defer asm.SetFMA(old)
			start := gnntest.CPUClock()
			for b.Loop() {
				matMulTA(dw, a, g, n, k, m)
			}
			gnntest.ReportCPU(b, start)
		})
	}
}

func BenchmarkAggregateGo(b *testing.B) {
	old := asm.UseFMA
	asm.SetFMA(false)
	defer asm.SetFMA(old)
	BenchmarkAggregate(b)
}
