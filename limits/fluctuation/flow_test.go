package fluctuation

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/limits"
)

// TestDeriv2: σ″ against central differences of σ' (step 10⁻⁵, relative
// error ≤ 10⁻⁸ of max(1, |σ″|)).
func TestDeriv2(t *testing.T) {
	const h = 1e-5
	for _, k := range []activation.Kind{activation.Identity, activation.Tanh, activation.Sigmoid, activation.Erf} {
		for _, z := range []float64{-3.1, -0.7, 0, 0.2, 1.4, 4} {
			fd := (k.Deriv(z+h) - k.Deriv(z-h)) / (2 * h)
			if got := deriv2(k, z); math.Abs(got-fd) > 1e-8*max(1, math.Abs(fd)) {
				t.Errorf("%v: σ″(%v) = %v, central difference %v", k, z, got, fd)
			}
		}
	}
	if !math.IsNaN(deriv2(activation.ReLU, 1)) {
		t.Error("σ″ of ReLU should be NaN (not implemented)")
	}
}

// testFlow is a random flow: P grid points, dim = 4, mf carriers (pairs
// when sym) with random positive masses, α = 1.3, ν = ½, noise on y, and
// the frame at random carriers with g = Σ_k wc_k F(θ̄^k; ·), the output of
// the weighted carriers themselves.
func testFlow(act activation.Kind, p, mf int, sym bool, seed uint64) (*flow, *frame, []float64) {
	rng := rand.New(rand.NewPCG(seed, 3))
	const dim = 4
	fl := &flow{act: act, alpha: 1.3, nu: 0.5, sy2: 0.09, p: p, dim: dim, mf: mf, sym: sym, nz: mf,
		omega: make([]float64, p), phi: make([]float64, p*dim), y: make([]float64, p)}
	if sym {
		fl.nz = mf / 2
	}
	tot := 0.0
	for q := range p {
		fl.omega[q] = 0.5 + rng.Float64()
		tot += fl.omega[q]
		fl.y[q] = rng.NormFloat64()
	}
	for q := range p {
		fl.omega[q] /= tot
	}
	for i := range fl.phi {
		fl.phi[i] = 0.8 * rng.NormFloat64()
	}
	mz := make([]float64, fl.nz)
	tot = 0
	for j := range mz {
		mz[j] = 0.5 + rng.Float64()
		tot += mz[j]
	}
	for j := range mz {
		mz[j] /= tot
	}
	fl.setMasses(mz)
	theta := make([]float64, mf*(1+dim))
	for k := range mf {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		if sym && k%2 == 1 {
			copy(row, theta[(k-1)*(1+dim):k*(1+dim)])
			row[0] = -row[0]
			row[1] += 0.1 * rng.NormFloat64() // carriers of a pair move apart along the flow
			continue
		}
		row[0] = rng.NormFloat64()
		for i := 1; i <= dim; i++ {
			row[i] = 0.7 * rng.NormFloat64()
		}
	}
	g := weightedOutput(fl, theta, fl.wc)
	fr := fl.newFrame()
	fl.set(fr, theta, g, make([]float64, mf*p), make([]float64, mf*p))
	return fl, fr, theta
}

// weightedOutput is Σ_k w_k c_k σ(a_k·φ_q), written out.
func weightedOutput(fl *flow, theta, w []float64) []float64 {
	dim := fl.dim
	g := make([]float64, fl.p)
	for k, wk := range w {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		for q := range fl.p {
			z := 0.0
			for i := range dim {
				z += row[1+i] * fl.phi[q*dim+i]
			}
			g[q] += wk * row[0] * fl.act.Eval(z)
		}
	}
	return g
}

// weightedVelocity is the velocity of carrier k in the system of weighted
// carriers, V_k = α Σ_q ω_q (y_q − Σ_l w_l F(θ^l; φ_q)) ∇F(θ^k; φ_q),
// written out from docs/mathematics.md §4.2 independently of flow.
func weightedVelocity(fl *flow, theta, w []float64) []float64 {
	dim := fl.dim
	g := weightedOutput(fl, theta, w)
	out := make([]float64, len(theta))
	for k := range fl.mf {
		row := theta[k*(1+dim) : (k+1)*(1+dim)]
		for q := range fl.p {
			f := fl.phi[q*dim : (q+1)*dim]
			z := 0.0
			for i := range dim {
				z += row[1+i] * f[i]
			}
			e := fl.alpha * fl.omega[q] * (fl.y[q] - g[q])
			out[k*(1+dim)] += e * fl.act.Eval(z)
			for i := range dim {
				out[k*(1+dim)+1+i] += e * row[0] * fl.act.Deriv(z) * f[i]
			}
		}
	}
	return out
}

