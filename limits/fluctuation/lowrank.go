package fluctuation

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// The reduced path of the flow for a training grid of many points (the
// nodes of a real graph): nothing of size P×P is formed. The sampling
// noise of a step, with covariance w E Γ Eᵀ on the carrier fields (E the
// gradients ∇F on the grid, Γ the covariance of the residual weights), is
// merged with the old noise columns Y by randomised subspace iteration on
// the operator T X = Y (Yᵀ W X) + w E Γ (Eᵀ W X), W the carrier masses,
// started from the old columns and Gaussian ones (a fixed seed) up to
// noiseRank + lowRankOversample: one application, W-orthonormalisation, a second application and
// the Rayleigh–Ritz eigenvectors, of which the noiseRank largest are kept.
// Γ is applied to the P×ℓ block Eᵀ W X only: by the chain's kernel
// operator (kop, the Poisson series on the graph), the dense kernel, or the
// i.i.d. form. The initial-weight directions are found the same way, from
// the nz×P map projected off the directions already spanned. Cost per
// injection O(M_f·P·dim·ℓ) plus ℓ kernel applications; per node
// O(nz·P·(m + ℓ)) for the directions.

// lowRankGrid is the training grid size above which the reduced path is
// used (below it the dense path is exact and cheap).
const lowRankGrid = 512

// lowRankOversample is the number of start columns beyond the noise rank.
const lowRankOversample = 16

// lowRankSketch is the block size of the search for initial-weight
// directions.
const lowRankSketch = 32

// wgram returns Σ_b Σ_c wc_c a_b[c,:]ᵀ x_b[c,:] (ka×kx) for carrier fields a
// (ka columns) and x (kx columns), summed over chunks in order.
func (fl *flow) wgram(a [][]float64, ka int, x [][]float64, kx int) []float64 {
	mf := fl.mf
	nc := parallel.Chunks(mf, chunk)
	part := make([]float64, nc*ka*kx)
	parallel.For(nc, func(ch int) {
		lo, hi := parallel.Range(ch, chunk, mf)
		dst := gen(ka, kx, part[ch*ka*kx:(ch+1)*ka*kx])
		as := make([]float64, (hi-lo)*ka)
		for b := range a {
			for c := lo; c < hi; c++ {
				w := fl.wc[c]
				for j, v := range a[b][c*ka : (c+1)*ka] {
					as[(c-lo)*ka+j] = w * v
				}
			}
			beta := 1.0
			if b == 0 {
				beta = 0
			}
			blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(hi-lo, ka, as), gen(hi-lo, kx, x[b][lo*kx:hi*kx]), beta, dst)
		}
	})
	out := make([]float64, ka*kx)
	for ch := range nc {
		for i, v := range part[ch*ka*kx : (ch+1)*ka*kx] {
			out[i] += v
		}
	}
	return out
}

// mulFields sets dst_b = alpha x_b m + beta dst_b for the carrier fields x
// (kx columns), m (kx×kd) and dst (kd columns).
func (fl *flow) mulFields(dst [][]float64, kd int, alpha float64, x [][]float64, kx int, m []float64, beta float64) {
	mf := fl.mf
	parallel.For(parallel.Chunks(mf, chunk), func(ch int) {
		lo, hi := parallel.Range(ch, chunk, mf)
		for b := range x {
			blas64.Gemm(blas.NoTrans, blas.NoTrans, alpha, gen(hi-lo, kx, x[b][lo*kx:hi*kx]), gen(kx, kd, m), beta, gen(hi-lo, kd, dst[b][lo*kd:hi*kd]))
		}
	})
}

func (fl *flow) newFields(k int) [][]float64 {
	x := make([][]float64, fl.blocks())
	for b := range x {
		x[b] = make([]float64, fl.mf*k)
	}
	return x
}

// gammaApply sets dst = Γ v (P×m) for the covariance Γ of the per-sample
// residual weights at the residual r: diag(r) K diag(r) + s_y² diag(ω)
// along a chain (the kernel operator, or the dense kernel), or
// diag(ω (r² + s_y²)) − (ω r)(ω r)ᵀ for i.i.d. samples.
func (fl *flow) gammaApply(dst, v []float64, m int, r []float64) error {
	p := fl.p
	if fl.kop == nil && fl.kern == nil {
		s := make([]float64, m)
		for q := range p {
			a := fl.omega[q] * r[q]
			for j, x := range v[q*m : (q+1)*m] {
				s[j] += a * x
			}
		}
		for q := range p {
			d, a := fl.omega[q]*(r[q]*r[q]+fl.sy2), fl.omega[q]*r[q]
			for j := range m {
				dst[q*m+j] = d*v[q*m+j] - a*s[j]
			}
		}
		return nil
	}
	rv := make([]float64, p*m)
	for q := range p {
		for j := range m {
			rv[q*m+j] = r[q] * v[q*m+j]
		}
	}
	if fl.kop != nil {
		e, err := fl.kop(dst, rv, m)
		if err != nil {
			return err
		}
		fl.kopErr = math.Max(fl.kopErr, e)
	} else {
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gen(p, p, fl.kern), gen(p, m, rv), 0, gen(p, m, dst))
	}
	for q := range p {
		for j := range m {
			dst[q*m+j] = r[q]*dst[q*m+j] + fl.sy2*fl.omega[q]*v[q*m+j]
		}
	}
	return nil
}

