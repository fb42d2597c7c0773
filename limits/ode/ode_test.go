package ode

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/graphs"
)

// linearA is a stable 3×3 system with a rotation (eigenvalues −0.3 ± 2i, −1).
var linearA = []float64{
	-0.3, 2, 0,
	-2, -0.3, 0.5,
	0, 0, -1,
}

func linearF(t float64, y, dst []float64) {
	for i := 0; i < 3; i++ {
		dst[i] = linearA[3*i]*y[0] + linearA[3*i+1]*y[1] + linearA[3*i+2]*y[2]
	}
}

// expm returns exp(A t) y0 by gonum's Padé matrix exponential.
func expm(t float64, y0 []float64) []float64 {
	a := mat.NewDense(3, 3, nil)
	a.Scale(t, mat.NewDense(3, 3, linearA))
	var e mat.Dense
	e.Exp(a)
	var y mat.VecDense
	y.MulVec(&e, mat.NewVecDense(3, y0))
	return []float64{y.AtVec(0), y.AtVec(1), y.AtVec(2)}
}

type problem struct {
	name  string
	f     Func
	y0    []float64
	times []float64
	exact func(t float64) []float64
}

func problems() []problem {
	const r = 1.5 // logistic rate
	return []problem{
		{
			name: "linear-expm", f: linearF, y0: []float64{1, 0.5, -1},
			times: []float64{0.5, 1, 2, 5},
			exact: func(t float64) []float64 { return expm(t, []float64{1, 0.5, -1}) },
		},
		{
			name: "logistic", y0: []float64{0.1},
			f:     func(t float64, y, dst []float64) { dst[0] = r * y[0] * (1 - y[0]) },
			times: []float64{1, 2, 4, 8},
			// y(t) = 1/(1 + (1/y0 − 1) e^{−rt})
			exact: func(t float64) []float64 { return []float64{1 / (1 + 9*math.Exp(-r*t))} },
		},
		{
			name: "harmonic", y0: []float64{1, 0},
			f:     func(t float64, y, dst []float64) { dst[0], dst[1] = y[1], -4*y[0] },
			times: []float64{1, 3, 10},
			// x = cos 2t, x' = −2 sin 2t
			exact: func(t float64) []float64 { return []float64{math.Cos(2 * t), -2 * math.Sin(2*t)} },
		},
	}
}

// TestAdaptiveKnownSolutions checks that the global error at the output times
// is on the scale of the requested tolerance: the controller bounds each local
// error by tol·(1 + |y|), and for these contracting or neutrally stable
// problems over at most 10 time units the accumulated error stays below
// 100·tol (|y| ≤ 2, the Lipschitz growth of the harmonic oscillator over 10
// units is linear, not exponential). It must also be at least tol/1e4, else
// the controller wastes steps.
func TestAdaptiveKnownSolutions(t *testing.T) {
	for _, p := range problems() {
		for _, tol := range []float64{1e-5, 1e-7, 1e-9, 1e-11} {
			t.Run(fmt.Sprintf("%s/tol=%g", p.name, tol), func(t *testing.T) {
				out, st, err := Solve(context.Background(), p.f, 0, p.y0, p.times, Options{RTol: tol, ATol: tol})
				if err != nil {
					t.Fatal(err)
				}
				n := len(p.y0)
				var maxErr float64
				for k, tk := range p.times {
					ex := p.exact(tk)
					for i := range ex {
						maxErr = math.Max(maxErr, math.Abs(out[k*n+i]-ex[i]))
					}
				}
				if maxErr > 100*tol || maxErr < tol*1e-4 {
					t.Errorf("max error %g not on the scale of tol %g (stats %+v)", maxErr, tol, st)
				}
				if st.Evals != 6*(st.Steps+st.Rejected)+2 {
					t.Errorf("evals %d != 6·(steps %d + rejected %d) + 2", st.Evals, st.Steps, st.Rejected)
				}
			})
		}
	}
}

