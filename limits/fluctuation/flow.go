package fluctuation

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// chunk is the fixed number of carriers per parallel chunk: partial sums
// are combined in chunk order, so the bits do not depend on GOMAXPROCS.
const chunk = 64

// deriv2 returns σ″(z) for the activations whose linearisation is
// implemented (identity, tanh, sigmoid, erf); NaN otherwise.
func deriv2(k activation.Kind, z float64) float64 {
	switch k {
	case activation.Identity:
		return 0
	case activation.Tanh:
		th := math.Tanh(z)
		return -2 * th * (1 - th*th)
	case activation.Sigmoid:
		s := activation.Logistic(z)
		return s * (1 - s) * (1 - 2*s)
	case activation.Erf:
		return -2 * z * activation.ErfDeriv(z)
	}
	return math.NaN()
}

// flow is the linearised McKean–Vlasov flow of docs/mathematics.md §8.5
// discretised on M_f carriers θ̄^k (the first M_f particles of the
// mean-field solve) with masses wc_k (Σ = 1, see momentWeights) and on the
// training grid π = Σ_q ω_q δ_(φ_q, y_q). Its random state is (ρ, D): ρ_j
// the fluctuation of the initial mass of carrier j (or of pair j), D^k ∈
// ℝ^{1+dim} the fluctuation of carrier k, with
//
//	G_q = Σ_j ρ_j f_j(φ_q) + Σ_k wc_k ∇F(θ̄^k; φ_q)·D^k,
//	dD^k = J^k D^k dt − α Σ_q ω_q G_q ∇F(θ̄^k; φ_q) dt + α √ν Σ_q ∇F(θ̄^k; φ_q) (L dW)_q,
//
// f_j = F(θ̄^j; ·) (summed over the pair), J^k = α Σ_q ω_q (y_q − g_q)
// ∇²F(θ̄^k; φ_q), L Lᵀ = Γ = diag(ω (r² + s_y²)) − (ω r)(ω r)ᵀ, and ρ Gaussian
// with Cov ρ = diag(mz) − mz mzᵀ (i.i.d.), half that (pairs): the covariance
// of the fluctuation of the empirical measure of μ_0 on the carriers. It is
// written ρ_j = √wz_j z_j with z white and orthogonal to sz.
type flow struct {
	act           activation.Kind
	alpha, nu     float64
	sy2           float64 // variance of the noise on y
	omega, phi, y []float64
	p, dim        int // grid points P, dim = 2d
	mf            int // carriers
	sym           bool
	nz            int // mf (i.i.d.) or mf/2 (pairs)
	// The carriers discretise μ_0 with masses: wc[k] per carrier (Σ = 1),
	// mz[j] per initial-weight index j (carrier, or pair of carriers),
	// wz[j] = mz[j] (i.i.d.) or mz[j]/2 (pairs), sz[j] = √mz[j].
	wc, mz, wz, sz []float64
	// kern is the long-run covariance kernel of the samples on the grid
	// (P×P, walk.go), kernRoot a square root of it; nil: i.i.d. samples.
	kern, kernRoot []float64
	// kop applies the kernel to P×m blocks without forming it (a chain on
	// a large graph, lowrank.go); kopErr is the largest relative error it
	// stated.
	kop    func(dst, src []float64, m int) (float64, error)
	kopErr float64
	// lowRank selects the reduced path (lowrank.go), rng its test vectors.
	lowRank bool
	rng     *rand.Rand
}

// setMasses sets the masses of the carriers from mz (one per carrier, or
// per pair), Σ mz = 1.
func (fl *flow) setMasses(mz []float64) {
	fl.mz = mz
	fl.wc = make([]float64, fl.mf)
	fl.wz = make([]float64, fl.nz)
	fl.sz = make([]float64, fl.nz)
	for j, m := range mz {
		fl.sz[j] = math.Sqrt(m)
		if fl.sym {
			fl.wz[j] = m / 2
			fl.wc[2*j], fl.wc[2*j+1] = m/2, m/2
		} else {
			fl.wz[j] = m
			fl.wc[j] = m
		}
	}
}

