package generators

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync/atomic"

	"github.com/gnnwb/gnnwb/graphs"
)

// egoCells is the number of equal envelope cells the ego sampler uses for
// continuous graphons: the acceptance rate of thinning is then about
// 1 − O(1/egoCells) for Lipschitz W.
const egoCells = 32

// Ego is the ego sampler of docs/mathematics.md §3: an exact draw, under
// G(n, W, ρ), of one node's latent u ~ U[0,1], its number of neighbours
// K ~ Binomial(n−1, ρ·d_W(u)), and the K neighbours' latents, i.i.d. with
// density W(u,·)/d_W(u), without building the graph.
//
// Each of the n−1 other nodes is a candidate independently with
// probability ρ·∫W̄(u,v)dv, where W̄ ≥ W is the graphon's block-constant
// envelope (the SBM's own blocks, 32 equal cells for the continuous
// graphons, W̄ = 1 for a GraphonFunc); a candidate's latent v has density
// ∝ W̄(u,v) (a cell by its mass, then uniform in it) and is kept with
// probability W(u,v)/W̄(u,v). Per other node this gives "neighbour with
// latent in dv" with probability ρ·W(u,v)dv, which is the law above. For
// Constant and the SBM graphon W̄ = W and nothing is thinned. Cost per Draw:
// O(1 + n·ρ·∫W̄(u,·)) expected, i.e. O(nρ), with no allocation when dst has
// room.
//
// An Ego is immutable after NewEgo and safe for concurrent use, each
// goroutine with its own rng.
type Ego struct {
	n      int
	rho    float64
	w      Graphon
	breaks []float64 // cells 0 = b_0 < … < b_K = 1
	k      int
	wbar   []float64 // K×K envelope
	cum    []float64 // K×K: cum[a·K+b] = Σ_{c≤b} (b_{c+1}−b_c)·W̄_ac
	mass   []float64 // K: ρ·cum[a·K+K−1], the candidate probability
	thin   bool
	err    atomic.Pointer[error]
}

// NewEgo prepares the ego sampler for G(n, W, ρ). The Graphon is kept
// (graphons are immutable). For a GraphonFunc, W is checked on the 256×256
// quadrature grid first (computing t(K2,W)).
//
// Errors (ErrParameter): n < 1, ρ outside [0,1] or NaN, the zero Graphon, a
// GraphonFunc value outside [0,1] on the grid; n > graphs.MaxNodes
// (ErrTooLarge).
func NewEgo(n int, w Graphon, rho float64) (*Ego, error) {
	const fn = "NewEgo"
	if n < 1 {
		return nil, fmt.Errorf("generators: %s: n=%d, need at least one node: %w", fn, n, graphs.ErrParameter)
	}
	if n > graphs.MaxNodes {
		return nil, fmt.Errorf("generators: %s: n=%d exceeds graphs.MaxNodes=%d: %w", fn, n, graphs.MaxNodes, graphs.ErrTooLarge)
	}
	if err := checkProb(fn, "rho", rho); err != nil {
		return nil, err
	}
	if err := w.valid(fn); err != nil {
		return nil, err
	}
	if _, err := w.EdgeDensity(); err != nil {
		return nil, err
	}
	e := &Ego{n: n, rho: rho, w: w, breaks: w.cells(egoCells)}
	e.k = len(e.breaks) - 1
	e.wbar = w.envelope(e.breaks)
	e.thin = w.d.kind != kindSBM && w.d.kind != kindConstant
	k := e.k
	e.cum = make([]float64, k*k)
	e.mass = make([]float64, k)
	for a := range k {
		s := 0.0
		for b := range k {
			s += (e.breaks[b+1] - e.breaks[b]) * e.wbar[a*k+b]
			e.cum[a*k+b] = s
		}
		e.mass[a] = math.Min(1, rho*s)
	}
	return e, nil
}

// N returns the number of nodes n of the model.
func (e *Ego) N() int { return e.n }

// Rho returns ρ.
func (e *Ego) Rho() float64 { return e.rho }

// Graphon returns W.
func (e *Ego) Graphon() Graphon { return e.w }

// Err returns the first error met by Draw: a GraphonFunc value outside
// [0,1] that the grid check of NewEgo missed (ErrParameter, naming u, v and
// the value); nil otherwise. It is sticky and safe for concurrent use.
func (e *Ego) Err() error {
	if p := e.err.Load(); p != nil {
		return *p
	}
	return nil
}

// Draw samples one node: its latent u and its neighbours' latents, appended
// to dst[:0] (dst may be nil; it is reused when its capacity allows). Then
// len(neighbours) ~ Binomial(n−1, ρ·d_W(u)), and the aggregated feature of
// docs/mathematics.md §3 is m = (1/(nρ)) Σ_{v in neighbours} X(v). Draws are
// i.i.d. across calls. rng must not be nil. If a GraphonFunc returns a value
// outside [0,1], Draw records the error (see Err) and returns the
// neighbours found so far.
func (e *Ego) Draw(rng *rand.Rand, dst []float64) (u float64, neighbours []float64) {
	u = rng.Float64()
	return u, e.DrawAt(rng, u, dst)
}

// DrawAt samples the neighbours of a node whose latent u is given (not
// drawn): their latents are appended to dst[:0] and returned, with the law
// of Draw's neighbours given u. Draw is u = rng.Float64() followed by
// DrawAt; samplers that must draw a batch of latents first (the coupling of
// docs/mathematics.md §5) call DrawAt afterwards. Cost O(1 + nρ) expected.
// u must lie in [0,1] (it is not checked: a value outside is treated as
// the nearest end's cell); rng must not be nil. Errors as Draw (see Err).
func (e *Ego) DrawAt(rng *rand.Rand, u float64, dst []float64) []float64 {
	out := dst[:0]
	k := e.k
	a := sort.Search(k-1, func(a int) bool { return e.breaks[a+1] > u })
	cand := binomial(rng, e.n-1, e.mass[a])
	if cand == 0 {
		return out
	}
	cum := e.cum[a*k : a*k+k]
	total := cum[k-1]
	f := e.w.d.f
	for range cand {
		r := rng.Float64() * total
		b := 0
		if k > 1 {
			b = sort.Search(k-1, func(b int) bool { return cum[b] > r })
		}
		lo := e.breaks[b]
		v := lo + (e.breaks[b+1]-lo)*rng.Float64()
		if e.thin {
			x := f(u, v)
			if e.w.d.checkW && !(x >= 0 && x <= 1) {
				err := e.w.badValue("Ego.Draw", u, v, x)
				e.err.CompareAndSwap(nil, &err)
				return out
			}
			if wb := e.wbar[a*k+b]; x < wb && !(rng.Float64()*wb < x) {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

// binomial returns a Binomial(n, p) draw, exactly: the number of successes
// in n Bernoulli(p) trials, found by geometric jumps between successes
// (⌊E/λ⌋ failures, E ~ Exp(1), λ = −log(1−p)), using 1−p when p > ½. Cost
// O(1 + n·min(p, 1−p)).
func binomial(rng *rand.Rand, n int, p float64) int {
	switch {
	case n <= 0 || p <= 0:
		return 0
	case p >= 1:
		return n
	case p > 0.5:
		return n - binomial(rng, n, 1-p)
	}
	inv := 1 / -math.Log1p(-p)
	k, pos := 0, -1 // successes so far; trial of the last success
	for {
		x := rng.ExpFloat64() * inv
		if !(x < float64(n-1-pos)) {
			return k
		}
		pos += 1 + int(x)
		k++
	}
}
