package kernel

import (
	"context"
	"errors"
	"fmt"
	"math"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits/ode"
)

// grid returns Q Gauss–Legendre nodes and weights on [0,1], φ(u) =
// (u, sin 3u, u²/3, cos u) (d = 2) and Y(u) = sin(2πu).
func grid(q int) (u, w, phis, y []float64) {
	u, w = make([]float64, q), make([]float64, q)
	quad.Legendre{}.FixedLocations(u, w, 0, 1)
	for _, x := range u {
		phis = append(phis, x, math.Sin(3*x), x*x/3, math.Cos(x))
		y = append(y, math.Sin(2*math.Pi*x))
	}
	return u, w, phis, y
}

// TestFlowAgainstODE integrates ġ = α K Ω (Y − g) with the Dormand–Prince
// integrator at rtol = atol = 1e-12 and compares with the eigen solution. The
// integrator's global error is ≲ 100·tol (ode tests), so 1e-9 bounds the gap.
func TestFlowAgainstODE(t *testing.T) {
	const q, alpha = 12, 1.7
	_, w, phis, y := grid(q)
	for _, act := range []activation.Kind{activation.Identity, activation.ReLU, activation.Erf} {
		t.Run(act.String(), func(t *testing.T) {
			k := NTK{Act: act, Sc: 1, Sw: 1.2, D: 2}
			km, err := k.Gram(phis, 4)
			if err != nil {
				t.Fatal(err)
			}
			g0 := make([]float64, q)
			for i := range g0 {
				g0[i] = 0.1 * float64(i%3)
			}
			fl, err := NewFlow(km, w, y, g0, alpha)
			if err != nil {
				t.Fatal(err)
			}
			times := []float64{0, 0.3, 1, 4}
			rhs := func(_ float64, g, dst []float64) {
				for i := 0; i < q; i++ {
					var s float64
					for j := 0; j < q; j++ {
						s += km[i*q+j] * w[j] * (y[j] - g[j])
					}
					dst[i] = alpha * s
				}
			}
			out, _, err := ode.Solve(context.Background(), rhs, 0, g0, times, ode.Options{RTol: 1e-12, ATol: 1e-12})
			if err != nil {
				t.Fatal(err)
			}
			for ti, tt := range times {
				g, err := fl.At(nil, tt)
				if err != nil {
					t.Fatal(err)
				}
				beta, err := fl.Coef(nil, tt)
				if err != nil {
					t.Fatal(err)
				}
				for i := 0; i < q; i++ {
					if d := math.Abs(g[i] - out[ti*q+i]); d > 1e-9 {
						t.Errorf("t=%v g[%d]: eigen %v, ODE %v", tt, i, g[i], out[ti*q+i])
					}
					// Off-grid formula evaluated on the grid.
					pred := g0[i]
					for r := 0; r < q; r++ {
						pred += km[i*q+r] * beta[r]
					}
					if d := math.Abs(pred - g[i]); d > 1e-9 {
						t.Errorf("t=%v Coef prediction at node %d: %v, At %v", tt, i, pred, g[i])
					}
				}
			}
		})
	}
}

// TestFlowLinearExpm: for σ(z) = z, K = (s_w²/d + s_c²) φ φᵀ and
// g_t = Y − exp(−α K Ω t)(Y − g_0) (docs/mathematics.md §6.4), by gonum's Padé
// matrix exponential.
func TestFlowLinearExpm(t *testing.T) {
	const q, alpha = 10, 0.9
	_, w, phis, y := grid(q)
	k := NTK{Act: activation.Identity, Sc: 0.6, Sw: 1, D: 2}
	km := make([]float64, q*q)
	c := k.Sw*k.Sw/2 + k.Sc*k.Sc
	for i := 0; i < q; i++ {
		for j := 0; j < q; j++ {
			km[i*q+j] = c * dot(phis[4*i:4*i+4], phis[4*j:4*j+4])
		}
	}
	fl, err := NewFlow(km, w, y, nil, alpha)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []float64{0.5, 2, 10} {
		a := mat.NewDense(q, q, nil)
		for i := 0; i < q; i++ {
			for j := 0; j < q; j++ {
				a.Set(i, j, -alpha*tt*km[i*q+j]*w[j])
			}
		}
		var e mat.Dense
		e.Exp(a)
		var r mat.VecDense
		r.MulVec(&e, mat.NewVecDense(q, y))
		g, err := fl.At(nil, tt)
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < q; i++ {
			want := y[i] - r.AtVec(i)
			if math.Abs(g[i]-want) > 1e-10 {
				t.Errorf("t=%v g[%d] = %v, expm %v", tt, i, g[i], want)
			}
		}
	}
}

func TestFlowErrors(t *testing.T) {
	km := []float64{1, 0.5, 0.5, 1}
	tests := []struct {
		name        string
		k, w, y, g0 []float64
		alpha       float64
		want        error
	}{
		{"short-k", km[:3], []float64{0.5, 0.5}, []float64{1, 2}, nil, 1, graphs.ErrShape},
		{"empty", nil, nil, nil, nil, 1, graphs.ErrShape},
		{"zero-weight", km, []float64{0, 1}, []float64{1, 2}, nil, 1, graphs.ErrParameter},
		{"nan-y", km, []float64{0.5, 0.5}, []float64{math.NaN(), 2}, nil, 1, graphs.ErrParameter},
		{"asymmetric", []float64{1, 0.5, 0.4, 1}, []float64{0.5, 0.5}, []float64{1, 2}, nil, 1, graphs.ErrParameter},
		{"negative-alpha", km, []float64{0.5, 0.5}, []float64{1, 2}, nil, -1, graphs.ErrParameter},
		{"g0-length", km, []float64{0.5, 0.5}, []float64{1, 2}, []float64{1}, 1, graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := NewFlow(tc.k, tc.w, tc.y, tc.g0, tc.alpha); !errors.Is(err, tc.want) {
				t.Errorf("error %v, want %v", err, tc.want)
			}
		})
	}
	fl, err := NewFlow(km, []float64{0.5, 0.5}, []float64{1, 2}, nil, 1)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fl.At(nil, -1); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("At(-1): %v", err)
	}
	if _, err := fl.At(make([]float64, 3), 1); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("At with short dst: %v", err)
	}
	// t → ∞ with K positive definite: g → Y.
	g, _ := fl.At(nil, 1e3)
	if math.Abs(g[0]-1) > 1e-12 || math.Abs(g[1]-2) > 1e-12 {
		t.Errorf("g_∞ = %v, want Y", g)
	}
}

func ExampleNewFlow() {
	// Two grid points, K = I, ω = (½, ½), Y = (1, −1), α = 2: each residual
	// decays as e^{−α ω t} = e^{−t}.
	fl, err := NewFlow([]float64{1, 0, 0, 1}, []float64{0.5, 0.5}, []float64{1, -1}, nil, 2)
	if err != nil {
		fmt.Println(err)
		return
	}
	g, _ := fl.At(nil, 1)
	fmt.Printf("%.6f %.6f %.6f\n", g[0], g[1], 1-math.Exp(-1))
	// Output: 0.632121 -0.632121 0.632121
}
