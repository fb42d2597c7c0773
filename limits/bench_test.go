package limits

import (
	"context"
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkParticles: the mean-field particle solver of DefaultProblem
// (tanh, d = 2, Q = 48) with M = 4096 particles to t = 1, at 1 and 2 procs.
// It reports particle-evals/s: M × right-hand-side evaluations per second
// (each evaluation is O(Q·2d) per particle).
func BenchmarkParticles(b *testing.B) {
	p := DefaultProblem()
	p.Times = []float64{1}
	s := mustSetup(b, p)
	th, err := s.particles(4096)
	if err != nil {
		b.Fatal(err)
	}
	for _, procs := range []int{1, 2} {
		b.Run(fmt.Sprintf("M=4096/procs=%d", procs), func(b *testing.B) {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
			b.ReportAllocs()
			evals := 0
			for b.Loop() {
				sol, _, err := s.solveParticles(context.Background(), p.Times, th)
				if err != nil {
					b.Fatal(err)
				}
				evals += sol.Stats.Evals
			}
			b.ReportMetric(float64(4096*evals)/b.Elapsed().Seconds(), "particle-evals/s")
		})
	}
}

// BenchmarkNetwork: one cell's network of the default sweep at its largest
// size (n = 3000, N = 3000, t = 2: 6000 ego-sampled SGD steps).
func BenchmarkNetwork(b *testing.B) {
	s := mustSetup(b, DefaultProblem())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.Network(context.Background(), 3000, 3000, 1); err != nil {
			b.Fatal(err)
		}
	}
}