func (fl *flow) blocks() int { return 1 + fl.dim }

// gridE writes ∇F(θ^k; φ_q) for the carriers theta (rows (c, a)) and the
// grid points phi (P'×dim) as 1+dim blocks of mf×P' (block 0: σ(a·φ_q),
// block i: c σ'(a·φ_q) φ_qi), and, when ds is not nil, σ'(a·φ_q) and
// σ″(a·φ_q) into ds and d2 (mf×P').
func (fl *flow) gridE(e [][]float64, ds, d2, theta, phi []float64) {
	dim := fl.dim
	pp := len(phi) / dim
	parallel.For(parallel.Chunks(fl.mf, chunk), func(ch int) {
		lo, hi := parallel.Range(ch, chunk, fl.mf)
		for k := lo; k < hi; k++ {
			row := theta[k*(1+dim) : (k+1)*(1+dim)]
			c, a := row[0], row[1:]
			for q := range pp {
				f := phi[q*dim : (q+1)*dim]
				z := 0.0
				for i, v := range a {
					z += v * f[i]
				}
				s, d := fl.act.EvalDeriv(z)
				e[0][k*pp+q] = s
				cd := c * d
				for i, v := range f {
					e[1+i][k*pp+q] = cd * v
				}
				if ds != nil {
					ds[k*pp+q] = d
					d2[k*pp+q] = deriv2(fl.act, z)
				}
			}
		}
	})
}

// frame is the linearised system at one time t: ∇F of the carriers on the
// training grid, their Jacobians J^k, the residual r = y − g_t and the
// initial-weight map hp (nz×P, see initialMap).
type frame struct {
	e   [][]float64 // 1+dim blocks mf×P
	jac []float64   // mf × (1+dim)², row-major per carrier
	r   []float64   // P
	hp  []float64   // nz×P
}

func (fl *flow) newFrame() *frame {
	nb, p := fl.blocks(), fl.p
	fr := &frame{e: make([][]float64, nb), jac: make([]float64, fl.mf*nb*nb), r: make([]float64, p), hp: make([]float64, fl.nz*p)}
	for b := range fr.e {
		fr.e[b] = make([]float64, fl.mf*p)
	}
	return fr
}

// set fills fr at the carriers theta (mf rows) and the mean-field output g
// on the training grid (P). ds and d2 are scratch (mf×P each).
func (fl *flow) set(fr *frame, theta, g, ds, d2 []float64) {
	p, dim, nb := fl.p, fl.dim, fl.blocks()
	fl.gridE(fr.e, ds, d2, theta, fl.phi)
	for q := range p {
		fr.r[q] = fl.y[q] - g[q]
	}
	// J^k = α Σ_q ω_q r_q ∇²F = [[0, uᵀ], [u, c W]] with
	// u = Σ_q ε_q σ'(a·φ_q) φ_q, W = Σ_q ε_q σ″(a·φ_q) φ_q φ_qᵀ, ε_q = α ω_q r_q.
	parallel.For(parallel.Chunks(fl.mf, chunk), func(ch int) {
		lo, hi := parallel.Range(ch, chunk, fl.mf)
		u := make([]float64, dim)
		w := make([]float64, dim*dim)
		for k := lo; k < hi; k++ {
			c := theta[k*(1+dim)]
			clear(u)
			clear(w)
			for q := range p {
				eps := fl.alpha * fl.omega[q] * fr.r[q]
				f := fl.phi[q*dim : (q+1)*dim]
				s1, s2 := eps*ds[k*p+q], eps*d2[k*p+q]
				for i, fi := range f {
					u[i] += s1 * fi
					for j, fj := range f {
						w[i*dim+j] += s2 * fi * fj
					}
				}
			}
			jk := fr.jac[k*nb*nb : (k+1)*nb*nb]
			jk[0] = 0
			for i := range dim {
				jk[1+i] = u[i]
				jk[(1+i)*nb] = u[i]
				for j := range dim {
					jk[(1+i)*nb+1+j] = c * w[i*dim+j]
				}
			}
		}
	})
	fl.initialMap(fr.hp, fr.e[0], theta, p)
}