// rk4 is an independent classical Runge–Kutta reference with fixed step h.
func rk4(f Func, y0 []float64, T float64, m int) []float64 {
	n := len(y0)
	y := append([]float64(nil), y0...)
	k1, k2, k3, k4, yt := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	h := T / float64(m)
	for s := 0; s < m; s++ {
		t := float64(s) * h
		f(t, y, k1)
		for i := range y {
			yt[i] = y[i] + h/2*k1[i]
		}
		f(t+h/2, yt, k2)
		for i := range y {
			yt[i] = y[i] + h/2*k2[i]
		}
		f(t+h/2, yt, k3)
		for i := range y {
			yt[i] = y[i] + h*k3[i]
		}
		f(t+h, yt, k4)
		for i := range y {
			y[i] += h / 6 * (k1[i] + 2*k2[i] + 2*k3[i] + k4[i])
		}
	}
	return y
}

// TestVanDerPol compares with classical RK4 at h = 2·10⁻⁴ (global error
// O(h⁴) ≈ 1e-14 for μ = 1 on [0, 4]), which is independent code.
func TestVanDerPol(t *testing.T) {
	const mu = 1.0
	f := func(t float64, y, dst []float64) {
		dst[0] = y[1]
		dst[1] = mu*(1-y[0]*y[0])*y[1] - y[0]
	}
	y0 := []float64{2, 0}
	ref := rk4(f, y0, 4, 20000)
	for _, tol := range []float64{1e-6, 1e-9, 1e-12} {
		out, st, err := Solve(context.Background(), f, 0, y0, []float64{4}, Options{RTol: tol, ATol: tol})
		if err != nil {
			t.Fatal(err)
		}
		e := math.Max(math.Abs(out[0]-ref[0]), math.Abs(out[1]-ref[1]))
		if e > 100*tol {
			t.Errorf("tol %g: error %g vs RK4 reference (stats %+v)", tol, e, st)
		}
	}
}

// TestFixedStepOrder checks the fifth order of the Dormand–Prince formula:
// halving h divides the global error by 2⁵ = 32, so log2 of the ratio lies in
// [4.7, 5.3] while the error stays far above rounding (≥ 1e-12).
func TestFixedStepOrder(t *testing.T) {
	for _, p := range problems() {
		t.Run(p.name, func(t *testing.T) {
			T := map[string]float64{"linear-expm": 5, "logistic": 2, "harmonic": 10}[p.name]
			ex := p.exact(T)
			errAt := func(h float64) float64 {
				out, _, err := Solve(context.Background(), p.f, 0, p.y0, []float64{T}, Options{FixedStep: h})
				if err != nil {
					t.Fatal(err)
				}
				var e float64
				for i := range ex {
					e = math.Max(e, math.Abs(out[i]-ex[i]))
				}
				return e
			}
			// Steps chosen so both errors sit between 1e-11 and 1e-4,
			// inside the asymptotic range (|λ|h ≤ 0.6).
			h := T / map[string]float64{"linear-expm": 100, "logistic": 10, "harmonic": 100}[p.name]
			e1, e2 := errAt(h), errAt(h/2)
			order := math.Log2(e1 / e2)
			if order < 4.7 || order > 5.3 || e2 < 1e-12 || e1 > 1e-4 {
				t.Errorf("observed order %.3f (errors %g, %g)", order, e1, e2)
			}
			if testing.Verbose() {
				t.Logf("order %.3f errors %g %g", order, e1, e2)
			}
		})
	}
}