// TestLinearisedFlow: A applied to columns — m columns with an initial-mass
// source z_j and the others without — against central differences (step
// 10⁻⁶) of the velocity of the weighted carriers along (D_j, δw_j), where
// δw_k = √wz_j z_j of carrier k's index: the Jacobians J^k, the feedback
// through G and the source hz together, for every σ, i.i.d. and pairs.
func TestLinearisedFlow(t *testing.T) {
	for _, act := range []activation.Kind{activation.Identity, activation.Tanh, activation.Sigmoid, activation.Erf} {
		for _, sym := range []bool{false, true} {
			fl, fr, theta := testFlow(act, 7, 10, sym, uint64(act)+10)
			rng := rand.New(rand.NewPCG(uint64(act), 9))
			const m, k = 2, 4
			st := &state{m: m, k: k, x: make([][]float64, fl.blocks())}
			for b := range st.x {
				st.x[b] = make([]float64, fl.mf*k)
				for i := range st.x[b] {
					st.x[b][i] = rng.NormFloat64()
				}
			}
			// two orthonormal directions orthogonal to sz
			for range m {
				v := make([]float64, fl.nz)
				for j := range v {
					v[j] = rng.NormFloat64()
				}
				for _, u := range append([][]float64{fl.sz}, st.zb...) {
					s, n2 := 0.0, 0.0
					for j := range v {
						s += u[j] * v[j]
						n2 += u[j] * u[j]
					}
					for j := range v {
						v[j] -= s / n2 * u[j]
					}
				}
				n := 0.0
				for _, x := range v {
					n += x * x
				}
				for j := range v {
					v[j] /= math.Sqrt(n)
				}
				st.zb = append(st.zb, v)
			}
			hz := make([]float64, fl.p*m)
			fl.hz(hz, fr.hp, fl.p, st.zb)
			dx := make([][]float64, fl.blocks())
			for b := range dx {
				dx[b] = make([]float64, fl.mf*k)
			}
			w := &work{g: make([]float64, fl.p*k), part: make([]float64, fl.p*k*fl.mf)}
			fl.apply(dx, fr, st.x, k, m, hz, w)
			const h = 1e-6
			dim := fl.dim
			for j := range k {
				tp, tm := append([]float64(nil), theta...), append([]float64(nil), theta...)
				wp, wm := append([]float64(nil), fl.wc...), append([]float64(nil), fl.wc...)
				for c := range fl.mf {
					for b := range fl.blocks() {
						d := st.x[b][c*k+j]
						tp[c*(1+dim)+b] += h * d
						tm[c*(1+dim)+b] -= h * d
					}
					if j < m {
						iz := c
						if sym {
							iz = c / 2
						}
						dw := math.Sqrt(fl.wz[iz]) * st.zb[j][iz]
						wp[c] += h * dw
						wm[c] -= h * dw
					}
				}
				vp, vm := weightedVelocity(fl, tp, wp), weightedVelocity(fl, tm, wm)
				scale, diff := 0.0, 0.0
				for c := range fl.mf {
					for b := range fl.blocks() {
						fd := (vp[c*(1+dim)+b] - vm[c*(1+dim)+b]) / (2 * h)
						scale = max(scale, math.Abs(fd))
						diff = max(diff, math.Abs(fd-dx[b][c*k+j]))
					}
				}
				if diff > 1e-7*scale {
					t.Errorf("%v sym=%v column %d: A x against central differences: %.3g of %.3g", act, sym, j, diff, scale)
				}
			}
		}
	}
}

