package shallow

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Variant selects where σ sits relative to the aggregation.
type Variant int

const (
	// ModelA aggregates then activates (docs/mathematics.md §3):
	// ŷ_i = N^{−γ} Σ_k c^k σ(a^k·φ_i), φ_i = (x_i, m_i).
	ModelA Variant = iota
	// ModelB activates then aggregates (Aminian et al. 2024):
	// ŷ_i = N^{−γ} Σ_k c^k Σ_j ω_ij σ(a^k·φ_j), φ_j = (x_j, m_j), with
	// ω_ij = A_ij/(nρ) for the graphon aggregation.
	ModelB
)

// String returns "A" or "B".
func (v Variant) String() string {
	switch v {
	case ModelA:
		return "A"
	case ModelB:
		return "B"
	}
	return fmt.Sprintf("Variant(%d)", int(v))
}

// ParseVariant accepts "A"/"a" (aggregate then activate) and "B"/"b"
// (activate then aggregate); anything else wraps graphs.ErrParameter.
func ParseVariant(name string) (Variant, error) {
	switch name {
	case "A", "a":
		return ModelA, nil
	case "B", "b":
		return ModelB, nil
	}
	return 0, fmt.Errorf("shallow: ParseVariant: name=%q not A or B: %w", name, graphs.ErrParameter)
}

// ModelConfig describes a network and its initialisation μ_0.
type ModelConfig struct {
	Width      int             // N ≥ 1 hidden units
	Dim        int             // d ≥ 1 node features; φ = (x, m) has 2d entries
	Gamma      float64         // γ ∈ [½, 1]: output scale N^{−γ}
	Activation activation.Kind // σ: Identity, Tanh, ReLU, Sigmoid or Erf
	Variant    Variant         // ModelA or ModelB
	Sc         float64         // c ~ N(0, Sc²)
	Sw         float64         // each entry of a = (w, v) ~ N(0, Sw²/d)
	Symmetric  bool            // units in pairs (c, a), (−c, a): g_0 ≡ 0; Width must be even
	Seed       uint64          // μ_0 is drawn from rand.NewPCG(Seed, 0)
}

// MaxScale bounds the scales of a configuration (sc, sw, alpha): larger
// values are meaningless and overflow the arithmetic.
const MaxScale = 1e6

// maxParams bounds N·2d (8 bytes each): 2^32 values is 32 GiB.
const maxParams = 1 << 32

// modelBytes estimates the memory of a model of width N and dimension d in
// training: its N(1+2d) parameters three times (values, gradient, scratch).
func modelBytes(width, dim int) float64 {
	return 24 * float64(width) * (1 + 2*float64(dim))
}

func (c *ModelConfig) check(fn string) error {
	switch {
	case c.Width < 1:
		return fmt.Errorf("shallow: %s: width=%d < 1: %w", fn, c.Width, graphs.ErrParameter)
	case c.Dim < 1:
		return fmt.Errorf("shallow: %s: dim=%d < 1: %w", fn, c.Dim, graphs.ErrParameter)
	case c.Dim > maxParams/2 || c.Width > maxParams/(2*c.Dim):
		return fmt.Errorf("shallow: %s: width=%d × 2·dim=%d parameters exceed %d: %w", fn, c.Width, 2*c.Dim, maxParams, graphs.ErrTooLarge)
	case !(c.Gamma >= 0.5 && c.Gamma <= 1):
		return fmt.Errorf("shallow: %s: gamma=%v not in [0.5,1]: %w", fn, c.Gamma, graphs.ErrParameter)
	case !validActivation(c.Activation):
		return fmt.Errorf("shallow: %s: activation=%v: %w", fn, c.Activation, graphs.ErrParameter)
	case c.Variant != ModelA && c.Variant != ModelB:
		return fmt.Errorf("shallow: %s: variant=%v: %w", fn, c.Variant, graphs.ErrParameter)
	case !(c.Sc >= 0 && c.Sc <= MaxScale):
		return fmt.Errorf("shallow: %s: sc=%v not in [0, %g]: %w", fn, c.Sc, MaxScale, graphs.ErrParameter)
	case !(c.Sw >= 0 && c.Sw <= MaxScale):
		return fmt.Errorf("shallow: %s: sw=%v not in [0, %g]: %w", fn, c.Sw, MaxScale, graphs.ErrParameter)
	case memlimit.Check(modelBytes(c.Width, c.Dim)) != nil:
		return fmt.Errorf("shallow: %s: width=%d, dim=%d: %v: %w", fn, c.Width, c.Dim, memlimit.Check(modelBytes(c.Width, c.Dim)), graphs.ErrTooLarge)
	case c.Symmetric && c.Width%2 != 0:
		return fmt.Errorf("shallow: %s: symmetric needs an even width, got %d: %w", fn, c.Width, graphs.ErrParameter)
	}
	return nil
}

