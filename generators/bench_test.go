package generators

import (
	"math"
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

// BenchmarkSBM: 4 equal blocks, n = 10⁵, average degree 20 (10⁶ edges),
// within-block probability 8× the between-block one.
func BenchmarkSBM(b *testing.B) {
	sizes, probs := sbmBenchModel()
	benchGraph(b, func(seed uint64) (graphs.Graph, error) {
		return SBM(sizes, probs, newRand(seed))
	})
}

// sbmBenchModel is the SBM of BenchmarkSBM and gen_peers.py: n_a = 25000,
// P_aa = 8c, P_ab = c with c fixed by the average degree 20:
// (n_a−1)·8c + 3·n_a·c = 20.
func sbmBenchModel() ([]int, [][]float64) {
	const na, deg = 25000, 20.0
	c := deg / (8*(na-1) + 3*na)
	sizes := []int{na, na, na, na}
	probs := make([][]float64, 4)
	for a := range probs {
		probs[a] = make([]float64, 4)
		for b := range probs[a] {
			probs[a][b] = c
			if a == b {
				probs[a][b] = 8 * c
			}
		}
	}
	return sizes, probs
}

// BenchmarkGraphonExponential: G(n, W, 1) with W = exp(−(u+v)), n = 10⁴:
// E|E| = C(n,2)(1−e^{−1})² ≈ 2·10⁷ edges.
func BenchmarkGraphonExponential(b *testing.B) {
	benchGraph(b, func(seed uint64) (graphs.Graph, error) {
		g, _, err := Sample(10_000, Exponential(), 1, newRand(seed))
		return g, err
	})
}

// BenchmarkChungLu: n = 10⁶ power-law weights w_i = 5000·(i+1)^{−1/2}
// (average degree ≈ 10), shuffled so the relabelling pass runs.
func BenchmarkChungLu(b *testing.B) {
	const n = 1_000_000
	w := make([]float64, n)
	for i := range w {
		w[i] = 5000 / math.Sqrt(float64(i+1))
	}
	newRand(1).Shuffle(n, func(i, j int) { w[i], w[j] = w[j], w[i] })
	benchGraph(b, func(seed uint64) (graphs.Graph, error) {
		return ChungLu(w, newRand(seed))
	})
}

// BenchmarkEgoDraw: one ego draw for the exponential graphon, n = 10⁶,
// ρ = 10⁻³ (about 400 neighbours per draw); reports neighbours/s.
func BenchmarkEgoDraw(b *testing.B) {
	e, err := NewEgo(1_000_000, Exponential(), 1e-3)
	if err != nil {
		b.Fatal(err)
	}
	rng := newRand(1)
	var buf []float64
	var total int
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		_, buf = e.Draw(rng, buf)
		total += len(buf)
	}
	b.ReportMetric(float64(total)/time.Since(start).Seconds(), "neighbours/s")
}

// BenchmarkEgoSampler: one Sample call (B = 1) of the ego sampler,
// n = 10⁴, nρ = 100, d = 2 (fourier:1), W = exponential with thinning:
// the per-step sampling cost of online training.
func BenchmarkEgoSampler(b *testing.B) {
	x, err := ParseSignal("fourier:1")
	if err != nil {
		b.Fatal(err)
	}
	y, err := ParseTarget("poly:0,0,1")
	if err != nil {
		b.Fatal(err)
	}
	p := Process{W: Exponential(), Rho: 0.01, N: 10000, X: x, Y: y}
	s, err := NewEgoSampler(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	phi, yy := make([]float64, 4), make([]float64, 1)
	b.ReportAllocs()
	k := uint64(0)
	for b.Loop() {
		if err := s.Sample(newRand(k), phi, yy); err != nil {
			b.Fatal(err)
		}
		k++
	}
}

// BenchmarkWholeGraphSampler: one Sample call (B = n) of the whole-graph
// sampler, n = 10⁴, nρ = 100, d = 2.
func BenchmarkWholeGraphSampler(b *testing.B) {
	x, err := ParseSignal("fourier:1")
	if err != nil {
		b.Fatal(err)
	}
	y, err := ParseTarget("poly:0,0,1")
	if err != nil {
		b.Fatal(err)
	}
	p := Process{W: Exponential(), Rho: 0.01, N: 10000, X: x, Y: y}
	s, err := NewWholeGraphSampler(p, p.N)
	if err != nil {
		b.Fatal(err)
	}
	phi, yy := make([]float64, 4*p.N), make([]float64, p.N)
	b.ReportAllocs()
	k := uint64(0)
	for b.Loop() {
		if err := s.Sample(newRand(k), phi, yy); err != nil {
			b.Fatal(err)
		}
		k++
	}
}
