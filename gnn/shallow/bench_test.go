package shallow

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
)

// egoBench is an ego-like sampler for the benchmark (generators' ego sampler
// is not wired here): W ≡ 1, nρ = K = 100 neighbours with latents
// v ~ U[0,1], X(v) = (cos 2πv, sin 2πv), m = (1/K) Σ X(v_j); for model B
// each neighbour's φ_j = (X(v_j), (T_W X)(v_j)) = (X(v_j), 0) with weight 1/K.
type egoBench struct{ k int }

func (egoBench) Dim() int { return 2 }

func (s egoBench) Sample(rng *rand.Rand, phi, y []float64) error {
	for b := range y {
		y[b] = rng.Float64()
	}
	for b, u := range y {
		f := phi[b*4 : (b+1)*4]
		f[0], f[1] = math.Cos(2*math.Pi*u), math.Sin(2*math.Pi*u)
		f[2], f[3] = 0, 0
		for range s.k {
			v := rng.Float64()
			f[2] += math.Cos(2*math.Pi*v) / float64(s.k)
			f[3] += math.Sin(2*math.Pi*v) / float64(s.k)
		}
		y[b] = math.Sin(2 * math.Pi * u)
	}
	return nil
}

func (s egoBench) SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) ([]float64, []float64, error) {
	for b := range y {
		y[b] = rng.Float64()
	}
	for b, u := range y {
		for range s.k {
			v := rng.Float64()
			w = append(w, 1/float64(s.k))
			phi = append(phi, math.Cos(2*math.Pi*v), math.Sin(2*math.Pi*v), 0, 0)
		}
		end[b] = len(w)
		y[b] = math.Sin(2 * math.Pi * u)
	}
	return w, phi, nil
}

// BenchmarkStep measures online SGD steps (draw a batch from StepRand(seed,
// k), forward, update) for N = 10⁴, d = 2, B = 1, nρ = 100 neighbours, with
// Train's loop body; steps/s is reported.
func BenchmarkStep(b *testing.B) {
	for _, v := range []Variant{ModelA, ModelB} {
		b.Run("model="+v.String(), func(b *testing.B) {
			m, err := NewModel(ModelConfig{Width: 10000, Dim: 2, Gamma: 1, Activation: activation.Tanh, Variant: v, Sc: 1, Sw: 1, Seed: 1})
			if err != nil {
				b.Fatal(err)
			}
			s := egoBench{k: 100}
			batch := &Samples{Dim: 2, Y: make([]float64, 1), Phi: make([]float64, 4), End: make([]int, 1)}
			if v == ModelB {
				batch.Phi = nil
			}
			b.ReportAllocs()
			var k int64
			for b.Loop() {
				rng := StepRand(1, k)
				if v == ModelA {
					err = s.Sample(rng, batch.Phi, batch.Y)
				} else {
					batch.Weight, batch.NbrPhi, err = s.SampleNeighbours(rng, batch.Y, batch.End, batch.Weight[:0], batch.NbrPhi[:0])
				}
				if err != nil {
					b.Fatal(err)
				}
				if _, err := m.Step(batch, 1); err != nil {
					b.Fatal(err)
				}
				k++
			}
			b.ReportMetric(float64(k)/b.Elapsed().Seconds(), "steps/s")
		})
	}
}
