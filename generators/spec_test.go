package generators

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestGenerateEquivalence checks the documented equivalence: Generate with
// seed s equals the plain function with rand.New(rand.NewPCG(s, 0)).
func TestGenerateEquivalence(t *testing.T) {
	const seed = 1234
	rng := func() *rand.Rand { return rand.New(rand.NewPCG(seed, 0)) }
	g, _ := Gaussian(0.1)
	sizes, probs := []int{3000, 2000}, [][]float64{{0.002, 0.0005}, {0.0005, 0.003}}
	weights := chungLuWeights(2000, false)
	tests := []struct {
		name  string
		spec  Spec
		plain func() (graphs.Graph, error)
	}{
		{"er", ERSpec{N: 5000, P: 0.001}, func() (graphs.Graph, error) { return ErdosRenyi(5000, 0.001, rng()) }},
		{"gnm", GNMSpec{N: 5000, M: 3000}, func() (graphs.Graph, error) { return GNM(5000, 3000, rng()) }},
		{"sbm", SBMSpec{Sizes: sizes, Probs: probs}, func() (graphs.Graph, error) { return SBM(sizes, probs, rng()) }},
		{"graphon", GraphonSpec{N: 3000, W: g, Rho: 0.02}, func() (graphs.Graph, error) {
			h, _, err := Sample(3000, g, 0.02, rng())
			return h, err
		}},
		{"weighted", GraphonSpec{N: 200, W: Exponential(), Rho: 0.5, Weighted: true}, func() (graphs.Graph, error) {
			h, _, err := SampleWeighted(200, Exponential(), 0.5, rng())
			return h, err
		}},
		{"chunglu", ChungLuSpec{Weights: weights}, func() (graphs.Graph, error) { return ChungLu(weights, rng()) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			want, err := tc.plain()
			if err != nil {
				t.Fatal(err)
			}
			var calls, inFlight, overlap atomic.Int64
			var last, total int64
			got, err := Generate(context.Background(), tc.spec, seed, func(done, tot int64) {
				if inFlight.Add(1) > 1 {
					overlap.Add(1)
				}
				defer inFlight.Add(-1)
				calls.Add(1)
				if done < last || done > tot {
					t.Errorf("progress went from %d to %d of %d", last, done, tot)
				}
				last, total = done, tot
			})
			if err != nil {
				t.Fatal(err)
			}
			if !graphs.Equal(got, want) {
				t.Fatalf("Generate differs from the plain function")
			}
			if calls.Load() < 2 || last != total || overlap.Load() != 0 {
				t.Errorf("progress: %d calls, ended at %d of %d, %d overlapping", calls.Load(), last, total, overlap.Load())
			}
		})
	}
}

func TestGenerateCancel(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Generate(ctx, ERSpec{N: 1000, P: 0.01}, 1, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled before: err = %v", err)
	}
	// Cancel while the first block runs: every block started later refuses.
	for _, progress := range []func(done, total int64){nil, func(done, total int64) {}} {
		ctx, cancel := context.WithCancel(context.Background())
		err := runBlocks(ctx, "test", 50, func(int) int64 { return 1 }, progress, func(b int) error {
			if b == 49 {
				cancel()
			} else {
				select { // the other worker's first block waits for the cancel
				case <-ctx.Done():
				case <-time.After(5 * time.Second):
				}
			}
			return nil
		})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled during: err = %v", err)
		}
	}
	if _, err := Generate(context.Background(), nil, 1, nil); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("nil spec: err = %v", err)
	}
}