// Model is the one-hidden-layer network of docs/mathematics.md §3 with its
// parameters stored flat: C[k] = c^k and A[k*2d:(k+1)*2d] = a^k = (w^k, v^k).
// F(θ; φ) = c σ(a·φ), ŷ = N^{−γ} Σ_k F(θ^k; ·). A Model keeps scratch space
// for its methods, so one Model must not be used by several goroutines at
// once; the methods themselves run on all cores.
type Model struct {
	N       int // width
	D       int // d
	Gamma   float64
	Act     activation.Kind
	Variant Variant
	C       []float64 // N
	A       []float64 // N×2d

	ws workspace
}

type workspace struct {
	owner []int32   // entry → sample
	ones  []float64 // weights of model A entries
	part  []float64 // chunks×B partial outputs
	out   []float64 // B outputs
	coef  []float64 // entries: r_b ω_e
	sig   []float64 // N×entries: σ(a^k·φ_e) from the last forward pass, when small enough
	ga    []float64 // chunks×2d
}

// NewModel draws θ^1..θ^N from μ_0 (see ModelConfig) on the stream
// rand.New(rand.NewPCG(cfg.Seed, 0)): unit k (pair k when Symmetric) takes
// the k-th group of 1+2d normal draws, c first, then a. A model of width N is
// therefore the first N units of the model of width 2N with the same seed
// (coupling, docs/mathematics.md §5.1). Cost O(N·d), serial. Errors wrap
// graphs.ErrParameter or graphs.ErrTooLarge and name the field.
func NewModel(cfg ModelConfig) (*Model, error) {
	if err := cfg.check("NewModel"); err != nil {
		return nil, err
	}
	p := 2 * cfg.Dim
	m := &Model{N: cfg.Width, D: cfg.Dim, Gamma: cfg.Gamma, Act: cfg.Activation, Variant: cfg.Variant,
		C: make([]float64, cfg.Width), A: make([]float64, cfg.Width*p)}
	rng := rand.New(rand.NewPCG(cfg.Seed, 0))
	sa := cfg.Sw / math.Sqrt(float64(cfg.Dim))
	step := 1
	if cfg.Symmetric {
		step = 2
	}
	for k := 0; k < cfg.Width; k += step {
		m.C[k] = cfg.Sc * rng.NormFloat64()
		ak := m.A[k*p : (k+1)*p]
		for j := range ak {
			ak[j] = sa * rng.NormFloat64()
		}
		if cfg.Symmetric {
			m.C[k+1] = -m.C[k]
			copy(m.A[(k+1)*p:(k+2)*p], ak)
		}
	}
	return m, nil
}

// Clone returns a deep copy of m (without its scratch space).
func (m *Model) Clone() *Model {
	return &Model{N: m.N, D: m.D, Gamma: m.Gamma, Act: m.Act, Variant: m.Variant,
		C: append([]float64(nil), m.C...), A: append([]float64(nil), m.A...)}
}

// unitChunk is the number of units per parallel chunk: fixed, so the bits do
// not depend on GOMAXPROCS.
const unitChunk = 64

// Particles returns θ as a new flat N×(1+2d) slice with rows (c^k, a^k), the
// particle layout of limits/meanfield (EmpiricalMoments, the particle
// solver). Cost O(N·d).
func (m *Model) Particles() []float64 {
	p := 2 * m.D
	out := make([]float64, m.N*(1+p))
	for k := range m.N {
		out[k*(1+p)] = m.C[k]
		copy(out[k*(1+p)+1:(k+1)*(1+p)], m.A[k*p:(k+1)*p])
	}
	return out
}

// view is a batch as entries: entry e has input φ_e, weight w_e and belongs to
// sample owner[e]. Model A: one entry per sample with weight 1.
type view struct {
	nb    int
	phi   []float64
	w     []float64
	owner []int32
}

func grow[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, n)
	}
	return s[:n]
}

