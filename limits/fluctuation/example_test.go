package fluctuation_test

import (
	"context"
	"fmt"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/gnn/shallow"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/fluctuation"
)

// How wide must a linear network be for its mean-field error to stay below
// ε = 0.01 at t = 2? The constant C(t) of E‖g^N_t − g_t‖² ≈ C(t)/N answers.
func ExampleLinear() {
	p := limits.DefaultProblem()
	p.Activation = activation.Identity
	p.Alpha = 1
	p.Target, _ = generators.ParseTarget("poly:0,0,1")
	s, err := limits.NewSetup(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := fluctuation.Linear(context.Background(), s, []float64{0, 0.5, 2})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, t := range c.Times {
		fmt.Printf("C(%g) = %.4f\n", t, c.C[k])
	}
	n, err := c.Width(0.01, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N = %d for E‖g^N_2 − g_2‖² ≤ 0.01²\n", n)
	// Output:
	// C(0) = 0.5021
	// C(0.5) = 0.3103
	// C(2) = 0.1453
	// N = 1453 for E‖g^N_2 − g_2‖² ≤ 0.01²
}

// The moment chain of a width-N linear network: one SGD step on one sample
// moves the moments (b, Q, q) of the units exactly. From b = 0, Q = I/2,
// q = 1 and the sample φ = (1, ½), y = 1 (so e = φ, h = 1/N):
// b' = h (Q + qI) e = 0.015·φ and q' = q + h² eᵀQe = 1 + 0.625·10⁻⁴.
func ExampleChain() {
	ch, err := fluctuation.NewChain(100, 1, 1, 2) // N = 100, γ = 1, α = 1, φ ∈ ℝ²
	if err != nil {
		fmt.Println(err)
		return
	}
	m := shallow.Moments{MeanCA: []float64{0, 0}, MeanAA: []float64{0.5, 0, 0, 0.5}, MeanC2: 1}
	b := &shallow.Samples{Dim: 1, Y: []float64{1}, Phi: []float64{1, 0.5}}
	if err := ch.Step(&m, b); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("b = %.4f, q = %.7f\n", m.MeanCA, m.MeanC2)
	// Output:
	// b = [0.0150 0.0075], q = 1.0000625
}

// How wide must a tanh network be for its mean-field error to stay below
// ε = 0.02 at t = 2? For σ other than the identity the constant comes from
// the linearised particle flow (here with few particles, to be quick; the
// self-check states its error).
func ExampleParticles() {
	p := limits.DefaultProblem() // tanh, α = 3, Y = sin 2πu
	p.Quadrature = 16
	s, err := limits.NewSetup(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	c, err := fluctuation.Particles(context.Background(), s, []float64{0, 2}, fluctuation.Options{Particles: 512, SelfCheck: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for k, t := range c.Times {
		fmt.Printf("C(%g) = %.3f ± %.3f\n", t, c.C[k], c.ErrEstimate[k])
	}
	n, err := c.Width(0.02, 1)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("N = %d\n", n)
	// Output:
	// C(0) = 0.273 ± 0.010
	// C(2) = 0.026 ± 0.001
	// N = 66
}

// How far is a linear network trained on a graph of n = 800 nodes (ρ = 0.1,
// nρ = 80) from its graphon limit? Graph predicts E e_fun² as the square of
// a bias of order 1/(nρ) plus a variance of order 1/(N·nρ); below the
// crossing width V·nρ/‖B‖² the variance dominates, above it the bias.
func ExampleGraph() {
	p := limits.DefaultProblem()
	p.Graphon, _ = generators.ParseGraphon("sbm:0.5,0.5:0.9,0.1;0.1,0.9")
	p.Rho = 0.1
	p.Signal, _ = generators.ParseSignal("poly:1")
	p.Target, _ = generators.ParseTarget("poly:0,0,1")
	p.Activation = activation.Identity
	p.Alpha = 1
	s, err := limits.NewSetup(p)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, width := range []int{100, 10000} {
		g, err := fluctuation.Graph(context.Background(), s, 800, width, []float64{2})
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("N = %5d: E e_fun²(2) ≈ %.3e (bias %.3e + variance %.3e)\n", width, g.Total[0], g.Bias[0], g.Variance[0])
	}
	// Output:
	// N =   100: E e_fun²(2) ≈ 3.238e-07 (bias 3.242e-08 + variance 2.914e-07)
	// N = 10000: E e_fun²(2) ≈ 3.534e-08 (bias 3.242e-08 + variance 2.914e-09)
}
