package generators

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestContextualSBMLaw checks the law of the labels and features: y_i is
// the block of i, and the residuals x_ik − mu·[k = y_i] are N(0, 1): per
// block and feature the residual mean has standard deviation 1/√n_a, and
// per feature the sample variance of n residuals has standard deviation
// ≈ √(2/n); every z-score must be below 5.
func TestContextualSBMLaw(t *testing.T) {
	sizes := []int{700, 500, 300}
	probs := [][]float64{{0.02, 0.002, 0.001}, {0.002, 0.03, 0.002}, {0.001, 0.002, 0.04}}
	const dim, mu = 5, 2.0
	g, X, y, err := ContextualSBM(sizes, probs, dim, mu, rand.New(rand.NewPCG(7, 0)))
	if err != nil {
		t.Fatal(err)
	}
	n := 1500
	if g.NumNodes() != n || len(X) != n*dim || len(y) != n {
		t.Fatalf("n=%d len(X)=%d len(y)=%d", g.NumNodes(), len(X), len(y))
	}
	// The graph is SBM's on the same generator.
	want, _ := SBM(sizes, probs, rand.New(rand.NewPCG(7, 0)))
	if !graphs.Equal(g, want) {
		t.Fatal("graph differs from SBM on the same rng")
	}
	start := 0
	for a, s := range sizes {
		for i := start; i < start+s; i++ {
			if y[i] != int32(a) {
				t.Fatalf("y[%d]=%d, want block %d", i, y[i], a)
			}
		}
		for k := range dim {
			sum := 0.0
			for i := start; i < start+s; i++ {
				r := X[i*dim+k]
				if k == a {
					r -= mu
				}
				sum += r
			}
			if z := sum / float64(s) * math.Sqrt(float64(s)); math.Abs(z) > 5 {
				t.Errorf("block %d feature %d: residual mean z=%.2f", a, k, z)
			}
		}
		start += s
	}
	for k := range dim {
		var s2 float64
		for i := range n {
			r := X[i*dim+k]
			if int(y[i]) == k {
				r -= mu
			}
			s2 += r * r
		}
		s2 /= float64(n)
		if z := (s2 - 1) / math.Sqrt(2/float64(n)); math.Abs(z) > 5 {
			t.Errorf("feature %d: residual second moment %.4f, z=%.2f", k, s2, z)
		}
	}
}

func TestContextualSBMDeterminism(t *testing.T) {
	sizes := []int{1500, 1000}
	probs := [][]float64{{0.004, 0.001}, {0.001, 0.004}}
	sample := func(procs int) ([]float64, graphs.Graph) {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		g, X, _, err := ContextualSBM(sizes, probs, 3, 1, rand.New(rand.NewPCG(3, 0)))
		if err != nil {
			t.Fatal(err)
		}
		return X, g
	}
	X1, g1 := sample(1)
	X2, g2 := sample(2)
	if !slices.Equal(X1, X2) || !graphs.Equal(g1, g2) {
		t.Fatal("GOMAXPROCS=1 and 2 differ")
	}
}

func TestContextualSBMErrors(t *testing.T) {
	probs := [][]float64{{0.5, 0.1}, {0.1, 0.5}}
	rng := rand.New(rand.NewPCG(1, 0))
	for _, tc := range []struct {
		name  string
		sizes []int
		probs [][]float64
		dim   int
		mu    float64
		rng   *rand.Rand
		kind  error
	}{
		{"no blocks", nil, nil, 2, 1, rng, graphs.ErrParameter},
		{"dim below K", []int{3, 3}, probs, 1, 1, rng, graphs.ErrParameter},
		{"mu NaN", []int{3, 3}, probs, 2, math.NaN(), rng, graphs.ErrParameter},
		{"mu Inf", []int{3, 3}, probs, 2, math.Inf(1), rng, graphs.ErrParameter},
		{"probs shape", []int{3, 3}, [][]float64{{0.5}}, 2, 1, rng, graphs.ErrShape},
		{"prob above 1", []int{3, 3}, [][]float64{{1.5, 0}, {0, 1}}, 2, 1, rng, graphs.ErrParameter},
		{"nil rng", []int{3, 3}, probs, 2, 1, nil, graphs.ErrParameter},
		{"too many features", []int{1 << 20, 1 << 20}, [][]float64{{0, 0}, {0, 0}}, 1 << 11, 1, rng, graphs.ErrTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, X, y, err := ContextualSBM(tc.sizes, tc.probs, tc.dim, tc.mu, tc.rng)
			if !errors.Is(err, tc.kind) || X != nil || y != nil {
				t.Fatalf("err=%v, want %v", err, tc.kind)
			}
		})
	}
}

func ExampleContextualSBM() {
	probs := [][]float64{{0.1, 0.01}, {0.01, 0.1}}
	g, X, y, err := ContextualSBM([]int{100, 50}, probs, 4, 3, rand.New(rand.NewPCG(1, 0)))
	if err != nil {
		panic(err)
	}
	fmt.Println(g.NumNodes(), len(X)/g.NumNodes(), y[0], y[99], y[100], y[149])
	// Output: 150 4 0 0 1 1
}
