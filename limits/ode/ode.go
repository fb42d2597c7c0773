package ode

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync/atomic"

	"github.com/gnnwb/gnnwb/graphs"
)

// Func is the right-hand side f of y' = f(t, y). It writes f(t, y) into dst
// (len(dst) == len(y)) and must not keep or modify y.
type Func func(t float64, y, dst []float64)

// Observer receives the solution at the k-th requested time t. y is the
// integrator's own buffer: copy it to keep it. A non-nil error stops the
// integration and is returned (wrapped) by Integrate.
type Observer func(k int, t float64, y []float64) error

// Errors returned by Integrate besides graphs.ErrParameter and ctx.Err().
var (
	// ErrStepUnderflow: the error control asked for a step below HMin.
	ErrStepUnderflow = errors.New("ode: step size underflow")
	// ErrMaxSteps: more than Options.MaxSteps steps were taken.
	ErrMaxSteps = errors.New("ode: too many steps")
	// ErrNonFinite: f returned NaN or ±Inf at an accepted state.
	ErrNonFinite = errors.New("ode: non-finite derivative")
)

// Options control the integration. The zero value means: RTol = 1e-6,
// ATol = 1e-9, Safety = 0.9, FacMin = 0.2, FacMax = 10, automatic initial
// step, HMin = 1e-14·max(1, |t|), HMax = the whole time span, MaxSteps = 10⁶.
type Options struct {
	RTol, ATol float64 // relative and absolute tolerance (≥ 0, not both 0)
	// Safety multiplies the optimal step factor err^{−1/5}; in (0, 1].
	Safety float64
	// FacMin, FacMax bound the factor by which h changes in one step.
	FacMin, FacMax float64
	// H0 is the first step size (0: HINIT).
	H0 float64
	// HMin, HMax bound |h|. A step the error control wants below HMin is
	// ErrStepUnderflow. HMin = 0 means 1e-14·max(1, |t|).
	HMin, HMax float64
	// MaxSteps bounds the number of attempted steps (0: 10⁶).
	MaxSteps int
	// Dense: step freely and evaluate the order-4 continuous extension of
	// Dormand–Prince at output times inside a step (no extra evaluations of
	// f); only the last output time is landed on exactly. Cheaper than
	// landing when there are many output times; its interpolation error is
	// on the scale of the tolerance. Ignored with FixedStep.
	Dense bool
	// FixedStep > 0 switches off error control: every interval between
	// consecutive output times is cut into ceil(Δ/FixedStep) equal steps of
	// the fifth-order formula. RTol, ATol and the step controls are ignored.
	FixedStep float64
	// Split, when not nil, runs the element-wise loops over the state of
	// the adaptive steps (the stage combinations, the error vector and its
	// scaled squares, the copy and the finiteness check of an accepted
	// state) in pieces: Split(fn) must call fn(lo, hi) once for each range
	// of some partition of [0, n), in any order and possibly concurrently,
	// and return when all calls have returned. Every element is computed
	// by the same operations as without Split and the error norm is summed
	// in index order, so the solution has the same bits with or without
	// it, whatever the partition; it only decides where the work runs
	// (a solver whose f works on the same pieces keeps each piece of the
	// state on the core that evaluates it). Memory: n more floats.
	Split func(fn func(lo, hi int))
}

// Stats counts the work of one integration.
type Stats struct {
	Steps    int // accepted steps
	Rejected int // rejected steps
	Evals    int // evaluations of f
}