func TestLandsOnOutputTimes(t *testing.T) {
	var got []float64
	times := []float64{0, 0.1, 0.1000001, 0.7, 3}
	_, err := Integrate(context.Background(), func(t float64, y, dst []float64) { dst[0] = -y[0] }, 0, []float64{1}, times, Options{},
		func(k int, tk float64, y []float64) error {
			got = append(got, tk)
			if math.Abs(y[0]-math.Exp(-tk)) > 1e-6 {
				t.Errorf("y(%v) = %v want %v", tk, y[0], math.Exp(-tk))
			}
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	for i := range times {
		if got[i] != times[i] {
			t.Errorf("observed t=%v want exactly %v", got[i], times[i])
		}
	}
}

func TestErrors(t *testing.T) {
	decay := func(t float64, y, dst []float64) { dst[0] = -y[0] }
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		f     Func
		y0    []float64
		times []float64
		opt   Options
		want  error
	}{
		{"negative-rtol", context.Background(), decay, []float64{1}, []float64{1}, Options{RTol: -1}, graphs.ErrParameter},
		{"nan-atol", context.Background(), decay, []float64{1}, []float64{1}, Options{ATol: math.NaN()}, graphs.ErrParameter},
		{"tiny-rtol", context.Background(), decay, []float64{1}, []float64{1}, Options{RTol: 1e-17}, graphs.ErrParameter},
		{"bad-safety", context.Background(), decay, []float64{1}, []float64{1}, Options{Safety: 2}, graphs.ErrParameter},
		{"nan-y0", context.Background(), decay, []float64{math.NaN()}, []float64{1}, Options{}, graphs.ErrParameter},
		{"nan-time", context.Background(), decay, []float64{1}, []float64{math.NaN()}, Options{}, graphs.ErrParameter},
		{"decreasing-times", context.Background(), decay, []float64{1}, []float64{2, 1}, Options{}, graphs.ErrParameter},
		{"repeated-times", context.Background(), decay, []float64{1}, []float64{1, 1}, Options{}, graphs.ErrParameter},
		{"before-t0", context.Background(), decay, []float64{1}, []float64{-1}, Options{}, graphs.ErrParameter},
		{"nil-f", context.Background(), nil, []float64{1}, []float64{1}, Options{}, graphs.ErrParameter},
		// y' = y², y(0) = 1 blows up at t = 1.
		{"blow-up", context.Background(), func(t float64, y, dst []float64) { dst[0] = y[0] * y[0] }, []float64{1}, []float64{2}, Options{}, nil},
		{"nan-f", context.Background(), func(t float64, y, dst []float64) { dst[0] = math.NaN() }, []float64{1}, []float64{1}, Options{}, ErrNonFinite},
		{"nan-later", context.Background(), func(t float64, y, dst []float64) { dst[0] = math.Sqrt(1 - t) }, []float64{1}, []float64{2}, Options{}, ErrStepUnderflow},
		{"max-steps", context.Background(), decay, []float64{1}, []float64{100}, Options{MaxSteps: 3, RTol: 1e-10, ATol: 1e-10}, ErrMaxSteps},
		{"cancelled", cancelled, decay, []float64{1}, []float64{1}, Options{}, context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Solve(tc.ctx, tc.f, 0, tc.y0, tc.times, tc.opt)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v is not %v", err, tc.want)
			}
			if tc.want == nil && !errors.Is(err, ErrStepUnderflow) && !errors.Is(err, ErrNonFinite) {
				t.Fatalf("blow-up: error %v is neither underflow nor non-finite", err)
			}
		})
	}
}

