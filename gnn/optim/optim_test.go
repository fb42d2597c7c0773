package optim

import (
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
)

// TestOptimizersTorch: three steps from θ = (0.5, −1, 2) with gradients
// (0.1,−0.2,0.3), (1,0.5,−0.25), (−0.3,0,0.7); expected values printed by
// PyTorch 1.13 (float64): torch.optim.Adam(lr=0.01, weight_decay=5e-4) and
// torch.optim.SGD(lr=0.1, momentum=0.9, weight_decay=0.01).
func TestOptimizersTorch(t *testing.T) {
	grads := [][]float64{{0.1, -0.2, 0.3}, {1.0, 0.5, -0.25}, {-0.3, 0.0, 0.7}}
	for _, tc := range []struct {
		name string
		opt  Optimizer
		want []float64
	}{
		{"adam", NewAdam(0.01, 5e-4), []float64{0.4777747094456953, -0.997815405534578, 1.9838446963094614}},
		{"sgd", &SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01}, []float64{0.31023538949999996, -1.0352207789999999, 1.885078568}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := []gnn.Param{{Value: []float64{0.5, -1, 2}, Grad: make([]float64, 3)}}
			for _, g := range grads {
				copy(p[0].Grad, g)
				if err := tc.opt.Step(p); err != nil {
					t.Fatal(err)
				}
			}
			for e, w := range tc.want {
				// a few roundings of difference in operation order at most.
				if math.Abs(p[0].Value[e]-w) > 4e-16*math.Abs(w) {
					t.Errorf("θ[%d] = %.17g, torch %.17g", e, p[0].Value[e], w)
				}
			}
		})
	}
}