// TestNoiseCovariance: the injected noise E L Lᵀ Eᵀ equals the covariance of
// one sample's increment direction (y − g(φ)) ∇F(θ̄^k; φ) between carriers,
// written out: Σ_q ω_q (r_q² + s_y²) ∇F_k,q ∇F_l,qᵀ − v_k v_lᵀ with
// v_k = Σ_q ω_q r_q ∇F_k,q.
func TestNoiseCovariance(t *testing.T) {
	fl, fr, _ := testFlow(activation.Tanh, 9, 6, false, 4)
	p, nb := fl.p, fl.blocks()
	l := make([]float64, p*p)
	fl.noiseFactor(l, fr.r)
	n := make([][]float64, nb)
	for b := range n {
		n[b] = make([]float64, fl.mf*p)
	}
	fl.spread(n, fr.e, l, p, nil, nil)
	grad := func(k, b, q int) float64 { return fr.e[b][k*p+q] }
	for k := range fl.mf {
		for l2 := range fl.mf {
			for b := range nb {
				for b2 := range nb {
					got := 0.0
					for q := range p {
						got += n[b][k*p+q] * n[b2][l2*p+q]
					}
					want, vk, vl := 0.0, 0.0, 0.0
					for q := range p {
						want += fl.omega[q] * (fr.r[q]*fr.r[q] + fl.sy2) * grad(k, b, q) * grad(l2, b2, q)
						vk += fl.omega[q] * fr.r[q] * grad(k, b, q)
						vl += fl.omega[q] * fr.r[q] * grad(l2, b2, q)
					}
					want -= vk * vl
					if math.Abs(got-want) > 1e-13*max(1, math.Abs(want)) {
						t.Errorf("Cov(D^%d_%d, D^%d_%d) rate %v, want %v", k, b, l2, b2, got, want)
					}
				}
			}
		}
	}
}

// TestMomentWeights: the masses of 1024 Halton carriers (i.i.d.) and of
// 512 pairs are positive, sum to 1, give every orthonormal Hermite
// polynomial of degree 1..4 mean 0 (to 10⁻¹¹), hence E[c² a_i²] =
// s_c² s_w²/d exactly, which uniform masses miss by about 2%; with s_c = 0
// they are uniform (degree 0).
func TestMomentWeights(t *testing.T) {
	const d, dim = 2, 4
	sc, sw := 1.3, 0.8
	for _, sym := range []bool{false, true} {
		theta, err := initialParticles(1024, limits.Problem{Sc: sc, Sw: sw, Symmetric: sym}, d)
		if err != nil {
			t.Fatal(err)
		}
		nz := 1024
		if sym {
			nz = 512
		}
		mz, deg := momentWeights(theta, dim, nz, sym, sc, sw, d, 4)
		if deg != 4 {
			t.Fatalf("sym=%v: degree %d, want 4", sym, deg)
		}
		tot := 0.0
		for _, w := range mz {
			if !(w > 0) {
				t.Fatalf("sym=%v: mass %v", sym, w)
			}
			tot += w
		}
		if math.Abs(tot-1) > 1e-13 {
			t.Errorf("sym=%v: Σ masses = %v", sym, tot)
		}
		scale := []float64{1 / sc, math.Sqrt(d) / sw, math.Sqrt(d) / sw, math.Sqrt(d) / sw, math.Sqrt(d) / sw}
		h := make([][]float64, 1+dim)
		for i := range h {
			h[i] = make([]float64, 5)
		}
		worst := 0.0
		for _, a := range multiIndices(1+dim, 4) {
			s := 0.0
			for j, w := range mz {
				k := j
				if sym {
					k = 2 * j
				}
				v := 1.0
				for i, ai := range a {
					hermite(h[i], theta[k*(1+dim)+i]*scale[i], 4)
					v *= h[i][ai]
				}
				if sym && a[0]%2 == 1 {
					v = 0 // the pair average of a polynomial odd in c
				}
				s += w * v
			}
			worst = max(worst, math.Abs(s))
		}
		if worst > 1e-11 {
			t.Errorf("sym=%v: largest Hermite moment %v", sym, worst)
		}
		want := sc * sc * sw * sw / d
		got, uni := 0.0, 0.0
		for j, w := range mz {
			k := j
			if sym {
				k = 2 * j
			}
			c, a := theta[k*(1+dim)], theta[k*(1+dim)+1]
			got += w * c * c * a * a
			uni += c * c * a * a / float64(nz)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("sym=%v: E[c² a²] = %v, want %v", sym, got, want)
		}
		if math.Abs(uni-want) < 1e-3*want {
			t.Errorf("sym=%v: uniform masses give E[c² a²] = %v ≈ %v: the test does not see the masses", sym, uni, want)
		}
	}
	// every degree is reached with 2048 carriers
	theta2, _ := initialParticles(2048, limits.Problem{Sc: 1, Sw: 1}, d)
	for deg := 1; deg <= 4; deg++ {
		if _, got := momentWeights(theta2, dim, 2048, false, 1, 1, d, deg); got != deg {
			t.Errorf("2048 carriers: degree %d asked, %d reached", deg, got)
		}
	}
	theta, _ := initialParticles(64, limits.Problem{Sc: 1, Sw: 1}, d)
	if mz, deg := momentWeights(theta, dim, 64, false, 0, 1, d, 4); deg != 0 || mz[0] != 1.0/64 {
		t.Errorf("s_c = 0: degree %d, mass %v, want uniform", deg, mz[0])
	}
}