func (m *Model) view(b *Samples, nb int) view {
	ws := &m.ws
	if m.Variant == ModelA {
		if len(ws.ones) < nb {
			ws.ones = make([]float64, nb)
			ws.owner = make([]int32, nb)
			for i := range ws.ones {
				ws.ones[i] = 1
				ws.owner[i] = int32(i)
			}
		}
		return view{nb: nb, phi: b.Phi, w: ws.ones[:nb], owner: ws.owner[:nb]}
	}
	ne := len(b.Weight)
	ws.owner = grow(ws.owner, ne)
	ws.ones = ws.ones[:0] // model A's table is rebuilt if needed
	e := 0
	for i, end := range b.End {
		for ; e < end; e++ {
			ws.owner[e] = int32(i)
		}
	}
	return view{nb: nb, phi: b.NbrPhi, w: b.Weight, owner: ws.owner[:ne]}
}

// cacheLimit bounds the σ cache (N × entries values, 32 MiB): above it the
// backward pass recomputes σ. Both paths give the same bits.
const cacheLimit = 1 << 22

// forward writes ŷ_b into out (len nb). If sig is not nil (len N·entries) it
// also stores σ(a^k·φ_e) for backward: chunk c (units lo..hi−1) keeps entry
// e's values at sig[lo·E + e·(hi−lo) + (k−lo)].
//
// Each chunk walks the entries in order and evaluates its units as one
// vector: h_e = Σ_{k in chunk} c^k σ(a^k·φ_e), added into its own partial
// output ω_e h_e; the chunks' partials are summed in chunk order.
func (m *Model) forward(out []float64, v view, sig []float64) {
	p := 2 * m.D
	nb, ne := v.nb, len(v.w)
	chunks := parallel.Chunks(m.N, unitChunk)
	m.ws.part = grow(m.ws.part, chunks*nb)
	part := m.ws.part
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, unitChunk, m.N)
		nu := hi - lo
		pc := part[c*nb : (c+1)*nb]
		clear(pc)
		var zb [unitChunk]float64
		z := zb[:nu]
		cs := m.C[lo:hi]
		as := m.A[lo*p : hi*p]
		for e := range ne {
			phi := v.phi[e*p : (e+1)*p]
			for i := range z {
				z[i] = dot(as[i*p:(i+1)*p], phi)
			}
			apply(m.Act, z)
			if sig != nil {
				copy(sig[lo*ne+e*nu:], z)
			}
			h := 0.0
			for i, s := range z {
				h += cs[i] * s
			}
			pc[v.owner[e]] += v.w[e] * h
		}
	})
	scale := math.Pow(float64(m.N), -m.Gamma)
	for b := range out[:nb] {
		s := 0.0
		for c := range chunks {
			s += part[c*nb+b]
		}
		out[b] = scale * s
	}
}

// backward calls fn(k, gc, ga) for every unit k, from the chunk that owns
// it, with gc = Σ_e coef_e σ(a^k·φ_e) and ga = Σ_e coef_e σ'(a^k·φ_e) φ_e,
// both summed over e in order (ga is scratch, valid during the call); fn
// may write unit k only, and is called after the whole chunk is summed. sig,
// if not nil, holds σ from forward; σ' is then derived from it (erf: from a
// recomputed pre-activation), with the same bits as recomputing.
func (m *Model) backward(v view, coef, sig []float64, fn func(k int, gc float64, ga []float64)) {
	p := 2 * m.D
	ne := len(v.w)
	chunks := parallel.Chunks(m.N, unitChunk)
	m.ws.ga = grow(m.ws.ga, chunks*unitChunk*p)
	gaAll := m.ws.ga
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, unitChunk, m.N)
		nu := hi - lo
		ga := gaAll[c*unitChunk*p : c*unitChunk*p+nu*p]
		clear(ga)
		var gcb, zb, db [unitChunk]float64
		gc, z, ds := gcb[:nu], zb[:nu], db[:nu]
		as := m.A[lo*p : hi*p]
		for e := range ne {
			phi := v.phi[e*p : (e+1)*p]
			if sig == nil || m.Act == activation.Erf {
				for i := range z {
					z[i] = dot(as[i*p:(i+1)*p], phi)
				}
			}
			s := z
			if sig == nil {
				applyDeriv(m.Act, z, ds)
			} else {
				s = sig[lo*ne+e*nu : lo*ne+(e+1)*nu]
				derivFromValue(m.Act, s, z, ds)
			}
			ce := coef[e]
			for i, si := range s {
				gc[i] += ce * si
				g := ce * ds[i]
				gi := ga[i*p : (i+1)*p]
				for j, x := range phi {
					gi[j] += g * x
				}
			}
		}
		for i := range nu {
			fn(lo+i, gc[i], ga[i*p:(i+1)*p])
		}
	})
}