// TestNoAllocPerStep: the allocation count does not grow with the number of
// steps.
func TestNoAllocPerStep(t *testing.T) {
	y0 := []float64{1, 0}
	f := func(t float64, y, dst []float64) { dst[0], dst[1] = y[1], -y[0] }
	obs := func(int, float64, []float64) error { return nil }
	allocs := func(T float64) float64 {
		return testing.AllocsPerRun(5, func() {
			if _, err := Integrate(context.Background(), f, 0, y0, []float64{T}, Options{RTol: 1e-10, ATol: 1e-10}, obs); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(1), allocs(100); a != b {
		t.Errorf("allocations grow with steps: %v for T=1, %v for T=100", a, b)
	}
}

func TestEmptyAndInitial(t *testing.T) {
	out, st, err := Solve(context.Background(), func(t float64, y, dst []float64) {}, 0, nil, []float64{0, 1}, Options{})
	if err != nil || len(out) != 0 || st.Evals != 0 {
		t.Fatalf("empty state: %v %v %v", out, st, err)
	}
	out, _, err = Solve(context.Background(), func(t float64, y, dst []float64) { dst[0] = 1 }, 0, []float64{3}, []float64{0}, Options{})
	if err != nil || out[0] != 3 {
		t.Fatalf("times[0]=t0: %v %v", out, err)
	}
}

func ExampleSolve() {
	// y' = −y, y(0) = 1: y(1) = e^{−1}.
	out, _, err := Solve(context.Background(), func(t float64, y, dst []float64) { dst[0] = -y[0] },
		0, []float64{1}, []float64{1}, Options{RTol: 1e-10, ATol: 1e-12})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.8f %.8f\n", out[0], math.Exp(-1))
	// Output: 0.36787944 0.36787944
}

func ExampleIntegrate() {
	// Harmonic oscillator x'' = −x observed at t = π/2 and π.
	f := func(t float64, y, dst []float64) { dst[0], dst[1] = y[1], -y[0] }
	st, err := Integrate(context.Background(), f, 0, []float64{1, 0}, []float64{math.Pi / 2, math.Pi},
		Options{RTol: 1e-10, ATol: 1e-12}, func(k int, t float64, y []float64) error {
			fmt.Printf("t=%.4f x=%.6f\n", t, math.Round(y[0]*1e6)/1e6+0) // +0: no "−0"
			return nil
		})
	fmt.Println(err, st.Rejected >= 0)
	// Output:
	// t=1.5708 x=0.000000
	// t=3.1416 x=-1.000000
	// <nil> true
}

// TestDenseOutput: with 200 output times, dense output matches the exact
// solution on the tolerance scale (≤ 100·tol, as the landing mode) while
// taking fewer steps than landing on every time.
func TestDenseOutput(t *testing.T) {
	for _, p := range problems() {
		t.Run(p.name, func(t *testing.T) {
			T := p.times[len(p.times)-1]
			times := make([]float64, 200)
			for i := range times {
				times[i] = T * float64(i+1) / 200
			}
			const tol = 1e-8
			dense, sd, err := Solve(context.Background(), p.f, 0, p.y0, times, Options{RTol: tol, ATol: tol, Dense: true})
			if err != nil {
				t.Fatal(err)
			}
			_, sl, err := Solve(context.Background(), p.f, 0, p.y0, times, Options{RTol: tol, ATol: tol})
			if err != nil {
				t.Fatal(err)
			}
			n := len(p.y0)
			var maxErr float64
			for k, tk := range times {
				ex := p.exact(tk)
				for i := range ex {
					maxErr = math.Max(maxErr, math.Abs(dense[k*n+i]-ex[i]))
				}
			}
			if maxErr > 100*tol {
				t.Errorf("dense output error %g > 100·tol", maxErr)
			}
			if sd.Steps >= sl.Steps {
				t.Errorf("dense took %d steps, landing %d", sd.Steps, sl.Steps)
			}
			t.Logf("max error %.2g, steps dense %d vs landing %d", maxErr, sd.Steps, sl.Steps)
		})
	}
}

// TestSplitSameBits: with Options.Split the solution, the statistics and
// the observed states have the same bits as without it, for partitions into
// one piece, uneven pieces and pieces run concurrently, in the adaptive
// (landing and dense) and fixed-step modes; and Split is used.
func TestSplitSameBits(t *testing.T) {
	// A coupled nonlinear system of 37 equations.
	const n = 37
	f := func(_ float64, y, dst []float64) {
		for i := range y {
			dst[i] = -0.5*y[i] + math.Sin(y[(i+1)%n]) - 0.1*y[(i+n-1)%n]*y[i]
		}
	}
	y0 := make([]float64, n)
	for i := range y0 {
		y0[i] = math.Cos(float64(i))
	}
	times := []float64{0.3, 1, 2.5}
	calls := 0
	splits := []struct {
		name  string
		split func(fn func(lo, hi int))
	}{
		{"one", func(fn func(lo, hi int)) { calls++; fn(0, n) }},
		{"uneven-reversed", func(fn func(lo, hi int)) {
			calls++
			bounds := []int{0, 1, 5, 6, 20, 36, n}
			for i := len(bounds) - 2; i >= 0; i-- {
				fn(bounds[i], bounds[i+1])
			}
		}},
		{"concurrent", func(fn func(lo, hi int)) {
			calls++
			var wg sync.WaitGroup
			for lo := 0; lo < n; lo += 8 {
				wg.Add(1)
				go func() { defer wg.Done(); fn(lo, min(lo+8, n)) }()
			}
			wg.Wait()
		}},
	}
	for _, mode := range []Options{{RTol: 1e-9, ATol: 1e-11}, {RTol: 1e-6, ATol: 1e-8, Dense: true}, {FixedStep: 0.05}} {
		want, wst, err := Solve(context.Background(), f, 0, y0, times, mode)
		if err != nil {
			t.Fatal(err)
		}
		for _, sp := range splits {
			opt := mode
			opt.Split = sp.split
			calls = 0
			got, st, err := Solve(context.Background(), f, 0, y0, times, opt)
			if err != nil {
				t.Fatal(err)
			}
			if st != wst || calls == 0 {
				t.Errorf("%+v %s: stats %+v, without Split %+v; %d calls of Split", mode, sp.name, st, wst, calls)
			}
			for i := range want {
				if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
					t.Fatalf("%+v %s: y[%d] = %v, without Split %v", mode, sp.name, i, got[i], want[i])
				}
			}
		}
	}
}

// TestSplitNonFinite: a derivative that turns infinite stops the
// integration with the same error, at the same time, with Split as without.
func TestSplitNonFinite(t *testing.T) {
	f := func(t float64, y, dst []float64) {
		dst[0], dst[1] = 1, 0
		if t > 0.5 {
			dst[1] = math.Inf(1)
		}
	}
	split := func(fn func(lo, hi int)) { fn(0, 1); fn(1, 2) }
	_, _, want := Solve(context.Background(), f, 0, []float64{0, 0}, []float64{1}, Options{})
	_, _, err := Solve(context.Background(), f, 0, []float64{0, 0}, []float64{1}, Options{Split: split})
	if want == nil || err == nil || err.Error() != want.Error() {
		t.Errorf("with Split: %v; without: %v", err, want)
	}
	// The accepted-state check itself (unreachable above: an infinite k7
	// makes the error norm infinite first): any piece may hold the NaN.
	for _, bad := range []int{-1, 0, 2, 4} {
		for _, sp := range []func(fn func(lo, hi int)){nil, func(fn func(lo, hi int)) { fn(3, 5); fn(0, 3) }} {
			w := newWork(f, 5, sp)
			for i := range w.ynew {
				w.ynew[i] = float64(i)
			}
			if bad >= 0 {
				w.k1[bad] = math.NaN()
			}
			y := make([]float64, 5)
			if ok := w.accept(y); ok != (bad < 0) || y[4] != 4 || y[1] != 1 {
				t.Errorf("NaN at %d, split %v: accept = %v, y = %v", bad, sp != nil, ok, y)
			}
		}
	}
}

// TestSplitNoAllocPerStep: with Split, too, the allocation count does not
// grow with the number of steps.
func TestSplitNoAllocPerStep(t *testing.T) {
	y0 := []float64{1, 0, 0.5}
	f := func(t float64, y, dst []float64) { dst[0], dst[1], dst[2] = y[1], -y[0], -y[2] }
	obs := func(int, float64, []float64) error { return nil }
	split := func(fn func(lo, hi int)) { fn(0, 2); fn(2, 3) }
	allocs := func(T float64) float64 {
		return testing.AllocsPerRun(5, func() {
			if _, err := Integrate(context.Background(), f, 0, y0, []float64{T}, Options{RTol: 1e-10, ATol: 1e-10, Split: split}, obs); err != nil {
				t.Fatal(err)
			}
		})
	}
	if a, b := allocs(1), allocs(100); a != b {
		t.Errorf("allocations grow with steps: %v for T=1, %v for T=100", a, b)
	}
}
