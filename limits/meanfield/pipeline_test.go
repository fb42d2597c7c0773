package meanfield

import (
	"context"
	"fmt"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits/ode"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// TestGraphonPipeline runs the whole double limit for linear σ from a
// graphon: the exponential graphon W = e^{−(u+v)} and X(u) = u give
// φ(u) = (u, c e^{−u}) with c = ∫ v e^{−v} dv = 1 − 2/e; the particle solver
// on the graphon features and the moment ODE must agree to 1e-6 at t = 1, and
// Σ = E[φφᵀ] must match its closed form (E[u²] = 1/3, E[u e^{−u}] c,
// E[e^{−2u}] c²) to 1e-14 with 12 nodes.
func TestGraphonPipeline(t *testing.T) {
	rule, err := quadrature.Legendre(12)
	if err != nil {
		t.Fatal(err)
	}
	op, err := quadrature.NewGraphonOperator(func(u, v float64) float64 { return math.Exp(-(u + v)) }, rule)
	if err != nil {
		t.Fatal(err)
	}
	x := func(u float64, dst []float64) { dst[0] = u }
	phi, err := op.Features(x, 1, aggregation.Aggregation{})
	if err != nil {
		t.Fatal(err)
	}
	y := make([]float64, rule.Len())
	for q, u := range rule.U {
		y[q] = math.Sin(math.Pi * u)
	}
	sigma, r, err := SecondMoments(rule.Omega, phi, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	c := 1 - 2/math.E
	want := []float64{1.0 / 3, c * (1 - 2/math.E), c * (1 - 2/math.E), c * c * (1 - math.Exp(-2)) / 2}
	for i := range want {
		if math.Abs(sigma[i]-want[i]) > 1e-14 {
			t.Errorf("Σ[%d] = %v want %v", i, sigma[i], want[i])
		}
	}
	p := Problem{Act: activation.Identity, Alpha: 2, Omega: rule.Omega, Phi: phi, Y: y, Dim: 2}
	theta0, err := HaltonParticles(128, 1, 1, 1, 9)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := SolveParticles(context.Background(), p, theta0, []float64{1}, tight, false)
	if err != nil {
		t.Fatal(err)
	}
	m0, _ := EmpiricalMoments(theta0, 2)
	ms, _, err := SolveMoments(context.Background(), MomentProblem{Sigma: sigma, R: r, Alpha: 2}, m0, []float64{1}, tight)
	if err != nil {
		t.Fatal(err)
	}
	for q := range y {
		if d := math.Abs(tr.G[q] - ms[0].Output(phi[2*q:2*q+2])); d > 1e-6 {
			t.Errorf("node %d: particles %v, moments %v", q, tr.G[q], ms[0].Output(phi[2*q:2*q+2]))
		}
	}
}

func ExampleSolve() {
	// Mean-field limit for tanh on a 16-node grid: φ(u) = (u, 0.4 e^{−u}),
	// Y(u) = sin 2πu + u; 256 Halton particles, self-check with 512.
	p := testGrid(16)
	p.Act = activation.Tanh
	tr, err := Solve(context.Background(), p, Init{Sc: 1, Sw: 1, D: 1, Seed: 1}, 256, []float64{0.5, 1},
		ode.Options{RTol: 1e-8, ATol: 1e-10}, true)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(tr.G), tr.ErrEstimate[1] < 1e-2)
	// Output: 32 true
}

func ExampleHaltonParticles() {
	th, err := HaltonParticles(4, 1, 1, 1, 0)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(len(th)) // 4 particles × (c, w, v)
	// Output: 12
}
