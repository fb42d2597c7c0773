package limits_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits"
)

// The mean-field limit of a linear network on the exponential graphon, by
// the moment ODE, at the problem's times, on its quadrature nodes.
func ExampleSetup_Limit() {
	p := limits.DefaultProblem()
	p.Activation = activation.Identity
	p.Quadrature = 4
	s, err := limits.NewSetup(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	sol, err := s.Limit(context.Background(), limits.MeanFieldLimit, 1, 1, limits.SolveOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	u, _ := s.Nodes()
	phi, y := s.Features()
	g := make([]float64, len(u))
	for k, t := range sol.Times {
		if err := sol.Eval(g, k, phi); err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("t=%g (%s):", t, sol.Method)
		for q := range u {
			fmt.Printf(" g(%.2f)=%.3f", u[q], g[q])
		}
		fmt.Println()
	}
	fmt.Printf("target:")
	for q := range u {
		fmt.Printf(" Y(%.2f)=%.3f", u[q], y[q])
	}
	fmt.Println()
	// Output:
	// t=0.5 (moment ODE (linear σ)): g(0.07)=0.332 g(0.33)=0.686 g(0.67)=-0.684 g(0.93)=-0.330
	// t=2 (moment ODE (linear σ)): g(0.07)=0.424 g(0.33)=0.877 g(0.67)=-0.875 g(0.93)=-0.422
	// target: Y(0.07)=0.423 Y(0.33)=0.876 Y(0.67)=-0.876 Y(0.93)=-0.423
}

// A problem read from YAML: unspecified fields keep DefaultProblem's values;
// W, X and Y are parsed from their specs and written back in canonical form.
func ExampleDecodeProblem() {
	p, err := limits.DecodeProblem(strings.NewReader("graphon: 'sbm:1,3:0.9,0.1;0.1,0.5'\nrho: 0.1\nactivation: relu\n"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(p.Graphon, p.Rho, p.Activation, p.Signal, p.Target, p.Sampler)
	// Output: sbm:0.25,0.75:0.9,0.1;0.1,0.5 0.1 relu fourier:1 sin:1 ego
}
