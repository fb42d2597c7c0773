package train

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs"
)

// lossGradCheck compares the gradient of a loss with central differences.
func lossGradCheck(t *testing.T, name string, x []float64, f func(grad []float64) float64) {
	t.Helper()
	grad := make([]float64, len(x))
	f(grad)
	scratch := make([]float64, len(x))
	for e := range x {
		x0 := x[e]
		x[e] = x0 + gnntest.FDStep
		lp := f(scratch)
		x[e] = x0 - gnntest.FDStep
		lm := f(scratch)
		x[e] = x0
		num := (lp - lm) / (2 * gnntest.FDStep)
		if re := gnntest.RelErr(grad[e], num); re > gnntest.FDTol {
			t.Fatalf("%s: grad[%d] = %.12g, finite difference %.12g (rel err %.2g)", name, e, grad[e], num, re)
		}
	}
}

func TestLossGradients(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	const n, c = 7, 4
	z := gnntest.RandSlice(rng, n*c, 3)
	y := make([]int32, n)
	for i := range y {
		y[i] = int32(rng.IntN(c))
	}
	target := gnntest.RandSlice(rng, n*c, 1)
	for _, tc := range []struct {
		name string
		rows []int32
	}{{"all", nil}, {"masked", []int32{0, 3, 5}}} {
		t.Run("crossentropy/"+tc.name, func(t *testing.T) {
			lossGradCheck(t, "CrossEntropy", z, func(g []float64) float64 {
				l, err := CrossEntropy(g, z, c, y, tc.rows)
				if err != nil {
					t.Fatal(err)
				}
				return l
			})
		})
		t.Run("squared/"+tc.name, func(t *testing.T) {
			lossGradCheck(t, "SquaredError", z, func(g []float64) float64 {
				l, err := SquaredError(g, z, target, c, tc.rows)
				if err != nil {
					t.Fatal(err)
				}
				return l
			})
		})
	}
}

// TestCrossEntropyTorch: value from torch.nn.functional.cross_entropy
// (PyTorch 1.13, float64) on logits [[1,2,.5],[.1,-.3,.2],[3,0,-1]],
// labels [1,2,0], rows {0,2}.
func TestCrossEntropyTorch(t *testing.T) {
	z := []float64{1, 2, .5, .1, -.3, .2, 3, 0, -1}
	g := make([]float64, 9)
	l, err := CrossEntropy(g, z, 3, []int32{1, 2, 0}, []int32{0, 2})
	if err != nil {
		t.Fatal(err)
	}
	if want := 0.265126343932687; math.Abs(l-want) > 1e-15 {
		t.Fatalf("loss %.17g, torch %.17g", l, want)
	}
	if g[3] != 0 || g[4] != 0 || g[5] != 0 {
		t.Fatalf("gradient outside the mask: %v", g[3:6])
	}
}

func TestLossErrors(t *testing.T) {
	g := make([]float64, 6)
	for _, tc := range []struct {
		name string
		err  error
		run  func() error
	}{
		{"ce shape", graphs.ErrShape, func() error { _, err := CrossEntropy(g, make([]float64, 5), 3, []int32{0, 1}, nil); return err }},
		{"ce label", graphs.ErrParameter, func() error { _, err := CrossEntropy(g, make([]float64, 6), 3, []int32{0, 3}, nil); return err }},
		{"ce row", graphs.ErrNodeID, func() error { _, err := CrossEntropy(g, make([]float64, 6), 3, []int32{0, 1}, []int32{2}); return err }},
		{"se shape", graphs.ErrShape, func() error { _, err := SquaredError(g, make([]float64, 6), make([]float64, 5), 3, nil); return err }},
		{"se row", graphs.ErrNodeID, func() error {
			_, err := SquaredError(g, make([]float64, 6), make([]float64, 6), 3, []int32{-1})
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
}