// TestInject: without truncation the noise columns after an injection carry
// the old covariance plus w N Nᵀ exactly (to rounding); with a rank bound
// the variance reported dropped is what is missing from the trace.
func TestInject(t *testing.T) {
	fl, fr, _ := testFlow(activation.Erf, 8, 12, false, 7)
	nb, mf, p := fl.blocks(), fl.mf, fl.p
	rng := rand.New(rand.NewPCG(2, 2))
	st := &state{m: 1, k: 3, x: make([][]float64, nb), zb: [][]float64{make([]float64, fl.nz)}}
	for b := range nb {
		st.x[b] = make([]float64, mf*3)
		for i := range st.x[b] {
			st.x[b][i] = rng.NormFloat64()
		}
	}
	cov := func(x [][]float64, k, from int) []float64 { // Σ_j x_j x_jᵀ over columns ≥ from, weighted
		n := mf * nb
		out := make([]float64, n*n)
		for i := range n {
			for j := range n {
				bi, ci, bj, cj := i/mf, i%mf, j/mf, j%mf
				for col := from; col < k; col++ {
					out[i*n+j] += x[bi][ci*k+col] * x[bj][cj*k+col]
				}
			}
		}
		return out
	}
	before := cov(st.x, st.k, st.m)
	zcol := make([]float64, mf)
	for c := range mf {
		zcol[c] = st.x[0][c*st.k]
	}
	l := make([]float64, p*p)
	fl.noiseFactor(l, fr.r)
	nn := make([][]float64, nb)
	for b := range nn {
		nn[b] = make([]float64, mf*p)
	}
	fl.spread(nn, fr.e, l, p, nil, nil)
	const w = 0.37
	set := settings{noiseRank: 1000, noiseTol: 0}
	full := &state{m: st.m, k: st.k, zb: st.zb, x: make([][]float64, nb)}
	for b := range nb {
		full.x[b] = append([]float64(nil), st.x[b]...)
	}
	fl.inject(full, fr, w, set)
	after := cov(full.x, full.k, full.m)
	add := cov(nn, p, 0)
	for i := range after {
		want := before[i] + w*add[i]
		if math.Abs(after[i]-want) > 1e-11*max(1, math.Abs(want)) {
			t.Fatalf("entry %d: %v, want %v", i, after[i], want)
		}
	}
	for c := range mf {
		if full.x[0][c*full.k] != zcol[c] {
			t.Fatal("the initial-mass column changed")
		}
	}
	// rank 2: the weighted trace drops by what is reported
	small := &state{m: st.m, k: st.k, zb: st.zb, x: make([][]float64, nb)}
	for b := range nb {
		small.x[b] = append([]float64(nil), st.x[b]...)
	}
	dropped, kept := fl.inject(small, fr, w, settings{noiseRank: 2, noiseTol: 0})
	if small.k != small.m+2 {
		t.Fatalf("k = %d, want m+2", small.k)
	}
	trace := func(x [][]float64, k, from int) float64 {
		s := 0.0
		for b := range nb {
			for c := range mf {
				for col := from; col < k; col++ {
					s += fl.wc[c] * x[b][c*k+col] * x[b][c*k+col]
				}
			}
		}
		return s
	}
	tf, ts := trace(full.x, full.k, full.m), trace(small.x, small.k, small.m)
	if math.Abs(ts-kept) > 1e-12*tf || math.Abs(tf-ts-dropped) > 1e-10*tf || !(dropped > 0) {
		t.Errorf("trace %v → %v, reported kept %v dropped %v", tf, ts, kept, dropped)
	}
}

