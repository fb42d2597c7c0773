package walk_test

import (
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/generators/walk"
)

// BenchmarkStep compares one training sample of the graphon walk (a walk
// move, then an ego sample at the visited latent) with one i.i.d. ego
// sample, on G(1000, gaussian:0.15, 1) (about 300 neighbours per node),
// the move alone, and one step of the walk on a fixed graph drawn from it.
func BenchmarkStep(b *testing.B) {
	p := process(b, "gaussian:0.15", 1000)
	es, err := generators.NewEgoSampler(p, 1)
	if err != nil {
		b.Fatal(err)
	}
	phi, y := make([]float64, 4), make([]float64, 1)
	b.Run("ego", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		for b.Loop() {
			if err := es.Sample(rng, phi, y); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, h := range []float64{0, 0.9} {
		w, err := walk.NewGraphon(p.W, es, walk.Options{Hold: h})
		if err != nil {
			b.Fatal(err)
		}
		b.Run("graphon-walk/"+w.Options().String(), func(b *testing.B) {
			rng := rand.New(rand.NewPCG(1, 1))
			for b.Loop() {
				if err := w.Sample(rng, phi, y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	mv, err := walk.NewGraphon(p.W, es, walk.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("graphon-move", func(b *testing.B) { // the move alone, without the ego sample
		rng := rand.New(rand.NewPCG(1, 1))
		u := make([]float64, 1)
		for b.Loop() {
			if err := mv.Walk(rng, u); err != nil {
				b.Fatal(err)
			}
		}
	})
	g, err := walk.NewRandomGraph(p, rand.New(rand.NewPCG(1, 2)), walk.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Run("graph-walk", func(b *testing.B) {
		rng := rand.New(rand.NewPCG(1, 1))
		for b.Loop() {
			if err := g.Sample(rng, phi, y); err != nil {
				b.Fatal(err)
			}
		}
	})
}