// initialMap writes the initial-weight map (nz×P'): with f_j = F(θ̄^j; φ_q)
// = c σ for carrier j (e0 = σ on the grid), or its sum over the pair j
// when symmetric, hp[j][q] = √wz_j (f_j − Σ_l mz_l f_l). The initial term of
// the output fluctuation is then Σ_j hp[j][q] z_j with z white and
// orthogonal to sz, and its covariance Σ_j hp[j][q] hp[j][q'] is
// Cov_{μ_0}(F(θ̄_t; φ_q), F(θ̄_t; φ_q')) on the carriers (for pairs, half the
// covariance of the pair sums).
func (fl *flow) initialMap(hp, e0, theta []float64, pp int) {
	dim := fl.dim
	clear(hp)
	for k := range fl.mf {
		j := k
		if fl.sym {
			j = k / 2
		}
		c := theta[k*(1+dim)]
		row, src := hp[j*pp:(j+1)*pp], e0[k*pp:(k+1)*pp]
		for q, s := range src {
			row[q] += c * s
		}
	}
	mean := make([]float64, pp)
	for j, m := range fl.mz {
		for q, v := range hp[j*pp : (j+1)*pp] {
			mean[q] += m * v
		}
	}
	for j, w := range fl.wz {
		row := hp[j*pp : (j+1)*pp]
		s := math.Sqrt(w)
		for q := range row {
			row[q] = s * (row[q] - mean[q])
		}
	}
}

// state is the reduced random state: K columns, each a carrier field D
// (1+dim blocks of mf×K, row-major), whose covariance sum is the covariance
// of D. The first m columns respond to the initial-weight directions z_j
// (zb, nz×m, orthonormal, centred), each a unit-variance source; the
// others are the sampling noise. Columns are independent sources: Cov D =
// Σ_j D_j D_jᵀ.
type state struct {
	m, k int
	x    [][]float64 // 1+dim blocks, mf×k
	zb   [][]float64 // m vectors of length nz
}

// work is scratch space of apply.
type work struct {
	part []float64 // chunks×P×k
	g    []float64 // P×k
	hz   []float64 // P×m
}

func gen(rows, cols int, data []float64) blas64.General {
	return blas64.General{Rows: rows, Cols: cols, Stride: cols, Data: data}
}

// hz writes H Z (P'×m) for the map hp (nz×P') and the directions zb.
func (fl *flow) hz(dst, hp []float64, pp int, zb [][]float64) {
	m := len(zb)
	clear(dst[:pp*m])
	for j, z := range zb {
		for i, zi := range z {
			if zi == 0 {
				continue
			}
			row := hp[i*pp : (i+1)*pp]
			for q, v := range row {
				dst[q*m+j] += zi * v
			}
		}
	}
}

// readout writes G (P'×k) of the columns x on the grid of e (1+dim blocks
// mf×P'): G = Σ_k wc_k ∇F(θ̄^k; φ_q)·D^k_j, plus hz_j for the first m
// columns (their initial-weight part) when hz is not nil.
func (fl *flow) readout(g []float64, e [][]float64, pp int, x [][]float64, k, m int, hz []float64, part []float64) {
	nc := parallel.Chunks(fl.mf, chunk)
	part = part[:nc*pp*k]
	parallel.For(nc, func(ch int) {
		lo, hi := parallel.Range(ch, chunk, fl.mf)
		dst := gen(pp, k, part[ch*pp*k:(ch+1)*pp*k])
		xs := make([]float64, (hi-lo)*k)
		for b := range e {
			for c := lo; c < hi; c++ {
				w := fl.wc[c]
				for j, v := range x[b][c*k : (c+1)*k] {
					xs[(c-lo)*k+j] = w * v
				}
			}
			beta := 1.0
			if b == 0 {
				beta = 0
			}
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(hi-lo, pp, e[b][lo*pp:hi*pp]), gen(hi-lo, k, xs), beta, dst)
		}
	})
	g = g[:pp*k]
	clear(g)
	for ch := range nc {
		for i, v := range part[ch*pp*k : (ch+1)*pp*k] {
			g[i] += v
		}
	}
	if hz != nil {
		for q := range pp {
			for j := range m {
				g[q*k+j] += hz[q*m+j]
			}
		}
	}
}

