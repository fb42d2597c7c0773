package asm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
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

// TestGatherRows checks the parallel product of a CSR matrix with a dense
// one against a naive loop (the pure-Go path bit for bit), with and without
// accumulation, and the same bits for 1 and 2 workers.
func TestGatherRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(2, 2))
	const n, rows, d, block = 300, 40, 11, 16
	off := make([]int, n+1)
	var idx []int32
	var coef []float64
	for i := range n {
		for range i % 7 {
			idx = append(idx, int32(rng.IntN(rows)))
			coef = append(coef, rng.NormFloat64())
		}
		off[i+1] = len(idx)
	}
	h := make([]float64, rows*d)
	for k := range h {
		h[k] = rng.NormFloat64()
	}
	want := make([]float64, n*d)
	for i := range n {
		for e := off[i]; e < off[i+1]; e++ {
			for k := range d {
				want[i*d+k] += coef[e] * h[int(idx[e])*d+k]
			}
		}
	}
	old := SetFMA(false)
	defer SetFMA(old)
	for _, fma := range []bool{false, true} {
		SetFMA(fma)
		var first []float64
		for _, procs := range []int{1, 2} {
			prev := runtime.GOMAXPROCS(procs)
			got := make([]float64, n*d)
			for k := range got {
				got[k] = 1
			}
			GatherRows(got, off, idx, coef, h, d, false, block)
			acc := make([]float64, n*d)
			for k := range acc {
				acc[k] = 1
			}
			GatherRows(acc, off, idx, coef, h, d, true, block)
			runtime.GOMAXPROCS(prev)
			for k := range want {
				if math.Abs(got[k]-want[k]) > 1e-13 || math.Abs(acc[k]-1-want[k]) > 1e-13 {
					t.Fatalf("fma=%v procs=%d: entry %d = %v (acc %v), want %v", UseFMA, procs, k, got[k], acc[k], want[k])
				}
				if !UseFMA && got[k] != want[k] {
					t.Fatalf("pure Go path: entry %d = %v, want bit-identical %v", k, got[k], want[k])
				}
			}
			if first == nil {
				first = got
			} else if !slices.Equal(first, got) {
				t.Fatalf("fma=%v: GOMAXPROCS 1 and 2 differ", UseFMA)
			}
		}
	}
}
