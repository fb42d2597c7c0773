package longrun_test

import (
	"fmt"

	"github.com/gnnwb/gnnwb/limits/longrun"
)

// A two-state chain that stays put with probability 0.9: the long-run
// variance of the indicator of state 0 is (1 + λ)/(1 − λ) = 9 times its
// variance, λ = 0.8 the second eigenvalue.
func ExampleNew() {
	c, err := longrun.New([]float64{0.9, 0.1, 0.1, 0.9})
	if err != nil {
		fmt.Println(err)
		return
	}
	f := []float64{1, 0}
	fmt.Printf("π = %.2f, Var_π f = %.4f, Γ(f, f) = %.4f, τ = %.1f\n", c.Pi, c.Covariance(f, 1)[0], c.Gamma(f, 1)[0], c.Tau(f))
	rel, _ := c.Relaxation()
	fmt.Printf("relaxation time %.1f samples\n", rel)
	// Output:
	// π = [0.50 0.50], Var_π f = 0.2500, Γ(f, f) = 2.2500, τ = 9.0
	// relaxation time 5.0 samples
}
