package rates

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/mat"

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
	// Evaluations counts objective evaluations over all starts.
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
// least squares on log errors (see the package documentation), starting
// Levenberg–Marquardt from p, q ∈ {0.25, 0.5, 1} with a, b, floor scaled to the data, and
// keeping the best. points is not kept. Cost O(starts × iterations × len).
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
	// x = (log a, p, log b, q, log floor); the model and its log-derivatives.
	model := func(x []float64, j int) (m, ta, tb, tf float64) {
		ta = math.Exp(x[0] - x[1]*ln[j])
		tb = math.Exp(x[2] - x[3]*lr[j])
		if !opt.NoFloor {
			tf = math.Exp(x[4])
		}
		return ta + tb + tf, ta, tb, tf
	}
	evals := 0
	m := len(points)
	// residuals writes r_j = log model_j − log e_j and, if jac != nil, the
	// Jacobian ∂r_j/∂x_k = (∂model_j/∂x_k)/model_j (m×np row-major).
	residuals := func(x, r, jac []float64) float64 {
		evals++
		var s float64
		for j := 0; j < m; j++ {
			mj, ta, tb, tf := model(x, j)
			r[j] = math.Log(mj) - le[j]
			s += r[j] * r[j]
			if jac != nil {
				row := jac[j*np : (j+1)*np]
				row[0], row[1], row[2], row[3] = ta/mj, -ta*ln[j]/mj, tb/mj, -tb*lr[j]/mj
				if !opt.NoFloor {
					row[4] = tf / mj
				}
			}
		}
		return s
	}
	best := JointFit{}
	bestF := math.Inf(1)
	nmin, rmin := math.Inf(1), math.Inf(1)
	for j := range points {
		nmin, rmin = math.Min(nmin, ln[j]), math.Min(rmin, lr[j])
	}
	for _, p0 := range []float64{0.25, 0.5, 1} {
		for _, q0 := range []float64{0.25, 0.5, 1} {
			// Each term starts at half the largest error at the smallest
			// size of its axis; the floor at a tenth of the smallest error.
			x0 := []float64{math.Log(emax/2) + p0*nmin, p0, math.Log(emax/2) + q0*rmin, q0}
			if !opt.NoFloor {
				x0 = append(x0, math.Log(emin/10))
			}
			x, f := levenbergMarquardt(x0, m, residuals)
			if f < bestF {
				bestF = f
				best = JointFit{A: math.Exp(x[0]), P: x[1], B: math.Exp(x[2]), Q: x[3]}
				if !opt.NoFloor {
					best.Floor = math.Exp(x[4])
				}
			}
		}
	}
	if math.IsInf(bestF, 1) {
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

// levenbergMarquardt minimises ½‖r(x)‖² from x0 with Marquardt's scaling
// (JᵀJ + λ diag JᵀJ) δ = −Jᵀr, λ divided by 3 after a successful step and
// multiplied by 4 after a failed one (Nocedal & Wright, Numerical
// Optimization, 2nd ed., §10.3). It stops after 500 iterations, when λ
// exceeds 1e16, or when a step changes the cost by less than 1e-15 relative.
// Returns the best x and its cost Σ r²; +Inf if no finite cost was seen.
func levenbergMarquardt(x0 []float64, m int, res func(x, r, jac []float64) float64) ([]float64, float64) {
	np := len(x0)
	x := append([]float64(nil), x0...)
	xt := make([]float64, np)
	r, rt := make([]float64, m), make([]float64, m)
	jac := make([]float64, m*np)
	f := res(x, r, jac)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return x, math.Inf(1)
	}
	jtj := mat.NewSymDense(np, nil)
	a := mat.NewSymDense(np, nil)
	g := mat.NewVecDense(np, nil)
	var delta mat.VecDense
	var chol mat.Cholesky
	lambda := 1e-3
	for it := 0; it < 500 && lambda < 1e16; it++ {
		jm := mat.NewDense(m, np, jac)
		jtj.SymOuterK(1, jm.T())
		g.MulVec(jm.T(), mat.NewVecDense(m, r))
		improved := false
		for lambda < 1e16 {
			for i := 0; i < np; i++ {
				for k := i; k < np; k++ {
					v := jtj.At(i, k)
					if i == k {
						v += lambda * math.Max(v, 1e-12)
					}
					a.SetSym(i, k, v)
				}
			}
			if !chol.Factorize(a) {
				lambda *= 4
				continue
			}
			if err := chol.SolveVecTo(&delta, g); err != nil {
				lambda *= 4
				continue
			}
			for i := range xt {
				xt[i] = x[i] - delta.AtVec(i)
			}
			ft := res(xt, rt, nil)
			if ft < f && !math.IsNaN(ft) {
				done := f-ft <= 1e-15*f
				copy(x, xt)
				f = res(x, r, jac)
				lambda = math.Max(lambda/3, 1e-12)
				improved = true
				if done {
					return x, f
				}
				break
			}
			lambda *= 4
		}
		if !improved {
			break
		}
	}
	return x, f
}
