package features

import (
	"context"
	"errors"
	"math"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
	"github.com/gnnwb/gnnwb/limits/kernel"
	"github.com/gnnwb/gnnwb/limits/meanfield"
	"github.com/gnnwb/gnnwb/limits/ode"
)

func setup(t testing.TB, act activation.Kind, gamma float64, times []float64) *limits.Setup {
	t.Helper()
	p := limits.DefaultProblem()
	p.Activation, p.Gamma, p.Symmetric, p.Quadrature, p.Times = act, gamma, true, 16, times
	p.Sc, p.Sw = 0.5, 0.5
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestKernelLinearMatchesMoments: for σ the identity the tangent kernel of
// a trained network's units is φᵀ(Q + qI)φ' of its moments, and Movement of
// its kernels is MomentMovement of its moments (to rounding).
func TestKernelLinearMatchesMoments(t *testing.T) {
	s := setup(t, activation.Identity, 0.75, []float64{0.5, 2})
	u, err := s.NetworkUnits(context.Background(), 64, 3)
	if err != nil {
		t.Fatal(err)
	}
	_, omega := s.Nodes()
	phi, y := s.Features()
	dim := 2 * s.Dim()
	sigma, _, _ := meanfield.SecondMoments(omega, phi, y, dim)
	k0, err := Kernel(activation.Identity, u.Theta0, phi, dim)
	if err != nil {
		t.Fatal(err)
	}
	m0, _ := meanfield.EmpiricalMoments(u.Theta0, dim)
	for ti, th := range u.Theta {
		k, err := Kernel(activation.Identity, th, phi, dim)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := meanfield.EmpiricalMoments(th, dim)
		np := len(omega)
		for i := range np {
			for j := range np {
				want := m.MeanC2 * dotp(phi[i*dim:(i+1)*dim], phi[j*dim:(j+1)*dim])
				for a := range dim {
					for b := range dim {
						want += phi[i*dim+a] * m.MeanAA[a*dim+b] * phi[j*dim+b]
					}
				}
				if d := math.Abs(k[i*np+j] - want); d > 1e-12*math.Max(1, math.Abs(want)) {
					t.Fatalf("t=%v K[%d,%d]=%v, φᵀ(Q+qI)φ' = %v", u.Times[ti], i, j, k[i*np+j], want)
				}
			}
		}
		mv, err := Movement(k, k0, omega)
		if err != nil {
			t.Fatal(err)
		}
		cf, err := MomentMovement(m0, m, sigma)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(mv-cf) > 1e-10*math.Max(mv, 1e-3) || mv == 0 {
			t.Errorf("t=%v: Movement %v, MomentMovement %v", u.Times[ti], mv, cf)
		}
	}
}

func dotp(a, b []float64) float64 {
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// TestMovementNetworkToFlow: the kernel movement of networks of width N at
// γ = 0.75 approaches the closed form of the ε-flow at their ε
// (MomentMovement of the ε-scaled moment ODE): within 8% at N = 2048 (the
// fluctuation is O(N^{−1/2}) relative), and the flow's movement scales as
// ε² between two widths (within 2%).
func TestMovementNetworkToFlow(t *testing.T) {
	times := []float64{2}
	s := setup(t, activation.Identity, 0.75, times)
	_, omega := s.Nodes()
	phi, y := s.Features()
	dim := 2 * s.Dim()
	sigma, r, _ := meanfield.SecondMoments(omega, phi, y, dim)
	pr := s.Problem()
	m0, _ := meanfield.InitialMoments(pr.Sc, pr.Sw, s.Dim())
	flow := func(width int) float64 {
		ms, _, err := meanfield.SolveScaledMoments(context.Background(), meanfield.MomentProblem{Sigma: sigma, R: r, Alpha: pr.Alpha}, s.FlowEps(width), m0, times, tightTol)
		if err != nil {
			t.Fatal(err)
		}
		mv, err := MomentMovement(m0, ms[0], sigma)
		if err != nil {
			t.Fatal(err)
		}
		return mv
	}
	const width = 2048
	u, err := s.NetworkUnits(context.Background(), width, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := Measure(s, u)
	if err != nil {
		t.Fatal(err)
	}
	want := flow(width)
	t.Logf("N=%d: network movement %.5g, ε-flow %.5g", width, d.Movement[0], want)
	if math.Abs(d.Movement[0]/want-1) > 0.08 {
		t.Errorf("N=%d: network movement %v, ε-flow %v", width, d.Movement[0], want)
	}
	small, large := flow(256), flow(1<<16)
	ratio := (small / large) / math.Pow(256.0/(1<<16), 2*(pr.Gamma-1))
	if math.Abs(ratio-1) > 0.02 {
		t.Errorf("flow movement %v at N=256, %v at N=65536: ratio/ε² ratio = %v, want 1", small, large, ratio)
	}
}

// TestKernelOfParticles: the tangent kernel of M Halton particles of μ_0
// approaches the NTK of limits/kernel (tanh, relative ‖·‖ error below 1%
// at M = 4096).
func TestKernelOfParticles(t *testing.T) {
	s := setup(t, activation.Tanh, 0.5, []float64{1})
	pr := s.Problem()
	_, omega := s.Nodes()
	phi, _ := s.Features()
	dim := 2 * s.Dim()
	th, err := meanfield.InitialParticles(4096, pr.Sc, pr.Sw, s.Dim(), true)
	if err != nil {
		t.Fatal(err)
	}
	k, err := Kernel(activation.Tanh, th, phi, dim)
	if err != nil {
		t.Fatal(err)
	}
	ntk := kernel.NTK{Act: activation.Tanh, Sc: pr.Sc, Sw: pr.Sw, D: s.Dim()}
	want, err := ntk.Gram(phi, dim)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := Movement(k, want, omega)
	if err != nil {
		t.Fatal(err)
	}
	if rel > 0.01 {
		t.Errorf("‖K_M − K‖/‖K‖ = %v at M = 4096", rel)
	}
}

// TestCoordinatesOutput: the output size of Coordinates is Σ ω |g| of the
// network's own output (the graphon limit's Solution at the same N, seed),
// the units travel nothing at t = 0, and Kernel has the same bits at 1 and
// 2 procs.
func TestCoordinatesOutput(t *testing.T) {
	s := setup(t, activation.Tanh, 0.6, []float64{0, 1})
	u, err := s.NetworkUnits(context.Background(), 32, 2)
	if err != nil {
		t.Fatal(err)
	}
	sol, err := s.Limit(context.Background(), limits.GraphonLimit, 32, 2, limits.SolveOptions{})
	if err != nil {
		t.Fatal(err)
	}
	_, omega := s.Nodes()
	phi, _ := s.Features()
	dim := 2 * s.Dim()
	g := make([]float64, len(omega))
	for k := range u.Times {
		if err := sol.Eval(g, k, phi); err != nil {
			t.Fatal(err)
		}
		want := 0.0
		for q, w := range omega {
			want += w * math.Abs(g[q])
		}
		_, out, err := Coordinates(activation.Tanh, u.Theta[k], phi, omega, dim, u.Eps)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(out-want) > 1e-12 {
			t.Errorf("t=%v: Coordinates output %v, Σω|g| of the network %v", u.Times[k], out, want)
		}
	}
	if tr, err := Travel(u.Theta0, u.Theta[0], dim); err != nil || tr != 0 {
		t.Errorf("Travel at t=0: %v, %v", tr, err)
	}
	prev := runtime.GOMAXPROCS(1)
	k1, _ := Kernel(activation.Tanh, u.Theta[1], phi, dim)
	runtime.GOMAXPROCS(2)
	k2, _ := Kernel(activation.Tanh, u.Theta[1], phi, dim)
	runtime.GOMAXPROCS(prev)
	for i := range k1 {
		if k1[i] != k2[i] {
			t.Fatalf("Kernel differs across GOMAXPROCS at %d", i)
		}
	}
}

// TestErrors: shapes and parameters are refused with their kinds.
func TestErrors(t *testing.T) {
	if _, err := Kernel(activation.Tanh, []float64{1, 2}, []float64{1, 2}, 2); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Kernel shape: %v", err)
	}
	if _, err := Kernel(activation.Kind(99), []float64{1, 2, 3}, []float64{1, 2}, 2); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Kernel activation: %v", err)
	}
	if _, err := Movement([]float64{1}, []float64{0}, []float64{1}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Movement zero: %v", err)
	}
	if _, err := Travel([]float64{1, 2, 3}, []float64{1}, 2); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("Travel shape: %v", err)
	}
	if _, _, err := Coordinates(activation.Tanh, []float64{1, 2, 3}, []float64{1, 2}, []float64{1}, 2, 0); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Coordinates eps: %v", err)
	}
}

var tightTol = ode.Options{RTol: 1e-10, ATol: 1e-12}
