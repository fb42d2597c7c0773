package generators

import (
	"runtime"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/graphs"
)

// The benchmarks match bench/peers/gen_peers.py (see bench/peers/README.md):
// run them with
//
//	go test ./generators -run '^$' -bench . -benchtime 3x -cpu 1,2
//
// and compare edges/s with the peers' JSON lines.

// benchGraph runs gen once per iteration and reports edges/s and, from the
// last graph, the final CSR size and the ratio of bytes allocated per
// iteration to it.
func benchGraph(b *testing.B, gen func(seed uint64) (graphs.Graph, error)) {
	b.ReportAllocs()
	var g graphs.Graph
	var edges int64
	var ms0, ms1 runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms0)
	start := time.Now()
	seed := uint64(0)
	for b.Loop() {
		var err error
		g, err = gen(seed)
		if err != nil {
			b.Fatal(err)
		}
		edges += int64(g.NumEdges())
		seed++
	}
	el := time.Since(start).Seconds()
	runtime.ReadMemStats(&ms1)
	b.ReportMetric(float64(edges)/el, "edges/s")
	b.ReportMetric(float64(g.MemoryBytes()), "csr-bytes")
	if seed > 0 {
		alloc := float64(ms1.TotalAlloc-ms0.TotalAlloc) / float64(seed)
		b.ReportMetric(alloc/float64(g.MemoryBytes()), "alloc/csr")
	}
}

// BenchmarkErdosRenyi: G(n,p), n = 10⁶, average degree 10 (5·10⁶ edges).
func BenchmarkErdosRenyi(b *testing.B) {
	const n, deg = 1_000_000, 10.0
	benchGraph(b, func(seed uint64) (graphs.Graph, error) {
		return ErdosRenyi(n, deg/(n-1), newRand(seed))
	})
}

// BenchmarkErdosRenyiLarge: G(n,p), n = 10⁷, average degree 10; alloc/csr is
// the total allocation over the final CSR size (target ≤ 1.5).
func BenchmarkErdosRenyiLarge(b *testing.B) {
	const n, deg = 10_000_000, 10.0
	benchGraph(b, func(seed uint64) (graphs.Graph, error) {
		return ErdosRenyi(n, deg/(n-1), newRand(seed))
	})
}
