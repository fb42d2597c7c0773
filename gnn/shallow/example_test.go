package shallow_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
)

// A model of width N is the prefix of the model of width 2N with the same
// seed (coupling).
func ExampleNewModel() {
	cfg := shallow.ModelConfig{Width: 4, Dim: 1, Gamma: 1, Activation: activation.Tanh, Sc: 1, Sw: 1, Seed: 7}
	small, _ := shallow.NewModel(cfg)
	cfg.Width = 8
	big, _ := shallow.NewModel(cfg)
	fmt.Println(len(small.C), len(small.A), small.C[3] == big.C[3], small.A[7] == big.A[7])
	// Output: 4 8 true true
}

// Online SGD of a linear network on the graphon-limit sampler with
// X(u) = 2u − 1, M(u) = 1 and Y(u) = 3(2u − 1): the least-squares optimum
// is b = (3, 0) with zero loss.
func ExampleTrain() {
	s := &shallow.FuncSampler{
		D: 1,
		X: func(u float64, dst []float64) { dst[0] = 2*u - 1 },
		M: func(u float64, dst []float64) { dst[0] = 1 },
		Y: func(u float64) float64 { return 3 * (2*u - 1) },
	}
	cfg := shallow.DefaultConfig()
	cfg.Width, cfg.Activation, cfg.Time, cfg.Times = 100, activation.Identity, 20, []float64{0, 20}
	run, err := shallow.Train(context.Background(), cfg, s)
	if err != nil {
		log.Fatal(err)
	}
	last := run.Records[len(run.Records)-1]
	fmt.Printf("steps %d, b = (%.2f, %.2f), batch loss < 1e-6: %v\n", run.Steps, last.MeanCA[0], last.MeanCA[1], last.BatchLoss < 1e-6)
	// Output: steps 2000, b = (3.00, 0.00), batch loss < 1e-6: true
}

// The SGD learning rate of the mean-field (γ = 1) and kernel (γ = ½)
// scalings for N = 100 hidden units.
func ExampleMeanFieldRate() {
	fmt.Println(shallow.MeanFieldRate(0.5, 1, 100), shallow.MeanFieldRate(0.5, 0.5, 100))
	// Output: 0.5 0.005
}