func (o *Options) defaults(span float64) error {
	if o.RTol == 0 && o.ATol == 0 {
		o.RTol, o.ATol = 1e-6, 1e-9
	}
	if !(o.RTol >= 0) || math.IsInf(o.RTol, 0) {
		return fmt.Errorf("ode: RTol=%v not a finite number ≥ 0: %w", o.RTol, graphs.ErrParameter)
	}
	if !(o.ATol >= 0) || math.IsInf(o.ATol, 0) {
		return fmt.Errorf("ode: ATol=%v not a finite number ≥ 0: %w", o.ATol, graphs.ErrParameter)
	}
	if o.RTol > 0 && o.RTol < 1e-15 && o.ATol == 0 {
		return fmt.Errorf("ode: RTol=%v below machine precision: %w", o.RTol, graphs.ErrParameter)
	}
	if o.Safety == 0 {
		o.Safety = 0.9
	}
	if !(o.Safety > 0 && o.Safety <= 1) {
		return fmt.Errorf("ode: Safety=%v not in (0,1]: %w", o.Safety, graphs.ErrParameter)
	}
	if o.FacMin == 0 {
		o.FacMin = 0.2
	}
	if o.FacMax == 0 {
		o.FacMax = 10
	}
	if !(o.FacMin > 0 && o.FacMin < 1) {
		return fmt.Errorf("ode: FacMin=%v not in (0,1): %w", o.FacMin, graphs.ErrParameter)
	}
	if !(o.FacMax > 1) || math.IsInf(o.FacMax, 0) {
		return fmt.Errorf("ode: FacMax=%v not a finite number > 1: %w", o.FacMax, graphs.ErrParameter)
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"H0", o.H0}, {"HMin", o.HMin}, {"HMax", o.HMax}, {"FixedStep", o.FixedStep}} {
		if !(p.v >= 0) || math.IsInf(p.v, 0) {
			return fmt.Errorf("ode: %s=%v not a finite number ≥ 0: %w", p.name, p.v, graphs.ErrParameter)
		}
	}
	if o.HMax == 0 {
		o.HMax = span
	}
	if o.HMin > o.HMax && span > 0 {
		return fmt.Errorf("ode: HMin=%v > HMax=%v: %w", o.HMin, o.HMax, graphs.ErrParameter)
	}
	if o.MaxSteps < 0 {
		return fmt.Errorf("ode: MaxSteps=%v < 0: %w", o.MaxSteps, graphs.ErrParameter)
	}
	if o.MaxSteps == 0 {
		o.MaxSteps = 1_000_000
	}
	return nil
}

// Dormand–Prince 5(4) tableau (Hairer, Nørsett & Wanner, Table II.5.2).
const (
	c2, c3, c4, c5 = 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9

	a21 = 1.0 / 5
	a31 = 3.0 / 40
	a32 = 9.0 / 40
	a41 = 44.0 / 45
	a42 = -56.0 / 15
	a43 = 32.0 / 9
	a51 = 19372.0 / 6561
	a52 = -25360.0 / 2187
	a53 = 64448.0 / 6561
	a54 = -212.0 / 729
	a61 = 9017.0 / 3168
	a62 = -355.0 / 33
	a63 = 46732.0 / 5247
	a64 = 49.0 / 176
	a65 = -5103.0 / 18656
	a71 = 35.0 / 384
	a73 = 500.0 / 1113
	a74 = 125.0 / 192
	a75 = -2187.0 / 6784
	a76 = 11.0 / 84

	// e = b − b̂: fifth-order weights minus the embedded fourth-order ones.
	e1 = 71.0 / 57600
	e3 = -71.0 / 16695
	e4 = 71.0 / 1920
	e5 = -17253.0 / 339200
	e6 = 22.0 / 525
	e7 = -1.0 / 40
)

// work holds the stage vectors of one integration.
type work struct {
	f                          Func
	k1, k2, k3, k4, k5, k6, k7 []float64
	ytmp, ynew, errv, yout     []float64
	evals                      int

	// With Options.Split: the squares of the scaled error, and the loop
	// that loop runs on the pieces (set before each call of split).
	split      func(fn func(lo, hi int))
	pieces     func(lo, hi int) // w.loop, bound once
	sq         []float64
	what       int // one of the loop constants below
	h          float64
	y          []float64
	rtol, atol float64
	bad        atomic.Bool // a non-finite element seen by loopAccept
}

// The element-wise loops of a step, in the order a step runs them.
const (
	loopStage2 = iota // ytmp for k2
	loopStage3
	loopStage4
	loopStage5
	loopStage6
	loopNew    // ynew
	loopErr    // errv (and, with Split, sq)
	loopAccept // y = ynew, k1 finite
)