func dot(a, b []float64) float64 {
	b = b[:len(a)]
	s := 0.0
	for i, x := range a {
		s += x * b[i]
	}
	return s
}

// residuals runs the forward pass on v, stores coef_e = (y_b − ŷ_b) ω_e in
// the workspace and returns the loss ½(1/B) Σ_b (y_b − ŷ_b)².
func (m *Model) residuals(v view, y []float64) float64 {
	m.ws.out = grow(m.ws.out, v.nb)
	out := m.ws.out
	m.ws.sig = m.ws.sig[:0]
	if ne := len(v.w); ne <= cacheLimit/m.N {
		m.ws.sig = grow(m.ws.sig, m.N*ne)
	}
	var sig []float64
	if len(m.ws.sig) > 0 {
		sig = m.ws.sig
	}
	m.forward(out, v, sig)
	loss := 0.0
	for b := range out {
		r := y[b] - out[b]
		out[b] = r
		loss += r * r
	}
	m.ws.coef = grow(m.ws.coef, len(v.w))
	for e, w := range v.w {
		m.ws.coef[e] = out[v.owner[e]] * w
	}
	return loss / (2 * float64(v.nb))
}

// Predict writes ŷ_b for every sample of b into dst (len B). Cost
// O(N·entries·d) (entries = B for model A), parallel over fixed unit chunks;
// b and dst are not kept. Errors wrap graphs.ErrShape when b does not match
// the model (Dim, Phi for model A, End/Weight/NbrPhi for model B) or
// len(dst) ≠ B.
func (m *Model) Predict(dst []float64, b *Samples) error {
	nb, err := b.check("Predict", m.D, m.Variant)
	if err != nil {
		return err
	}
	if len(dst) != nb {
		return fmt.Errorf("shallow: Predict: len(dst)=%d, want B=%d: %w", len(dst), nb, graphs.ErrShape)
	}
	m.forward(dst, m.view(b, nb), nil)
	return nil
}

// LossGrad returns the batch loss ℓ = ½(1/B) Σ_b (y_b − ŷ_b)² and writes its
// gradient: gc[k] = ∂ℓ/∂c^k (len N) and ga[k*2d+j] = ∂ℓ/∂a^k_j (len N·2d).
// Cost two passes of Predict. Errors: as Predict, plus len(b.Y) = 0 and
// wrong gc, ga lengths (graphs.ErrShape).
func (m *Model) LossGrad(gc, ga []float64, b *Samples) (float64, error) {
	nb, err := b.check("LossGrad", m.D, m.Variant)
	if err != nil {
		return 0, err
	}
	p := 2 * m.D
	if nb == 0 || len(b.Y) != nb || len(gc) != m.N || len(ga) != m.N*p {
		return 0, fmt.Errorf("shallow: LossGrad: B=%d, len(Y)=%d, len(gc)=%d, len(ga)=%d, want B ≥ 1, N=%d, N·2d=%d: %w",
			nb, len(b.Y), len(gc), len(ga), m.N, m.N*p, graphs.ErrShape)
	}
	v := m.view(b, nb)
	loss := m.residuals(v, b.Y)
	s := -math.Pow(float64(m.N), -m.Gamma) / float64(nb)
	m.backward(v, m.ws.coef, m.sigCache(), func(k int, g float64, gak []float64) {
		gc[k] = s * g
		sc := s * m.C[k]
		for j, x := range gak {
			ga[k*p+j] = sc * x
		}
	})
	return loss, nil
}

// Step takes one SGD step on the batch b (docs/mathematics.md §3.3):
//
//	θ^k ← θ^k + (α / N^{2−γ}) (1/B) Σ_b (y_b − ŷ_b) ∇_θ F(θ^k; φ_b),
//
// all units at once from the same ŷ (c^k's old value enters a^k's update),
// which is gradient descent with η = α N^{2γ−2} on ℓ = ½(1/B)Σ(y − ŷ)². It
// returns ℓ before the step. Cost as LossGrad, no allocation after the first
// call with a batch of this size. Errors: as LossGrad, or alpha not finite.
func (m *Model) Step(b *Samples, alpha float64) (float64, error) {
	nb, err := b.check("Step", m.D, m.Variant)
	if err != nil {
		return 0, err
	}
	if nb == 0 || len(b.Y) != nb {
		return 0, fmt.Errorf("shallow: Step: B=%d, len(Y)=%d, want B ≥ 1 targets: %w", nb, len(b.Y), graphs.ErrShape)
	}
	if math.IsNaN(alpha) || math.IsInf(alpha, 0) {
		return 0, fmt.Errorf("shallow: Step: alpha=%v not finite: %w", alpha, graphs.ErrParameter)
	}
	v := m.view(b, nb)
	loss := m.residuals(v, b.Y)
	m.update(v, alpha)
	return loss, nil
}

