package continuous

import (
	"fmt"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
)

// BenchmarkNew builds the limit of the Keriven network (Q² graphon
// evaluations and 6 layers on the grid) for Q = 64 and 128.
func BenchmarkNew(b *testing.B) {
	w, _ := generators.Gaussian(0.15)
	m := gcnStack([]int{1, 10, 10, 10, 10, 10, 1}, activation.ReLU, aggregation.AddMissingLoops, 1, 0)
	for _, p := range []int{8, 16} {
		rule, _ := PanelRule(p, DefaultNodes)
		b.Run(fmt.Sprintf("Q=%d", rule.Len()), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := New(m, w, Latent, Options{Rule: rule}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkAt evaluates the limit at 3162 random latents (the largest n of
// the Keriven experiment).
func BenchmarkAt(b *testing.B) {
	w, _ := generators.Gaussian(0.15)
	net, err := New(gcnStack([]int{1, 10, 10, 10, 10, 10, 1}, activation.ReLU, aggregation.AddMissingLoops, 1, 0), w, Latent, Options{})
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 0))
	u := make([]float64, 3162)
	for i := range u {
		u[i] = rng.Float64()
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := net.At(u); err != nil {
			b.Fatal(err)
		}
	}
}