func newWork(f Func, n int, split func(fn func(lo, hi int))) *work {
	m := 11
	if split != nil {
		m = 12
	}
	buf := make([]float64, m*n)
	w := &work{f: f}
	s := func(i int) []float64 { return buf[i*n : (i+1)*n : (i+1)*n] }
	w.k1, w.k2, w.k3, w.k4, w.k5, w.k6, w.k7 = s(0), s(1), s(2), s(3), s(4), s(5), s(6)
	w.ytmp, w.ynew, w.errv, w.yout = s(7), s(8), s(9), s(10)
	if split != nil {
		w.split, w.pieces, w.sq = split, w.loop, s(11)
	}
	return w
}

// run runs the element-wise loop what over the whole state: in pieces by
// split with Options.Split, else at once.
func (w *work) run(what int, h float64, y []float64) {
	w.what, w.h, w.y = what, h, y
	if w.split == nil {
		w.loop(0, len(y))
	} else {
		w.split(w.pieces)
	}
	w.y = nil
}

// loop runs the element-wise loop w.what on the elements [lo, hi).
func (w *work) loop(lo, hi int) {
	h, y := w.h, w.y[lo:hi]
	k1, k2, k3, k4, k5, k6, k7 := w.k1[lo:hi], w.k2[lo:hi], w.k3[lo:hi], w.k4[lo:hi], w.k5[lo:hi], w.k6[lo:hi], w.k7[lo:hi]
	yt := w.ytmp[lo:hi]
	switch w.what {
	case loopStage2:
		for i := range y {
			yt[i] = y[i] + h*a21*k1[i]
		}
	case loopStage3:
		for i := range y {
			yt[i] = y[i] + h*(a31*k1[i]+a32*k2[i])
		}
	case loopStage4:
		for i := range y {
			yt[i] = y[i] + h*(a41*k1[i]+a42*k2[i]+a43*k3[i])
		}
	case loopStage5:
		for i := range y {
			yt[i] = y[i] + h*(a51*k1[i]+a52*k2[i]+a53*k3[i]+a54*k4[i])
		}
	case loopStage6:
		for i := range y {
			yt[i] = y[i] + h*(a61*k1[i]+a62*k2[i]+a63*k3[i]+a64*k4[i]+a65*k5[i])
		}
	case loopNew:
		yn := w.ynew[lo:hi]
		for i := range y {
			yn[i] = y[i] + h*(a71*k1[i]+a73*k3[i]+a74*k4[i]+a75*k5[i]+a76*k6[i])
		}
	case loopErr:
		ev := w.errv[lo:hi]
		for i := range y {
			ev[i] = h * (e1*k1[i] + e3*k3[i] + e4*k4[i] + e5*k5[i] + e6*k6[i] + e7*k7[i])
		}
		if w.sq != nil {
			sq, yn := w.sq[lo:hi], w.ynew[lo:hi]
			for i, e := range ev {
				sc := w.atol + w.rtol*math.Max(math.Abs(y[i]), math.Abs(yn[i]))
				r := e / sc
				sq[i] = r * r
			}
		}
	case loopAccept:
		copy(y, w.ynew[lo:hi])
		if !finite(k1) {
			w.bad.Store(true)
		}
	}
}

// step computes ynew = y + h Σ b_i k_i, k7 = f(t+h, ynew) and the error
// vector errv = h Σ e_i k_i, given k1 = f(t, y); with Options.Split also
// the squares of the scaled error (for errNorm).
func (w *work) step(t, h float64, y []float64) {
	w.run(loopStage2, h, y)
	w.f(t+c2*h, w.ytmp, w.k2)
	w.run(loopStage3, h, y)
	w.f(t+c3*h, w.ytmp, w.k3)
	w.run(loopStage4, h, y)
	w.f(t+c4*h, w.ytmp, w.k4)
	w.run(loopStage5, h, y)
	w.f(t+c5*h, w.ytmp, w.k5)
	w.run(loopStage6, h, y)
	w.f(t+h, w.ytmp, w.k6)
	w.run(loopNew, h, y)
	w.f(t+h, w.ynew, w.k7)
	w.run(loopErr, h, y)
	w.evals += 6
}

