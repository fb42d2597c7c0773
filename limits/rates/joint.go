package rates

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"

	"github.com/gnnwb/gnnwb/graphs"
)

// Point is one measured cell of the (n, N) grid: width N, effective graph
// size nρ (NRho = n for dense graphs) and error E.
type Point struct {
	N, NRho, E float64
}

// JointFit is e(n, N) ≈ A·N^{−P} + B·(nρ)^{−Q} + Floor.
type JointFit struct {
	A, P, B, Q, Floor float64
	// Residuals[j] = log model(point j) − log E_j.
	Residuals []float64
	// RMS is the root mean square of Residuals.
	RMS float64
	// Evaluations counts objective and gradient evaluations over all starts.
	Evaluations int
}

// Predict returns the model at (N, nρ).
func (f JointFit) Predict(n, nrho float64) float64 {
	return f.A*math.Pow(n, -f.P) + f.B*math.Pow(nrho, -f.Q) + f.Floor
}

// JointOptions tune FitJoint. The zero value fits a floor.
type JointOptions struct {
	// NoFloor fixes Floor = 0 (4 parameters).
	NoFloor bool
}

// FitJoint fits e(n, N) ≈ a·N^{−p} + b·(nρ)^{−q} + floor to the points by
// least squares on log errors (see the package documentation) with gonum
// optimize (BFGS, analytic gradient, then a second BFGS pass to polish),
// started from the per-axis log-log exponents and from p, q ∈ {0.25, 0.5, 1}
// with a, b, floor scaled to the data, each start also run with floor = 0
// (the boundary of floor ≥ 0), keeping the best. points is not kept. Cost O(starts × iterations × len).
// Errors: fewer points than parameters, or fewer than 2 distinct N or nρ
// (graphs.ErrShape); a coordinate ≤ 0, NaN or Inf (graphs.ErrParameter); no
// start converging to a finite value (graphs.ErrParameter).
func FitJoint(points []Point, opt JointOptions) (JointFit, error) {
	np := 5
	if opt.NoFloor {
		np = 4
	}
	if len(points) < np {
		return JointFit{}, fmt.Errorf("rates: FitJoint: %d points < %d parameters: %w", len(points), np, graphs.ErrShape)
	}
	ns, nr := map[float64]bool{}, map[float64]bool{}
	ln, lr, le := make([]float64, len(points)), make([]float64, len(points)), make([]float64, len(points))
	emin, emax := math.Inf(1), 0.0
	for j, p := range points {
		for _, v := range []struct {
			name string
			x    float64
		}{{"N", p.N}, {"NRho", p.NRho}, {"E", p.E}} {
			if !(v.x > 0) || math.IsInf(v.x, 0) {
				return JointFit{}, fmt.Errorf("rates: FitJoint: points[%d].%s=%v not a finite number > 0: %w", j, v.name, v.x, graphs.ErrParameter)
			}
		}
		ns[p.N], nr[p.NRho] = true, true
		ln[j], lr[j], le[j] = math.Log(p.N), math.Log(p.NRho), math.Log(p.E)
		emin, emax = math.Min(emin, p.E), math.Max(emax, p.E)
	}
	if len(ns) < 2 || len(nr) < 2 {
		return JointFit{}, fmt.Errorf("rates: FitJoint: %d distinct N, %d distinct nρ (need ≥ 2 each): %w", len(ns), len(nr), graphs.ErrShape)
	}
	// x = (log a, p, log b, q[, log floor]): a, b, floor > 0 by
	// construction; a 4-vector x is the boundary floor = 0.
	m := len(points)
	r, jac := make([]float64, m), make([]float64, m*5)
	evals := 0
	// residuals writes r_j = log model_j − log e_j and the Jacobian
	// ∂r_j/∂x_k = (∂model_j/∂x_k)/model_j (m×len(x) row-major), returns Σ r_j².
	residuals := func(x []float64) float64 {
		evals++
		k := len(x)
		var s float64
		for j := 0; j < m; j++ {
			ta := math.Exp(x[0] - x[1]*ln[j])
			tb := math.Exp(x[2] - x[3]*lr[j])
			var tf float64
			if k == 5 {
				tf = math.Exp(x[4])
			}
			mj := ta + tb + tf
			r[j] = math.Log(mj) - le[j]
			s += r[j] * r[j]
			row := jac[j*k : (j+1)*k]
			row[0], row[1], row[2], row[3] = ta/mj, -ta*ln[j]/mj, tb/mj, -tb*lr[j]/mj
			if k == 5 {
				row[4] = tf / mj
			}
		}
		if math.IsNaN(s) {
			return math.Inf(1)
		}
		return s
	}
	prob := optimize.Problem{
		Func: residuals,
		Grad: func(g, x []float64) {
			residuals(x)
			clear(g)
			for j := 0; j < m; j++ {
				for k, v := range jac[j*len(x) : (j+1)*len(x)] {
					g[k] += 2 * r[j] * v
				}
			}
		},
	}
	// minimise runs BFGS from x0 and polishes its result with a second BFGS
	// run (a fresh inverse-Hessian estimate), keeping the lower cost. A
	// method error (line search stalled at the precision limit) still
	// leaves a usable location.
	settings := &optimize.Settings{
		GradientThreshold: 1e-15,
		FuncEvaluations:   20000,
		Converger:         &optimize.FunctionConverge{Absolute: 1e-30, Relative: 1e-15, Iterations: 20},
	}
	minimise := func(x0 []float64) ([]float64, float64) {
		x, f := x0, math.Inf(1)
		for pass := 0; pass < 2; pass++ {
			res, err := optimize.Minimize(prob, x, settings, &optimize.BFGS{})
			if res == nil || !(res.F < f) {
				break
			}
			x, f = res.X, res.F
			if err == nil && res.Status == optimize.GradientThreshold {
				break
			}
		}
		return x, f
	}
	nmin, rmin := math.Inf(1), math.Inf(1)
	for j := range points {
		nmin, rmin = math.Min(nmin, ln[j]), math.Min(rmin, lr[j])
	}
	// Starts: the exponents from per-axis log-log fits (at the largest nρ
	// for p, the largest N for q), then p, q ∈ {0.25, 0.5, 1}. Each term
	// starts at half the largest error at the smallest size of its axis,
	// the floor at a tenth of the smallest error.
	type start struct{ p, q float64 }
	var starts []start
	if p0, q0, ok := axisSlopes(points); ok {
		starts = append(starts, start{p0, q0})
	}
	for _, p0 := range []float64{0.25, 0.5, 1} {
		for _, q0 := range []float64{0.25, 0.5, 1} {
			starts = append(starts, start{p0, q0})
		}
	}
	best := JointFit{}
	bestF := math.Inf(1)
	// With a floor, every start is also run on the boundary floor = 0 (the
	// 4-parameter problem), which log floor can only approach: when the
	// errors do not move along one axis, the best fit may let that axis's
	// term act as the constant and the floor vanish.
	dims := []int{4}
	if !opt.NoFloor {
		dims = []int{5, 4}
	}
	for _, k := range dims {
		for _, st := range starts {
			x0 := []float64{math.Log(emax/2) + st.p*nmin, st.p, math.Log(emax/2) + st.q*rmin, st.q}
			if k == 5 {
				x0 = append(x0, math.Log(emin/10))
			}
			x, f := minimise(x0)
			if f < bestF {
				bestF = f
				best = JointFit{A: math.Exp(x[0]), P: x[1], B: math.Exp(x[2]), Q: x[3]}
				if k == 5 {
					best.Floor = math.Exp(x[4])
				}
			}
		}
	}
	if math.IsInf(bestF, 1) || math.IsNaN(bestF) {
		return JointFit{}, fmt.Errorf("rates: FitJoint: no start converged: %w", graphs.ErrParameter)
	}
	best.Evaluations = evals
	best.Residuals = make([]float64, len(points))
	var s float64
	for j, p := range points {
		r := math.Log(best.Predict(p.N, p.NRho)) - le[j]
		best.Residuals[j] = r
		s += r * r
	}
	best.RMS = math.Sqrt(s / float64(len(points)))
	return best, nil
}

// axisSlopes returns −slope of the log-log fits of E on N among the points
// with the largest nρ and of E on nρ among those with the largest N, each
// clamped to [0.05, 3] (a floor flattens them); ok is false when either
// slice has fewer than 2 distinct sizes.
func axisSlopes(points []Point) (p, q float64, ok bool) {
	nmax, rmax := 0.0, 0.0
	for _, pt := range points {
		nmax, rmax = math.Max(nmax, pt.N), math.Max(rmax, pt.NRho)
	}
	var xn, en, xr, er []float64
	for _, pt := range points {
		if pt.NRho == rmax {
			xn, en = append(xn, pt.N), append(en, pt.E)
		}
		if pt.N == nmax {
			xr, er = append(xr, pt.NRho), append(er, pt.E)
		}
	}
	fn, errN := LogLog(xn, en)
	fr, errR := LogLog(xr, er)
	if errN != nil || errR != nil {
		return 0, 0, false
	}
	clamp := func(v float64) float64 { return math.Min(math.Max(v, 0.05), 3) }
	return clamp(-fn.Slope), clamp(-fr.Slope), true
}
