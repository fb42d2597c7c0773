package kernel

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"math"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits/quadrature"
)

// TestLinearKernelFlowReduces: for σ(z) = z and g_0 = 0 the kernel limit
// stays linear, g_t(φ) = b_t·φ with db/dt = α κ (r − Σ b), κ = s_w²/d + s_c²,
// so b_t = (I − exp(−ακΣt)) Σ⁻¹ r: a 2×2 matrix exponential that does not
// depend on the grid. The Q×Q eigen-solution on graphon features of the
// exponential graphon must reproduce it at every node (to 1e-10), and the
// off-grid prediction through Flow.Coef at a point off the grid too.
func TestLinearKernelFlowReduces(t *testing.T) {
	const alpha = 1.3
	rule, err := quadrature.Legendre(10)
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
	q := rule.Len()
	y := make([]float64, q)
	sig := mat.NewDense(2, 2, nil)
	r := mat.NewVecDense(2, nil)
	for i, u := range rule.U {
		y[i] = math.Cos(3 * u)
		p := phi[2*i : 2*i+2]
		for a := 0; a < 2; a++ {
			r.SetVec(a, r.AtVec(a)+rule.Omega[i]*y[i]*p[a])
			for b := 0; b < 2; b++ {
				sig.Set(a, b, sig.At(a, b)+rule.Omega[i]*p[a]*p[b])
			}
		}
	}
	k := NTK{Act: activation.Identity, Sc: 0.5, Sw: 1.2, D: 1}
	kappa := k.Sw*k.Sw/float64(k.D) + k.Sc*k.Sc
	km, err := k.Gram(phi, 2)
	if err != nil {
		t.Fatal(err)
	}
	fl, err := NewFlow(km, rule.Omega, y, nil, alpha)
	if err != nil {
		t.Fatal(err)
	}
	var bstar mat.VecDense
	if err := bstar.SolveVec(sig, r); err != nil {
		t.Fatal(err)
	}
	xs, _ := op.Signal(x, 1)
	off := make([]float64, 2)
	if err := op.FeaturesAt(off, 0.37, x, xs, aggregation.Aggregation{}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []float64{0.1, 1, 5} {
		var e, a mat.Dense
		a.Scale(-alpha*kappa*tt, sig)
		e.Exp(&a)
		var bt mat.VecDense
		bt.MulVec(&e, &bstar)
		bt.SubVec(&bstar, &bt) // b_t = Σ⁻¹r − exp(−ακΣt) Σ⁻¹r
		g, err := fl.At(nil, tt)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < q; i++ {
			want := bt.AtVec(0)*phi[2*i] + bt.AtVec(1)*phi[2*i+1]
			if math.Abs(g[i]-want) > 1e-10 {
				t.Errorf("t=%v node %d: flow %v, b_t·φ %v", tt, i, g[i], want)
			}
		}
		beta, err := fl.Coef(nil, tt)
		if err != nil {
			t.Fatal(err)
		}
		var pred float64
		for j := 0; j < q; j++ {
			pred += k.Kernel(off, phi[2*j:2*j+2]) * beta[j]
		}
		if want := bt.AtVec(0)*off[0] + bt.AtVec(1)*off[1]; math.Abs(pred-want) > 1e-10 {
			t.Errorf("t=%v off-grid u=0.37: %v, b_t·φ %v", tt, pred, want)
		}
	}
}