// accept makes ynew the state y (the stages already swapped, k1 = f(t, y))
// and reports whether k1 is finite.
func (w *work) accept(y []float64) bool {
	if w.split == nil {
		copy(y, w.ynew)
		return finite(w.k1)
	}
	w.bad.Store(false)
	w.run(loopAccept, 0, y)
	return !w.bad.Load()
}

// Dense-output coefficients of DOPRI5 (Hairer, Nørsett & Wanner, II.6;
// the continuous extension of order 4 used in their code dopri5.f).
const (
	d1 = -12715105075.0 / 11282082432
	d3 = 87487479700.0 / 32700410799
	d4 = -10690763975.0 / 1880347072
	d5 = 701980252875.0 / 199316789632
	d6 = -1453857185.0 / 822651844
	d7 = 69997945.0 / 29380423
)

// dense writes into yout the continuous extension at ts ∈ (t, t+h) of the
// step just accepted from y (k1..k7 still those of the step):
//
//	y(t + θh) ≈ y + θ(Δ + (1−θ)(B + θ(Δ − h k7 − B + (1−θ) h Σ d_i k_i))),
//
// with Δ = y_{n+1} − y and B = h k1 − Δ. Order 4, no extra f evaluations.
func (w *work) dense(y []float64, t, h, ts float64) {
	th := (ts - t) / h
	th1 := 1 - th
	for i := range y {
		dy := w.ynew[i] - y[i]
		bspl := h*w.k1[i] - dy
		r4 := dy - h*w.k7[i] - bspl
		r5 := h * (d1*w.k1[i] + d3*w.k3[i] + d4*w.k4[i] + d5*w.k5[i] + d6*w.k6[i] + d7*w.k7[i])
		w.yout[i] = y[i] + th*(dy+th1*(bspl+th*(r4+th1*r5)))
	}
}

// errNorm is the scaled RMS norm of errv; +Inf when ynew or errv is not
// finite. With Options.Split the squares are those step left in sq, summed
// here in index order as without.
func (w *work) errNorm(y []float64, rtol, atol float64) float64 {
	var s float64
	if w.sq != nil {
		for _, r2 := range w.sq {
			s += r2
		}
	} else {
		for i, e := range w.errv {
			sc := atol + rtol*math.Max(math.Abs(y[i]), math.Abs(w.ynew[i]))
			r := e / sc
			s += r * r
		}
	}
	s = math.Sqrt(s / float64(len(y)))
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return math.Inf(1)
	}
	return s
}

func finite(v []float64) bool {
	for _, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return false
		}
	}
	return true
}