// worth returns x W-orthonormalised (columns of x Y with Y from the
// eigendecomposition of the Gram xᵀ W x, directions below 10⁻¹³ of the
// largest dropped), and its number of columns.
func (fl *flow) worth(x [][]float64, k int) ([][]float64, int) {
	for range 2 {
		g := fl.wgram(x, k, x, k)
		for i := range k {
			for j := range i {
				v := (g[i*k+j] + g[j*k+i]) / 2
				g[i*k+j], g[j*k+i] = v, v
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(mat.NewSymDense(k, g), true) {
			return nil, 0
		}
		vals := eig.Values(nil)
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		top := vals[k-1]
		keep := 0
		for i := k - 1; i >= 0 && vals[i] > 1e-13*top && vals[i] > 0; i-- {
			keep++
		}
		if keep == 0 {
			return nil, 0
		}
		m := make([]float64, k*keep)
		for i := range k {
			for j := range keep {
				m[i*keep+j] = vecs.At(i, k-1-j) / math.Sqrt(vals[k-1-j])
			}
		}
		y := fl.newFields(keep)
		fl.mulFields(y, keep, 1, x, k, m, 0)
		x, k = y, keep
	}
	return x, k
}

// injectLowRank is inject on the reduced path (see the top of this file).
func (fl *flow) injectLowRank(st *state, fr *frame, w float64, set settings) (dropped, kept float64, err error) {
	nb, mf, p := fl.blocks(), fl.mf, fl.p
	kn := st.k - st.m
	old := fl.newFields(kn)
	for b := range nb {
		for c := range mf {
			copy(old[b][c*kn:(c+1)*kn], st.x[b][c*st.k+st.m:(c+1)*st.k])
		}
	}
	nc := parallel.Chunks(mf, chunk)
	// T x = old (oldᵀ W x) + w E Γ Eᵀ W x
	apply := func(x [][]float64, k int) ([][]float64, error) {
		g := make([]float64, p*k)
		fl.readout(g, fr.e, p, x, k, 0, nil, make([]float64, nc*p*k))
		gg := make([]float64, p*k)
		if err := fl.gammaApply(gg, g, k, fr.r); err != nil {
			return nil, err
		}
		for i := range gg {
			gg[i] *= -w // spread writes −E B
		}
		y := fl.newFields(k)
		fl.spread(y, fr.e, gg, k, nil, nil)
		if kn > 0 {
			fl.mulFields(y, k, 1, old, kn, fl.wgram(old, kn, x, k), 1)
		}
		return y, nil
	}
	ell := max(kn, set.noiseRank) + lowRankOversample
	x0 := fl.newFields(ell)
	for b := range nb {
		for c := range mf {
			copy(x0[b][c*ell:c*ell+kn], old[b][c*kn:(c+1)*kn])
		}
	}
	for b := range nb { // Gaussian start columns, drawn in a fixed order
		for c := range mf {
			for j := kn; j < ell; j++ {
				x0[b][c*ell+j] = fl.rng.NormFloat64()
			}
		}
	}
	y, err := apply(x0, ell)
	if err != nil {
		return 0, 0, err
	}
	q, kq := fl.worth(y, ell)
	if kq == 0 {
		return 0, 0, nil
	}
	tq, err := apply(q, kq)
	if err != nil {
		return 0, 0, err
	}
	h := fl.wgram(q, kq, tq, kq)
	for i := range kq {
		for j := range i {
			v := (h[i*kq+j] + h[j*kq+i]) / 2
			h[i*kq+j], h[j*kq+i] = v, v
		}
	}
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(kq, h), true) {
		return 0, 0, nil
	}
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	top := vals[kq-1]
	keep := 0
	for i := kq - 1; i >= 0 && keep < set.noiseRank; i-- {
		if !(vals[i] > set.noiseTol*top) || vals[i] <= 0 {
			break
		}
		keep++
	}
	for i, v := range vals {
		if i >= kq-keep {
			kept += v
		} else if v > 0 {
			dropped += v
		}
	}
	vk := make([]float64, kq*keep)
	for i := range kq {
		for j := range keep {
			vk[i*keep+j] = vecs.At(i, kq-1-j) * math.Sqrt(vals[kq-1-j])
		}
	}
	nx := fl.newFields(keep)
	fl.mulFields(nx, keep, 1, q, kq, vk, 0)
	k2 := st.m + keep
	x2 := fl.newFields(k2)
	for b := range nb {
		for c := range mf {
			copy(x2[b][c*k2:c*k2+st.m], st.x[b][c*st.k:c*st.k+st.m])
			copy(x2[b][c*k2+st.m:(c+1)*k2], nx[b][c*keep:(c+1)*keep])
		}
	}
	st.x, st.k = x2, k2
	return dropped, kept, nil
}

// addDirectionsLowRank is addDirections on the reduced path: the part of
// the map hp Ω^{1/2} (nz×P) not yet spanned is searched for its largest
// directions in blocks of lowRankSketch Gaussian test vectors (one power
// iteration each), until the energy left is below set.zEnergy of the
// total or set.zMax directions are spanned.
func (fl *flow) addDirectionsLowRank(st *state, hp []float64, set settings) (total, left float64) {
	p, nz := fl.p, fl.nz
	a := make([]float64, nz*p)
	for i := range nz {
		for q := range p {
			v := hp[i*p+q] * math.Sqrt(fl.omega[q])
			a[i*p+q] = v
			total += v * v
		}
	}
	// a −= Z (Zᵀ a) for the directions zs (nz×m)
	project := func(zs [][]float64) {
		m := len(zs)
		if m == 0 {
			return
		}
		zm := make([]float64, nz*m)
		for j, z := range zs {
			for i, v := range z {
				zm[i*m+j] = v
			}
		}
		za := make([]float64, m*p)
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(nz, m, zm), gen(nz, p, a), 0, gen(m, p, za))
		blas64.Gemm(blas.NoTrans, blas.NoTrans, -1, gen(nz, m, zm), gen(m, p, za), 1, gen(nz, p, a))
	}
	energy := func() float64 {
		s := 0.0
		for _, v := range a {
			s += v * v
		}
		return s
	}
	project(st.zb)
	left = energy()
	m0 := len(st.zb)
	ell := min(lowRankSketch, nz, p)
	orth := func(y []float64, k int) ([]float64, int) { // Euclidean, nz×k
		var qr mat.QR
		qr.Factorize(mat.NewDense(nz, k, y))
		var qm mat.Dense
		qr.QTo(&qm)
		out := make([]float64, nz*k)
		for i := range nz {
			for j := range k {
				out[i*k+j] = qm.At(i, j)
			}
		}
		return out, k
	}
	for left > set.zEnergy*total && len(st.zb) < set.zMax {
		om := make([]float64, p*ell)
		for i := range om {
			om[i] = fl.rng.NormFloat64()
		}
		y := make([]float64, nz*ell)
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gen(nz, p, a), gen(p, ell, om), 0, gen(nz, ell, y))
		y, _ = orth(y, ell)
		aty := make([]float64, p*ell)
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(nz, p, a), gen(nz, ell, y), 0, gen(p, ell, aty))
		blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, gen(nz, p, a), gen(p, ell, aty), 0, gen(nz, ell, y))
		q, k := orth(y, ell)
		bm := make([]float64, k*p) // qᵀ a
		blas64.Gemm(blas.Trans, blas.NoTrans, 1, gen(nz, k, q), gen(nz, p, a), 0, gen(k, p, bm))
		s := make([]float64, k*k)
		blas64.Gemm(blas.NoTrans, blas.Trans, 1, gen(k, p, bm), gen(k, p, bm), 0, gen(k, k, s))
		for i := range k {
			for j := range i {
				v := (s[i*k+j] + s[j*k+i]) / 2
				s[i*k+j], s[j*k+i] = v, v
			}
		}
		var eig mat.EigenSym
		if !eig.Factorize(mat.NewSymDense(k, s), true) {
			break
		}
		vals := eig.Values(nil)
		var vecs mat.Dense
		eig.VectorsTo(&vecs)
		var fresh [][]float64
		est := left
		for i := k - 1; i >= 0 && est > set.zEnergy*total && len(st.zb) < set.zMax; i-- {
			if !(vals[i] > 1e-14*total) {
				break
			}
			v := make([]float64, nz)
			for j := range nz {
				s := 0.0
				for l := range k {
					s += q[j*k+l] * vecs.At(l, i)
				}
				v[j] = s
			}
			if !fl.orthoAppend(st, v, 1e-20) {
				break
			}
			fresh = append(fresh, v)
			est -= vals[i]
		}
		if len(fresh) == 0 {
			break
		}
		project(fresh)
		left = energy()
	}
	if added := len(st.zb) - m0; added > 0 {
		fl.insertZColumns(st, added)
	}
	return total, math.Max(left, 0)
}

// orthoAppend orthogonalises v against sz and the directions of st (twice),
// normalises it and appends it to st.zb; false if its squared norm is left
// at or below floor.
func (fl *flow) orthoAppend(st *state, v []float64, floor float64) bool {
	for range 2 {
		s := 0.0
		for j, x := range v {
			s += fl.sz[j] * x
		}
		for j := range v {
			v[j] -= s * fl.sz[j]
		}
		for _, z := range st.zb {
			s := 0.0
			for j := range v {
				s += z[j] * v[j]
			}
			for j := range v {
				v[j] -= s * z[j]
			}
		}
	}
	norm := 0.0
	for _, x := range v {
		norm += x * x
	}
	if !(norm > floor) {
		return false
	}
	norm = 1 / math.Sqrt(norm)
	for j := range v {
		v[j] *= norm
	}
	st.zb = append(st.zb, v)
	return true
}

// newRand is the generator of the reduced path's test vectors (a fixed
// seed: the same bits on every run).
func newRand() *rand.Rand { return rand.New(rand.NewPCG(0x5eed, 0xf1c)) }
