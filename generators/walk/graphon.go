package walk

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/graphs"
)

// Features attaches a sample to each latent a walk on the graphon visits:
// SampleAt fills phi[b*2d:(b+1)*2d] and y[b] for the latent u[b], drawing
// what it needs from rng. generators.EgoSampler is one (an exact ego sample
// of G(n, W, ρ) at u).
type Features interface {
	Dim() int
	SampleAt(rng *rand.Rand, u, phi, y []float64) error
}

// Graphon is the walk on a graphon W, the Markov chain
// u_{k+1} ~ W(u_k, ·)/d_W(u_k) (with the hold and restart of Options),
// with the features of each visited latent drawn by a Features source. It
// is the n → ∞ version of a walk on G(n, W, ρ): given the current node's
// latent u, a uniform neighbour's latent has density W(u,·)/d_W(u). Its
// stationary law without restart is d_W(u)/t(K2, W), from which it starts
// (unless Options.Uniform) by rejection: (u, v) uniform, kept with
// probability W(u, v). It satisfies gnn/shallow's StatefulSampler; it is
// not safe for concurrent use.
type Graphon struct {
	w    generators.Graphon
	wf   func(u, v float64) float64
	ego  *generators.Ego
	f    Features
	opt  Options
	pos  position
	err  error
	last []float64 // the latents of the last batch
}

// NewGraphon prepares the walk on W with the features f. Errors: those of
// Options.Validate and generators.NewEgo, a nil f (graphs.ErrParameter).
func NewGraphon(w generators.Graphon, f Features, opt Options) (*Graphon, error) {
	if err := opt.Validate(); err != nil {
		return nil, fmt.Errorf("walk: NewGraphon: %w", err)
	}
	if f == nil || f.Dim() < 1 {
		return nil, fmt.Errorf("walk: NewGraphon: no features: %w", graphs.ErrParameter)
	}
	ego, err := generators.NewEgo(1, w, 1)
	if err != nil {
		return nil, fmt.Errorf("walk: NewGraphon: %w", err)
	}
	return &Graphon{w: w, wf: w.Func(), ego: ego, f: f, opt: opt}, nil
}

// Dim returns d.
func (w *Graphon) Dim() int { return w.f.Dim() }

// Options returns the walk's options.
func (w *Graphon) Options() Options { return w.opt }

// Position returns the current latent and whether the walk has started.
func (w *Graphon) Position() (u float64, started bool) {
	return math.Float64frombits(w.pos.at), w.pos.started
}

// Latents returns the latents of the last batch (the sampler's own slice).
func (w *Graphon) Latents() []float64 { return w.last }

// Reset puts the walk back before its start.
func (w *Graphon) Reset() { w.pos = position{} }

const kindGraphon = 2

// AppendState appends the walk's position (shallow.StatefulSampler).
func (w *Graphon) AppendState(dst []byte) []byte { return w.pos.appendState(dst, kindGraphon) }

// SetState restores a position AppendState encoded. Errors
// (graphs.ErrFormat): not a state of a graphon walk, a latent outside [0,1].
func (w *Graphon) SetState(b []byte) error {
	p, err := readState("Graphon.SetState", b, kindGraphon)
	if err != nil {
		return err
	}
	if u := math.Float64frombits(p.at); !(u >= 0 && u <= 1) {
		return fmt.Errorf("walk: Graphon.SetState: latent %v not in [0,1]: %w", u, graphs.ErrFormat)
	}
	w.pos = p
	return nil
}

func (w *Graphon) step(rng *rand.Rand, u float64, opt Options) float64 {
	if opt.Restart > 0 && rng.Float64() < opt.Restart {
		return rng.Float64()
	}
	if opt.Hold > 0 && rng.Float64() < opt.Hold {
		return u
	}
	v, err := w.ego.Neighbour(rng, u)
	if err != nil {
		if w.err == nil {
			w.err = err
		}
		return u
	}
	return v
}

// maxStartTries bounds the rejection draws of the stationary start.
const maxStartTries = 1 << 24

func (w *Graphon) start(rng *rand.Rand) float64 {
	var u float64
	switch {
	case w.opt.Uniform:
		u = rng.Float64()
	case w.opt.Restart == 0:
		ok := false
		for range maxStartTries {
			u = rng.Float64()
			v := rng.Float64()
			if rng.Float64() < w.wf(u, v) {
				ok = true
				break
			}
		}
		if !ok && w.err == nil {
			w.err = fmt.Errorf("walk: Graphon: no stationary start accepted in %d tries (t(K2,W) ≈ 0): %w", maxStartTries, graphs.ErrParameter)
		}
	default:
		u = rng.Float64()
		lazy := w.opt
		lazy.Restart = 0
		for range geometric(rng, w.opt.Restart) {
			u = w.step(rng, u, lazy)
		}
	}
	for range w.opt.BurnIn {
		u = w.step(rng, u, w.opt)
	}
	return u
}

// Walk advances the walk by len(dst) samples and writes the visited latents
// into dst (the first sample of a walk not yet started is its start after
// the burn-in, each further one Thin steps after the previous). Errors:
// a latent of degree 0, a GraphonFunc value outside [0,1].
func (w *Graphon) Walk(rng *rand.Rand, dst []float64) error {
	th := w.opt.thin()
	u := math.Float64frombits(w.pos.at)
	for b := range dst {
		if !w.pos.started {
			u = w.start(rng)
			w.pos.started = true
		} else {
			for range th {
				u = w.step(rng, u, w.opt)
			}
		}
		dst[b] = u
	}
	w.pos.at = math.Float64bits(u)
	return w.err
}

// Sample advances the walk by B = len(y) samples (all moves first), then
// draws the features of the visited latents with Features.SampleAt from
// the same rng (shallow.Sampler). Cost: B·Thin walk steps (each an exact
// draw from W(u,·)/d_W(u), O(1) expected) plus the features'. Errors:
// shapes (graphs.ErrShape), a nil rng, those of Walk and SampleAt.
func (w *Graphon) Sample(rng *rand.Rand, phi, y []float64) error {
	if len(phi) != 2*w.Dim()*len(y) {
		return fmt.Errorf("walk: Graphon.Sample: len(phi)=%d, want 2d·B=%d: %w", len(phi), 2*w.Dim()*len(y), graphs.ErrShape)
	}
	if rng == nil {
		return fmt.Errorf("walk: Graphon.Sample: nil rng: %w", graphs.ErrParameter)
	}
	w.last = slices.Grow(w.last[:0], len(y))[:len(y)]
	if err := w.Walk(rng, w.last); err != nil {
		return err
	}
	return w.f.SampleAt(rng, w.last, phi, y)
}
