package generators

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestSampleAtMatchesSample: SampleAt at the latents Sample draws first,
// from the same stream after them, gives Sample's samples bit for bit.
func TestSampleAtMatchesSample(t *testing.T) {
	x, _ := ParseSignal("fourier:1")
	y, _ := ParseTarget("sin:1")
	p := Process{W: Exponential(), Rho: 0.5, N: 300, X: x, Y: y, NoiseX: 0.1, NoiseY: 0.2}
	s, err := NewEgoSampler(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	phi, ys := make([]float64, 16), make([]float64, 4)
	if err := s.Sample(rand.New(rand.NewPCG(3, 4)), phi, ys); err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	u := make([]float64, 4)
	for i := range u {
		u[i] = rng.Float64()
	}
	phi2, ys2 := make([]float64, 16), make([]float64, 4)
	if err := s.SampleAt(rng, u, phi2, ys2); err != nil {
		t.Fatal(err)
	}
	for i := range phi {
		if math.Float64bits(phi[i]) != math.Float64bits(phi2[i]) {
			t.Fatalf("φ[%d]: %v, %v", i, phi[i], phi2[i])
		}
	}
	for i := range ys {
		if ys[i] != ys2[i] {
			t.Fatalf("y[%d]: %v, %v", i, ys[i], ys2[i])
		}
	}
	if err := s.SampleAt(rng, []float64{1.5}, phi2[:4], ys2[:1]); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("latent 1.5: %v", err)
	}
	if err := s.SampleAt(rng, u, phi2[:4], ys2); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("short phi: %v", err)
	}
}

// TestNeighbourLaw: Ego.Neighbour at u = 0.3 against W(u,·)/d_W(u) by χ²
// over 10 bins, for a thinned (Gaussian) and an SBM graphon; d_W(u) = 0 is
// an error.
func TestNeighbourLaw(t *testing.T) {
	g, _ := Gaussian(0.2)
	sbm, _ := ParseGraphon("sbm:0.3,0.7:0.9,0.1;0.1,0.5")
	for _, w := range []Graphon{g, sbm} {
		e, err := NewEgo(1, w, 1)
		if err != nil {
			t.Fatal(err)
		}
		const u, bins, draws = 0.3, 10, 20000
		rng := newRand(9)
		obs := make([]float64, bins)
		for range draws {
			v, err := e.Neighbour(rng, u)
			if err != nil {
				t.Fatal(err)
			}
			obs[min(int(v*bins), bins-1)]++
		}
		d, _ := w.Degree(u)
		exp := make([]float64, bins)
		const sub = 200
		for b := range exp {
			for k := range sub { // midpoint rule, fine enough for smooth/blocked W
				v := (float64(b) + (float64(k)+0.5)/sub) / bins
				x, _ := w.At(u, v)
				exp[b] += draws * x / d / (bins * sub)
			}
		}
		x, df := chiSquare(obs, exp)
		if z := chiSquareZ(x, df); z > zMax {
			t.Errorf("%s: chi2=%.1f df=%d z=%.2f", w, x, df, z)
		}
	}
	e, err := NewEgo(1, Product(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Neighbour(newRand(1), 0); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Product at u=0: %v, want ErrParameter", err)
	}
}
