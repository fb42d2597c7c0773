package gnn

import (
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"github.com/gnnwb/gnnwb/internal/parallel"
	"math/rand/v2"
	"testing"
)

// BenchmarkAggregate is S·h (the GCN's aggregation) on a directed graph with 10^6 nodes,
// 10^7 stored edges and 64 features. Bytes counted per call: every entry
// reads its index, coefficient and a 64-float row of h; dst is written
// once.
func BenchmarkAggregate(b *testing.B) {
	const n, per, d = 1_000_000, 10, 64
	g := gnntest.RandomCSR(b, n, n*per, true, 3)
	op, err := aggregation.GCN.Operator(g, 1)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(4, 4))
	h := gnntest.RandSlice(rng, n*d, 1)
	dst := make([]float64, n*d)
	b.SetBytes(int64(op.NumEntries())*(4+8+8*d) + int64(n)*8*d)
	b.ReportAllocs()
	start := gnntest.CPUClock()
	for b.Loop() {
		op.Apply(dst, h, d)
	}
	gnntest.ReportCPU(b, start)
}

// BenchmarkMemoryBandwidth measures the machine's sustainable memory
// bandwidth the way STREAM's "scale" kernel does (dst = 3·src over 2×256 MB,
// in fixed chunks on all cores; 16 bytes moved per element), the yardstick
// for BenchmarkAggregate's GB/s.
func BenchmarkMemoryBandwidth(b *testing.B) {
	const n = 32 << 20 // 256 MB per array
	src := make([]float64, n)
	dst := make([]float64, n)
	for i := range src {
		src[i] = float64(i)
	}
	const chunk = 1 << 16
	b.SetBytes(16 * n)
	for b.Loop() {
		parallel.For(parallel.Chunks(n, chunk), func(c int) {
			lo, hi := parallel.Range(c, chunk, n)
			d, s := dst[lo:hi], src[lo:hi]
			for i := range s {
				d[i] = 3 * s[i]
			}
		})
	}
}