// MeanFieldRate returns η = α N^{2γ−2}, the learning rate of plain SGD on
// ℓ = ½(1/B)Σ(y − ŷ)² that is Model.Step with α: every unit moves by
// α/N^{2−γ} per step (docs/mathematics.md §3.3). η = α for γ = 1 (mean
// field), η = α/N for γ = ½ (kernel scaling).
func MeanFieldRate(alpha, gamma float64, N int) float64 {
	return alpha * math.Pow(float64(N), 2*gamma-2)
}

// sigCache returns the σ cache of the last residuals call, or nil.
func (m *Model) sigCache() []float64 {
	if len(m.ws.sig) == 0 {
		return nil
	}
	return m.ws.sig
}

// update applies the SGD step from the residual coefficients in the workspace.
func (m *Model) update(v view, alpha float64) {
	p := 2 * m.D
	lr := alpha * math.Pow(float64(m.N), m.Gamma-2) / float64(v.nb)
	m.backward(v, m.ws.coef, m.sigCache(), func(k int, g float64, gak []float64) {
		ck := m.C[k]
		m.C[k] = ck + lr*g
		s := lr * ck
		ak := m.A[k*p : (k+1)*p]
		for j, x := range gak {
			ak[j] += s * x
		}
	})
}

// Moments are moments of the distribution μ of the units θ = (c, a): the
// empirical measure of a network's N units, E_N[f] = (1/N) Σ_k f(θ^k)
// (Model.Moments), or the mean-field limit μ_t (limits/meanfield). In
// docs/mathematics.md §4.2's symbols, MeanCA is b = E[c a], MeanAA is Q = E[a aᵀ] and
// MeanC2 is q = E[c²], the state of the moment ODE of linear σ; with σ the
// identity the network is ŷ = N^{1−γ} b·φ.
type Moments struct {
	MeanC  float64   `json:"mean_c"`  // E[c]
	MeanC2 float64   `json:"mean_c2"` // q = E[c²]
	MeanCA []float64 `json:"mean_ca"` // b = E[c a], dim = 2d
	MeanAA []float64 `json:"mean_aa"` // Q = E[a aᵀ], dim×dim row-major
}

// Dim returns dim = len(MeanCA), the length 2d of a.
func (mo Moments) Dim() int { return len(mo.MeanCA) }

// Output returns g(φ) = b·φ, the output of a network with linear σ in the
// mean-field scaling (N^{γ−1} times its output otherwise). len(phi) must
// be Dim() (a mismatch panics: the caller controls the shape). Cost O(dim).
func (mo Moments) Output(phi []float64) float64 {
	if len(phi) != len(mo.MeanCA) {
		panic(fmt.Sprintf("shallow: Moments.Output: len(phi)=%d != dim=%d", len(phi), len(mo.MeanCA)))
	}
	var s float64
	for i, b := range mo.MeanCA {
		s += b * phi[i]
	}
	return s
}

// Moments computes the unit moments in fixed chunks summed in chunk order.
// Cost O(N·d²); allocates the result.
func (m *Model) Moments() Moments {
	p := 2 * m.D
	w := 2 + p + p*p
	chunks := parallel.Chunks(m.N, unitChunk)
	part := make([]float64, chunks*w)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, unitChunk, m.N)
		s := part[c*w : (c+1)*w]
		ca, aa := s[2:2+p], s[2+p:]
		for k := lo; k < hi; k++ {
			ck := m.C[k]
			ak := m.A[k*p : (k+1)*p]
			s[0] += ck
			s[1] += ck * ck
			for i, x := range ak {
				ca[i] += ck * x
				row := aa[i*p : (i+1)*p]
				for j, y := range ak {
					row[j] += x * y
				}
			}
		}
	})
	tot := make([]float64, w)
	for c := range chunks {
		for i, x := range part[c*w : (c+1)*w] {
			tot[i] += x
		}
	}
	inv := 1 / float64(m.N)
	for i := range tot {
		tot[i] *= inv
	}
	return Moments{MeanC: tot[0], MeanC2: tot[1], MeanCA: tot[2 : 2+p : 2+p], MeanAA: tot[2+p:]}
}