// spread writes dst_b = −E_b B (mf×k) for the P×k matrix B, then, when jac
// is not nil, adds J^k x^k.
func (fl *flow) spread(dst [][]float64, e [][]float64, bm []float64, k int, jac []float64, x [][]float64) {
	p, nb := fl.p, fl.blocks()
	parallel.For(parallel.Chunks(fl.mf, chunk), func(ch int) {
		lo, hi := parallel.Range(ch, chunk, fl.mf)
		for b := range e {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, gen(hi-lo, p, e[b][lo*p:hi*p]), gen(p, k, bm[:p*k]), 0, gen(hi-lo, k, dst[b][lo*k:hi*k]))
		}
		if jac == nil {
			return
		}
		for c := lo; c < hi; c++ {
			jk := jac[c*nb*nb : (c+1)*nb*nb]
			for b := range nb {
				out := dst[b][c*k : (c+1)*k]
				for b2 := range nb {
					v := jk[b*nb+b2]
					if v == 0 {
						continue
					}
					for j, xv := range x[b2][c*k : (c+1)*k] {
						out[j] += v * xv
					}
				}
			}
		}
	})
}

// apply writes dx = A x for the k columns x (the first m with their
// initial-weight source, hz = H Z on the training grid): the readout G,
// B = α ω ∘ G and dD^k = J^k D^k − Σ_q B_q ∇F(θ̄^k; φ_q).
func (fl *flow) apply(dx [][]float64, fr *frame, x [][]float64, k, m int, hz []float64, w *work) {
	if k == 0 {
		return
	}
	p := fl.p
	fl.readout(w.g, fr.e, p, x, k, m, hz, w.part)
	for q := range p {
		s := fl.alpha * fl.omega[q]
		row := w.g[q*k : (q+1)*k]
		for j := range row {
			row[j] *= s
		}
	}
	fl.spread(dx, fr.e, w.g, k, fr.jac, x)
}

// noiseFactor writes L (P×P) with L Lᵀ = Γ = diag(ω (r² + s_y²)) − (ω r)(ω r)ᵀ,
// the covariance of the per-sample residual weights: L = D^{1/2} (I − β p pᵀ)
// with D = diag(ω (r² + s_y²)), p = D^{−1/2} ω r, β = 1/(1 + √(1 − |p|²)).
func (fl *flow) noiseFactor(l, r []float64) {
	if fl.kern != nil {
		fl.longRunFactor(l, r)
		return
	}
	p := fl.p
	dh := make([]float64, p)
	pv := make([]float64, p)
	kappa := 0.0
	for q := range p {
		dq := fl.omega[q] * (r[q]*r[q] + fl.sy2)
		if dq > 0 {
			dh[q] = math.Sqrt(dq)
			pv[q] = fl.omega[q] * r[q] / dh[q]
		}
		kappa += pv[q] * pv[q]
	}
	beta := 1 / (1 + math.Sqrt(math.Max(0, 1-kappa)))
	for q := range p {
		for s := range p {
			v := -beta * pv[q] * pv[s]
			if q == s {
				v++
			}
			l[q*p+s] = dh[q] * v
		}
	}
}

