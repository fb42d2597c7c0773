package fluctuation_test

import (
	"context"
	"testing"

	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// BenchmarkFluctuation: the fluctuation solve of DefaultProblem (tanh,
// d = 2, α = 3, t ∈ {0.5, 2}) with Q = 64 quadrature nodes and M = 4096
// particles (M_f = 1024 carriers, no self-check), beside the particle solve
// alone (package limits' mean-field limit with the same M). The
// fluctuation sub-benchmark reports its time as a multiple of the
// particle solve's (×particles); the target is at most 10.
func BenchmarkFluctuation(b *testing.B) {
	p := limits.DefaultProblem()
	p.Quadrature = 64
	s, err := limits.NewSetup(p)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	var particles float64 // seconds per particle solve
	b.Run("particles", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Limit(ctx, limits.MeanFieldLimit, 1, 1, limits.SolveOptions{Particles: 4096}); err != nil {
				b.Fatal(err)
			}
		}
		particles = b.Elapsed().Seconds() / float64(b.N)
	})
	b.Run("fluctuation", func(b *testing.B) {
		for b.Loop() {
			if _, err := fluctuation.Particles(ctx, s, p.Times, fluctuation.Options{Particles: 4096}); err != nil {
				b.Fatal(err)
			}
		}
		if particles > 0 {
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)/particles, "×particles")
		}
	})
}
