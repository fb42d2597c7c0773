package optim_test

import (
	"fmt"
	"log"
	"slices"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/optim"
)

// Gradient descent with momentum on f(θ) = θ²/2 (gradient θ): the
// velocity accumulates, v = g at the first step, then v = μv + g.
func ExampleSGD() {
	p := []gnn.Param{{Name: "θ", Value: []float64{1}, Grad: make([]float64, 1)}}
	o := &optim.SGD{LR: 0.1, Momentum: 0.9}
	for range 3 {
		optim.ZeroGrad(p)
		p[0].Grad[0] = p[0].Value[0]
		if err := o.Step(p); err != nil {
			log.Fatal(err)
		}
		fmt.Printf("θ %.4f  v %.4f\n", p[0].Value[0], o.Velocity[0][0])
	}
	// Output:
	// θ 0.9000  v 1.0000
	// θ 0.7200  v 1.8000
	// θ 0.4860  v 2.3400
}

// An Adam state saved after one step and restored into a fresh Adam: the
// two optimisers take the same second step.
func ExampleAdam_State() {
	w := []gnn.Param{{Name: "w", Value: []float64{1, -1}, Grad: []float64{0.5, 0.5}}}
	a := optim.NewAdam(0.1, 0)
	if err := a.Step(w); err != nil {
		log.Fatal(err)
	}
	saved := a.State()
	b := optim.NewAdam(0.1, 0)
	if err := b.SetState(saved); err != nil {
		log.Fatal(err)
	}
	v := []gnn.Param{{Name: "w", Value: slices.Clone(w[0].Value), Grad: []float64{0.5, 0.5}}}
	if err := a.Step(w); err != nil {
		log.Fatal(err)
	}
	if err := b.Step(v); err != nil {
		log.Fatal(err)
	}
	fmt.Println(saved.Kind, saved.Steps, saved.Slots[0].Name, saved.Slots[1].Name)
	fmt.Printf("%.4f %.4f\n", w[0].Value, v[0].Value)
	// Output:
	// adam 1 exp_avg exp_avg_sq
	// [0.8000 -1.2000] [0.8000 -1.2000]
}