// settings are the discretisation parameters of Particles.
type settings struct {
	// step scales the largest step min(1/8, 1/(2α)) of the time grid.
	step float64
	// noiseRank bounds the noise columns: at most noiseRank are kept, and
	// directions whose variance (in the norm Σ_k wc_k |D^k|²) is below
	// noiseTol times the largest are dropped.
	noiseRank int
	noiseTol  float64
	// zEnergy and zMax bound the initial-weight directions: at every node
	// the largest directions of the part of the initial-weight map not yet
	// spanned are added while the remaining part's energy exceeds zEnergy
	// times the whole map's (Σ_q ω_q Var of the initial term), at most zMax
	// in all.
	zEnergy float64
	zMax    int
	// kern is the long-run covariance kernel of a walk on the training grid
	// (P×P, walk.go); nil for i.i.d. samples.
	kern []float64
	// kop applies the kernel of a walk on a large graph (lowrank.go); nil
	// otherwise.
	kop func(dst, src []float64, m int) (float64, error)
	// lowRank forces the reduced path (lowrank.go), which is taken anyway
	// for more than lowRankGrid training points or with kop.
	lowRank bool
	// window is the width N of a finite window (WindowParticles), 0 for
	// the N → ∞ constant; edge the symmetric edge kernel on the training
	// grid (P×P, longrun.TrainingEdgeKernel).
	window int
	edge   []float64
}

// defaults are the settings of Particles. Halving the step, doubling the
// noise rank or dividing zEnergy by 100 changes C(t) by less than 10⁻⁴
// relative on the test problems (TestConvergence).
var defaults = settings{step: 1, noiseRank: 48, noiseTol: 1e-10, zEnergy: 1e-5, zMax: 160}

// inject adds the sampling noise of weight w (the quadrature weight of the
// node times α² ν) at the frame fr to the noise columns of st and
// truncates them (set.noiseRank, set.noiseTol). It returns the variance
// dropped, in the norm Σ_k wc_k |D^k|², and the variance kept.
func (fl *flow) inject(st *state, fr *frame, w float64, set settings) (dropped, kept float64) {
	p, nb, mf := fl.p, fl.blocks(), fl.mf
	kn := st.k - st.m
	n := kn + p
	// y = [old noise columns, √w E L] per block, mf×n
	l := make([]float64, p*p)
	fl.noiseFactor(l, fr.r)
	sw := math.Sqrt(w)
	for i := range l {
		l[i] *= -sw // spread writes −E B
	}
	y := make([][]float64, nb)
	for b := range y {
		y[b] = make([]float64, mf*n)
	}
	tmp := make([][]float64, nb)
	for b := range tmp {
		tmp[b] = make([]float64, mf*p)
	}
	fl.spread(tmp, fr.e, l, p, nil, nil)
	for b := range nb {
		for c := range mf {
			copy(y[b][c*n:c*n+kn], st.x[b][c*st.k+st.m:(c+1)*st.k])
			copy(y[b][c*n+kn:(c+1)*n], tmp[b][c*p:(c+1)*p])
		}
	}
	// Gram (1/M_f) yᵀy, summed over blocks and chunks in order
	gram := fl.wgram(y, n, y, n)
	for i := range n {
		for j := range i {
			v := (gram[i*n+j] + gram[j*n+i]) / 2
			gram[i*n+j], gram[j*n+i] = v, v
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(n, gram), true) {
		return 0, 0 // not expected for a symmetric matrix: no noise added
	}
	vals := eig.Values(nil) // ascending
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := vals[n-1]
	keep := 0
	for i := n - 1; i >= 0 && keep < set.noiseRank; i-- {
		if !(vals[i] > set.noiseTol*top) || vals[i] <= 0 {
			break
		}
		keep++
	}
	for i, v := range vals {
		if i >= n-keep {
			kept += v
		} else if v > 0 {
			dropped += v
		}
	}
	// new noise columns y V_keep (largest first)
	vk := make([]float64, n*keep)
	for i := range n {
		for j := range keep {
			vk[i*keep+j] = vecs.At(i, n-1-j)
		}
	}
	k2 := st.m + keep
	x2 := make([][]float64, nb)
	for b := range nb {
		x2[b] = make([]float64, mf*k2)
		for c := range mf {
			copy(x2[b][c*k2:c*k2+st.m], st.x[b][c*st.k:c*st.k+st.m])
		}
	}
	parallel.For(parallel.Chunks(mf, chunk), func(ch int) {
		lo, hi := parallel.Range(ch, chunk, mf)
		out := make([]float64, (hi-lo)*keep)
		for b := range nb {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gen(hi-lo, n, y[b][lo*n:hi*n]), gen(n, keep, vk), 0, gen(hi-lo, keep, out))
			for c := lo; c < hi; c++ {
				copy(x2[b][c*k2+st.m:(c+1)*k2], out[(c-lo)*keep:(c-lo+1)*keep])
			}
		}
	})
	st.x, st.k = x2, k2
	return dropped, kept
}