// Integrate solves y' = f(t, y), y(t0) = y0 and calls observe(k, times[k], y)
// at every requested time, in order. times must be finite, ≥ t0 and strictly
// increasing (times[0] == t0 is allowed and observes y0). y0 is copied, never
// modified. Cost: Stats.Evals evaluations of f plus O(n) per stage; memory
// 12n floats (13n with Options.Split), allocated once. Errors: see the
// package documentation.
func Integrate(ctx context.Context, f Func, t0 float64, y0, times []float64, opt Options, observe Observer) (Stats, error) {
	var st Stats
	if f == nil {
		return st, fmt.Errorf("ode: Integrate: f is nil: %w", graphs.ErrParameter)
	}
	if math.IsNaN(t0) || math.IsInf(t0, 0) {
		return st, fmt.Errorf("ode: Integrate: t0=%v not finite: %w", t0, graphs.ErrParameter)
	}
	for i, v := range y0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return st, fmt.Errorf("ode: Integrate: y0[%d]=%v not finite: %w", i, v, graphs.ErrParameter)
		}
	}
	prev := t0
	for k, t := range times {
		if math.IsNaN(t) || math.IsInf(t, 0) {
			return st, fmt.Errorf("ode: Integrate: times[%d]=%v not finite: %w", k, t, graphs.ErrParameter)
		}
		if t < prev || (k > 0 && t == prev) {
			return st, fmt.Errorf("ode: Integrate: times[%d]=%v not increasing (previous %v): %w", k, t, prev, graphs.ErrParameter)
		}
		prev = t
	}
	span := prev - t0
	if err := opt.defaults(span); err != nil {
		return st, err
	}
	if len(times) == 0 {
		return st, nil
	}
	n := len(y0)
	y := make([]float64, n)
	copy(y, y0)
	w := newWork(f, n, opt.Split)
	w.rtol, w.atol = opt.RTol, opt.ATol
	t := t0
	k := 0
	if times[0] == t0 {
		if err := observe(0, t0, y); err != nil {
			return st, fmt.Errorf("ode: observer at t=%v: %w", t0, err)
		}
		k = 1
	}
	if k == len(times) {
		return st, nil
	}
	if n == 0 {
		for ; k < len(times); k++ {
			if err := observe(k, times[k], y); err != nil {
				return st, fmt.Errorf("ode: observer at t=%v: %w", times[k], err)
			}
		}
		return st, nil
	}
	f(t, y, w.k1)
	w.evals++
	if !finite(w.k1) {
		st.Evals = w.evals
		return st, fmt.Errorf("ode: f(t=%v, y0) not finite: %w", t, ErrNonFinite)
	}
	if opt.FixedStep > 0 {
		return fixed(ctx, w, t, y, times[k:], k, opt, observe)
	}
	h := opt.H0
	if h == 0 {
		h = w.hinit(t, y, opt, span)
	}
	h = math.Min(h, opt.HMax)
	rejectedLast := false
	attempts := 0
	for k < len(times) {
		if err := ctx.Err(); err != nil {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: cancelled at t=%v: %w", t, err)
		}
		target := times[k]
		if opt.Dense {
			target = times[len(times)-1]
		}
		hmin := opt.HMin
		if hmin == 0 {
			hmin = 1e-14 * math.Max(1, math.Abs(t))
		}
		hTry := h
		land := false
		if t+h >= target || t+1.0001*h >= target {
			h = target - t
			land = true
		}
		if h < hmin && !land {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: h=%v < HMin=%v at t=%v: %w", h, hmin, t, ErrStepUnderflow)
		}
		attempts++
		if attempts > opt.MaxSteps {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: %d steps at t=%v: %w", opt.MaxSteps, t, ErrMaxSteps)
		}
		w.step(t, h, y)
		en := w.errNorm(y, opt.RTol, opt.ATol)
		if en <= 1 {
			st.Steps++
			tNew := t + h
			if land {
				tNew = target
			}
			for opt.Dense && k < len(times) && times[k] <= tNew {
				out := w.ynew
				if times[k] < tNew {
					w.dense(y, t, h, times[k])
					out = w.yout
				}
				if err := observe(k, times[k], out); err != nil {
					st.Evals = w.evals
					return st, fmt.Errorf("ode: observer at t=%v: %w", times[k], err)
				}
				k++
			}
			t = tNew
			w.k1, w.k7 = w.k7, w.k1
			if !w.accept(y) {
				st.Evals = w.evals
				return st, fmt.Errorf("ode: f(t=%v, y) not finite: %w", t, ErrNonFinite)
			}
			fac := opt.FacMax
			if en > 0 {
				fac = math.Min(opt.FacMax, math.Max(opt.FacMin, opt.Safety*math.Pow(en, -0.2)))
			}
			if rejectedLast {
				fac = math.Min(fac, 1)
			}
			rejectedLast = false
			if !land || fac < 1 {
				h *= fac
			} else {
				// Landing shortened the step: resume from the step the
				// controller had proposed, not from the short one.
				h = math.Max(hTry, h*fac)
			}
			h = math.Min(h, opt.HMax)
			if land && !opt.Dense {
				if err := observe(k, t, y); err != nil {
					st.Evals = w.evals
					return st, fmt.Errorf("ode: observer at t=%v: %w", t, err)
				}
				k++
			}
			continue
		}
		st.Rejected++
		rejectedLast = true
		fac := opt.FacMin
		if !math.IsInf(en, 1) {
			fac = math.Max(opt.FacMin, opt.Safety*math.Pow(en, -0.2))
		}
		h *= fac
		if h < hmin {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: h=%v < HMin=%v at t=%v (error norm %v): %w", h, hmin, t, en, ErrStepUnderflow)
		}
	}
	st.Evals = w.evals
	return st, nil
}

