package fluctuation

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// multiIndices returns the multi-indices α ∈ ℕ^n with 1 ≤ |α| ≤ deg.
func multiIndices(n, deg int) [][]int {
	var out [][]int
	cur := make([]int, n)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == n {
			s := 0
			for _, v := range cur {
				s += v
			}
			if s > 0 {
				out = append(out, append([]int(nil), cur...))
			}
			return
		}
		for v := 0; v <= left; v++ {
			cur[i] = v
			rec(i+1, left-v)
		}
		cur[i] = 0
	}
	rec(0, deg)
	return out
}

// hermite writes He_j(x)/√(j!) for j = 0..deg into h: the probabilists'
// Hermite polynomials, orthonormal under N(0, 1).
func hermite(h []float64, x float64, deg int) {
	h[0] = 1
	if deg >= 1 {
		h[1] = x
	}
	// He_{j+1} = x He_j − j He_{j−1}; normalised: h_{j+1} = (x h_j − √j h_{j−1})/√(j+1)
	for j := 1; j < deg; j++ {
		h[j+1] = (x*h[j] - math.Sqrt(float64(j))*h[j-1]) / math.Sqrt(float64(j+1))
	}
}

// momentWeights returns masses mz (positive, Σ = 1, one per carrier or per
// pair of carriers) under which the orthonormal Hermite polynomials of
// total degree 1..deg in the standardised coordinates (c/s_c, a_i √d/s_w)
// have mean 0, as under μ_0 (for pairs, their pair average): the masses of
// least relative entropy to the uniform ones, mz_j ∝ exp(λ·p(θ_j)), with λ
// found by Newton's method on the convex dual log Σ_j exp(λ·p(θ_j)). It
// tries deg = maxDeg down to 1 (needing at least 2 points per constraint,
// convergence of the moments to 10⁻¹² and every mass within a factor
// maxTilt of uniform) and returns the masses with the degree used; uniform
// masses and degree 0 when none works or s_c or s_w is 0.
func momentWeights(theta []float64, dim, nz int, sym bool, sc, sw float64, d, maxDeg int) ([]float64, int) {
	uniform := make([]float64, nz)
	for j := range uniform {
		uniform[j] = 1 / float64(nz)
	}
	if !(sc > 0 && sw > 0) {
		return uniform, 0
	}
	n := 1 + dim
	scale := make([]float64, n)
	scale[0] = 1 / sc
	for i := 1; i < n; i++ {
		scale[i] = math.Sqrt(float64(d)) / sw
	}
	for deg := maxDeg; deg >= 1; deg-- {
		idx := multiIndices(n, deg)
		h := make([][]float64, n)
		for i := range h {
			h[i] = make([]float64, deg+1)
		}
		var rows [][]int
		for _, a := range idx {
			if sym && a[0]%2 == 1 {
				continue // odd in c: 0 for every pair
			}
			rows = append(rows, a)
		}
		r := len(rows)
		if 2*(r+1) > nz {
			continue
		}
		// pm[j*r+i] = p_i(θ_j) (even in c for pairs: the pair's two values agree)
		pm := make([]float64, nz*r)
		for j := range nz {
			k := j
			if sym {
				k = 2 * j
			}
			row := theta[k*n : (k+1)*n]
			for i := range n {
				hermite(h[i], row[i]*scale[i], deg)
			}
			for i, a := range rows {
				v := 1.0
				for l, al := range a {
					v *= h[l][al]
				}
				pm[j*r+i] = v
			}
		}
		if mz, ok := entropic(pm, nz, r); ok {
			return mz, deg
		}
	}
	return uniform, 0
}

// maxTilt bounds the entropic masses: every mass within a factor maxTilt of
// uniform.
const maxTilt = 20

// entropic solves Σ_j mz_j p(θ_j) = 0 with mz_j ∝ exp(λ·p_j) by damped
// Newton steps on f(λ) = log Σ_j exp(λ·p_j) (gradient E_mz p, Hessian
// Cov_mz p). pm is nz×r.
func entropic(pm []float64, nz, r int) ([]float64, bool) {
	lam := make([]float64, r)
	mz := make([]float64, nz)
	logits := make([]float64, nz)
	eval := func(l []float64) float64 { // sets mz, returns f
		mx := math.Inf(-1)
		for j := range nz {
			s := 0.0
			for i, li := range l {
				s += li * pm[j*r+i]
			}
			logits[j] = s
			mx = math.Max(mx, s)
		}
		tot := 0.0
		for j, s := range logits {
			mz[j] = math.Exp(s - mx)
			tot += mz[j]
		}
		for j := range mz {
			mz[j] /= tot
		}
		return mx + math.Log(tot) - math.Log(float64(nz))
	}
	f := eval(lam)
	g := make([]float64, r)
	hs := mat.NewSymDense(r, nil)
	trial := make([]float64, r)
	for iter := 0; iter < 100; iter++ {
		clear(g)
		for j, w := range mz {
			for i := range r {
				g[i] += w * pm[j*r+i]
			}
		}
		gn := 0.0
		for _, v := range g {
			gn = math.Max(gn, math.Abs(v))
		}
		if gn < 1e-12 {
			for _, w := range mz {
				if !(w*float64(nz) <= maxTilt && w*float64(nz) >= 1/float64(maxTilt)) {
					return nil, false
				}
			}
			return append([]float64(nil), mz...), true
		}
		for a := range r {
			for b := a; b < r; b++ {
				s := 0.0
				for j, w := range mz {
					s += w * pm[j*r+a] * pm[j*r+b]
				}
				hs.SetSym(a, b, s-g[a]*g[b])
			}
		}
		var ch mat.Cholesky
		if !ch.Factorize(hs) {
			return nil, false
		}
		var step mat.VecDense
		if err := ch.SolveVecTo(&step, mat.NewVecDense(r, g)); err != nil {
			return nil, false
		}
		// f decreases along −step; halve until it does (Armijo)
		slope := 0.0
		for i := range r {
			slope += g[i] * step.AtVec(i)
		}
		if slope < 1e-12 { // near the optimum f cannot see the decrease: full Newton steps
			for i := range r {
				lam[i] -= step.AtVec(i)
			}
			f = eval(lam)
			continue
		}
		t := 1.0
		for ; t > 1e-10; t /= 2 {
			for i := range r {
				trial[i] = lam[i] - t*step.AtVec(i)
			}
			if ft := eval(trial); ft <= f-1e-4*t*slope {
				f = ft
				copy(lam, trial)
				break
			}
		}
		if t <= 1e-10 {
			return nil, false
		}
	}
	return nil, false
}