// addDirections extends the initial-weight directions st.zb by those of
// the map hp (nz×P) that it does not span yet (set.zEnergy, set.zMax),
// each with a new column D = 0. It returns the energy of the map and of the
// part left out, both as Σ_q ω_q Var.
func (fl *flow) addDirections(st *state, hp []float64, set settings) (total, left float64) {
	if fl.lowRank {
		return fl.addDirectionsLowRank(st, hp, set)
	}
	p, nz := fl.p, fl.nz
	// w = (I − Z Zᵀ) hp Ω^{1/2}, nz×P
	w := make([]float64, nz*p)
	for i := range nz {
		for q := range p {
			w[i*p+q] = hp[i*p+q] * math.Sqrt(fl.omega[q])
			total += w[i*p+q] * w[i*p+q]
		}
	}
	project := func(v []float64, cols int) {
		for _, z := range st.zb {
			for q := range cols {
				s := 0.0
				for i := range nz {
					s += z[i] * v[i*cols+q]
				}
				for i := range nz {
					v[i*cols+q] -= s * z[i]
				}
			}
		}
	}
	project(w, p)
	gram := make([]float64, p*p)
	gm := gen(p, p, gram)
	blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(nz, p, w), gen(nz, p, w), 0, gm)
	for i := range p {
		for j := range i {
			v := (gram[i*p+j] + gram[j*p+i]) / 2
			gram[i*p+j], gram[j*p+i] = v, v
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(p, gram), true) {
		return total, total
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	for _, v := range vals {
		if v > 0 {
			left += v
		}
	}
	added := 0
	for i := p - 1; i >= 0 && left > set.zEnergy*total && len(st.zb) < set.zMax; i-- {
		if !(vals[i] > 1e-14*total) {
			break
		}
		v := make([]float64, nz)
		for j := range nz {
			s := 0.0
			for q := range p {
				s += w[j*p+q] * vecs.At(q, i)
			}
			v[j] = s
		}
		// re-orthogonalise against sz and Z, twice, and normalise
		if !fl.orthoAppend(st, v, 0) {
			break
		}
		left -= vals[i]
		added++
	}
	if added == 0 {
		return total, math.Max(left, 0)
	}
	fl.insertZColumns(st, added)
	return total, math.Max(left, 0)
}

// insertZColumns inserts the columns (D = 0) of the last added directions
// of st.zb after the existing z-columns.
func (fl *flow) insertZColumns(st *state, added int) {
	nb, mf := fl.blocks(), fl.mf
	m2, k2 := st.m+added, st.k+added
	x2 := make([][]float64, nb)
	for b := range nb {
		x2[b] = make([]float64, mf*k2)
		for c := range mf {
			copy(x2[b][c*k2:c*k2+st.m], st.x[b][c*st.k:c*st.k+st.m])
			copy(x2[b][c*k2+m2:(c+1)*k2], st.x[b][c*st.k+st.m:(c+1)*st.k])
		}
	}
	st.x, st.m, st.k = x2, m2, k2
}