// fixed integrates with equal steps between output times, no error control.
func fixed(ctx context.Context, w *work, t float64, y, times []float64, k0 int, opt Options, observe Observer) (Stats, error) {
	var st Stats
	for j, target := range times {
		m := int(math.Ceil((target - t) / opt.FixedStep * (1 - 1e-12)))
		if m < 1 {
			m = 1
		}
		if st.Steps+m > opt.MaxSteps {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: %d steps at t=%v: %w", opt.MaxSteps, t, ErrMaxSteps)
		}
		t0 := t
		h := (target - t0) / float64(m)
		for i := 0; i < m; i++ {
			if err := ctx.Err(); err != nil {
				st.Evals = w.evals
				return st, fmt.Errorf("ode: cancelled at t=%v: %w", t, err)
			}
			w.step(t, h, y)
			copy(y, w.ynew)
			w.k1, w.k7 = w.k7, w.k1
			st.Steps++
			if i == m-1 {
				t = target
			} else {
				t = t0 + float64(i+1)*h
			}
			if !finite(y) || !finite(w.k1) {
				st.Evals = w.evals
				return st, fmt.Errorf("ode: fixed step h=%v: state not finite at t=%v: %w", h, t, ErrNonFinite)
			}
		}
		if err := observe(k0+j, t, y); err != nil {
			st.Evals = w.evals
			return st, fmt.Errorf("ode: observer at t=%v: %w", t, err)
		}
	}
	st.Evals = w.evals
	return st, nil
}

// hinit is the starting step of Hairer, Nørsett & Wanner (II.4), for order 5,
// with k1 = f(t, y) already computed.
func (w *work) hinit(t float64, y []float64, opt Options, span float64) float64 {
	n := float64(len(y))
	var d0, d1 float64
	for i := range y {
		sc := opt.ATol + opt.RTol*math.Abs(y[i])
		d0 += (y[i] / sc) * (y[i] / sc)
		d1 += (w.k1[i] / sc) * (w.k1[i] / sc)
	}
	d0, d1 = math.Sqrt(d0/n), math.Sqrt(d1/n)
	h0 := 0.01 * d0 / d1
	if d0 < 1e-5 || d1 < 1e-5 {
		h0 = 1e-6
	}
	h0 = math.Min(h0, span)
	for i := range y {
		w.ytmp[i] = y[i] + h0*w.k1[i]
	}
	w.f(t+h0, w.ytmp, w.k2)
	w.evals++
	var d2 float64
	for i := range y {
		sc := opt.ATol + opt.RTol*math.Abs(y[i])
		r := (w.k2[i] - w.k1[i]) / sc
		d2 += r * r
	}
	d2 = math.Sqrt(d2/n) / h0
	var h1 float64
	if m := math.Max(d1, d2); m <= 1e-15 || math.IsNaN(m) {
		h1 = math.Max(1e-6, h0*1e-3)
	} else {
		h1 = math.Pow(0.01/m, 0.2)
	}
	h := math.Min(100*h0, h1)
	if !(h > 0) {
		h = 1e-6
	}
	return math.Min(h, span)
}

// Solve integrates y' = f(t, y) from y(t0) = y0 and returns the solution at
// every requested time, row-major: out[k*n+i] = y_i(times[k]) with
// n = len(y0). It is Integrate with an observer that copies; see Integrate
// for the preconditions, cost and errors. On error, out holds the rows
// reached so far (the rest is zero).
func Solve(ctx context.Context, f Func, t0 float64, y0, times []float64, opt Options) ([]float64, Stats, error) {
	n := len(y0)
	out := make([]float64, n*len(times))
	st, err := Integrate(ctx, f, t0, y0, times, opt, func(k int, _ float64, y []float64) error {
		copy(out[k*n:(k+1)*n], y)
		return nil
	})
	return out, st, err
}