// TestAddDirections: with no energy left out the directions are orthonormal,
// orthogonal to sz and span the initial-mass map; the existing columns keep
// their values and the new ones start at D = 0.
func TestAddDirections(t *testing.T) {
	for _, sym := range []bool{false, true} {
		fl, fr, _ := testFlow(activation.Sigmoid, 5, 16, sym, 11)
		nb, mf := fl.blocks(), fl.mf
		st := &state{m: 0, k: 1, x: make([][]float64, nb)}
		for b := range nb {
			st.x[b] = make([]float64, mf)
			for c := range mf {
				st.x[b][c] = float64(b*100 + c)
			}
		}
		total, left := fl.addDirections(st, fr.hp, settings{zEnergy: 0, zMax: 100})
		if st.m == 0 || st.m > fl.p || st.k != st.m+1 || left > 1e-12*total {
			t.Fatalf("sym=%v: m=%d k=%d left %v of %v", sym, st.m, st.k, left, total)
		}
		for i, zi := range st.zb {
			for j, zj := range append([][]float64{fl.sz}, st.zb...) {
				s := 0.0
				for a := range zi {
					s += zi[a] * zj[a]
				}
				want := 0.0
				if j == i+1 {
					want = 1
				}
				if math.Abs(s-want) > 1e-12 {
					t.Errorf("sym=%v: ⟨z_%d, %d⟩ = %v", sym, i, j-1, s)
				}
			}
		}
		// hp = Z Zᵀ hp
		p := fl.p
		for q := range p {
			res := 0.0
			for j := range fl.nz {
				v := fr.hp[j*p+q]
				for _, z := range st.zb {
					s := 0.0
					for a := range z {
						s += z[a] * fr.hp[a*p+q]
					}
					v -= s * z[j]
				}
				res += v * v
			}
			if res > 1e-20*max(total, 1) {
				t.Errorf("sym=%v: node %d: residual %v", sym, q, res)
			}
		}
		for b := range nb {
			for c := range mf {
				if st.x[b][c*st.k+st.m] != float64(b*100+c) {
					t.Fatalf("sym=%v: old column moved", sym)
				}
				for j := range st.m {
					if st.x[b][c*st.k+j] != 0 {
						t.Fatalf("sym=%v: new column not 0", sym)
					}
				}
			}
		}
	}
}

// TestConvergence: the discretisation of Particles is converged on a tanh
// problem (SBM graphon, X(u) = u) with sampling noise and feature noise (so
// that the training grid is not the evaluation grid): halving the step, doubling the noise rank or
// leaving out 100 times less of the initial-mass map each change C(t) by
// less than 10⁻⁴ relative.
func TestConvergence(t *testing.T) {
	if testing.Short() {
		t.Skip("four particle solves")
	}
	p := limits.DefaultProblem()
	p.Quadrature = 16
	p.Signal = must(generators.ParseSignal("poly:1"))
	p.NoiseX = 0.1 // 16 × 7 training points
	p.Graphon = must(generators.ParseGraphon("sbm:0.5,0.5:0.8,0.2;0.2,0.8"))
	s, err := limits.NewSetup(p)
	if err != nil {
		t.Fatal(err)
	}
	times := []float64{0.5, 1.5}
	run := func(set settings) []float64 {
		c, err := particleRun(context.Background(), s, times, 1024, 512, set)
		if err != nil {
			t.Fatal(err)
		}
		return c.C
	}
	base := run(defaults)
	for name, set := range map[string]settings{
		"step/2":      {step: 0.5, noiseRank: defaults.noiseRank, noiseTol: defaults.noiseTol, zEnergy: defaults.zEnergy, zMax: defaults.zMax},
		"noiseRank×2": {step: 1, noiseRank: 2 * defaults.noiseRank, noiseTol: defaults.noiseTol, zEnergy: defaults.zEnergy, zMax: defaults.zMax},
		"zEnergy/100": {step: 1, noiseRank: defaults.noiseRank, noiseTol: defaults.noiseTol, zEnergy: defaults.zEnergy / 100, zMax: 4 * defaults.zMax},
	} {
		c := run(set)
		for k := range times {
			if r := math.Abs(c[k]-base[k]) / base[k]; r > 1e-4 {
				t.Errorf("%s: C(%v) = %.7f against %.7f (relative %.2g)", name, times[k], c[k], base[k], r)
			}
		}
	}
	t.Logf("C(t) = %.6f at t = %v", base, times)
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
