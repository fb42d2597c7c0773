package asm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGather checks Gather against a naive loop for widths that cover the
// 16-, 8- and masked-lane kernels, with and without the assembly path.
func TestGather(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, fma := range []bool{false, true} {
		old := SetFMA(fma)
		for _, d := range []int{1, 3, 7, 8, 9, 16, 23, 40} {
			for _, count := range []int{0, 1, 5, 33} {
				const rows = 50
				h := make([]float64, rows*d)
				for i := range h {
					h[i] = rng.NormFloat64()
				}
				idx := make([]int32, count)
				coef := make([]float64, count)
				for e := range idx {
					idx[e] = int32(rng.IntN(rows))
					coef[e] = rng.NormFloat64()
				}
				o := make([]float64, d)
				want := make([]float64, d)
				for k := range o {
					o[k] = rng.NormFloat64()
					want[k] = o[k]
				}
				for e, j := range idx {
					for k := range want {
						want[k] += coef[e] * h[int(j)*d+k]
					}
				}
				Gather(o, idx, coef, h, d)
				for k := range o {
					// count+1 terms of size ≤ ~4: a few ulps of rounding each.
					if math.Abs(o[k]-want[k]) > 1e-13*float64(count+1) {
						t.Fatalf("fma=%v d=%d count=%d: o[%d]=%v, want %v", UseFMA, d, count, k, o[k], want[k])
					}
					if !UseFMA && o[k] != want[k] {
						t.Fatalf("pure Go path d=%d count=%d: o[%d]=%v, want bit-identical %v", d, count, k, o[k], want[k])
					}
				}
			}
		}
		SetFMA(old)
	}
}

func BenchmarkGather(b *testing.B) {
	const rows, d, count = 4096, 64, 32
	rng := rand.New(rand.NewPCG(1, 3))
	h := make([]float64, rows*d)
	for i := range h {
		h[i] = rng.NormFloat64()
	}
	idx := make([]int32, count)
	coef := make([]float64, count)
	for e := range idx {
		idx[e] = int32(rng.IntN(rows))
		coef[e] = rng.NormFloat64()
	}
	o := make([]float64, d)
	b.ReportAllocs()
	for b.Loop() {
		Gather(o, idx, coef, h, d)
	}
}
