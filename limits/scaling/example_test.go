package scaling_test

import (
	"fmt"

	"github.com/gnnwb/gnnwb/limits/scaling"
)

// The experiment's default: the problem where the features must move, and
// the grid of γ and N it runs.
func ExampleDefault() {
	c := scaling.Default()
	p := c.Problem
	fmt.Printf("σ=%s target=%s s_c=%g s_w=%g symmetric=%v t=%v\n", p.Activation, p.Target, p.Sc, p.Sw, p.Symmetric, p.Times)
	fmt.Println(c.Gammas, c.Widths, c.Seeds)
	// Output:
	// σ=tanh target=sin:1 s_c=0.3 s_w=0.3 symmetric=true t=[0.5 1 2]
	// [0.5 0.6 0.75 0.9 1] [64 128 256 512 1024 2048] 16
}
