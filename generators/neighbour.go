package generators

import (
	"fmt"
	"math/rand/v2"
	"sort"

	"github.com/gnnwb/gnnwb/graphs"
)

// maxNeighbourTries bounds the envelope draws of Ego.Neighbour: with the
// envelope W̄ of NewEgo the acceptance rate is d_W(u)/∫W̄(u,·), about
// 1 − O(1/32) for a Lipschitz W.
const maxNeighbourTries = 1 << 20

// Neighbour draws one latent v with density W(u,·)/d_W(u): the latent of a
// uniformly chosen neighbour of a node with latent u, and the step of the
// random walk on the graphon (package generators/walk). It draws v ∝ W̄(u,·)
// from the envelope of NewEgo (a cell by its mass, then uniform in it) and
// keeps it with probability W(u,v)/W̄(u,v), repeating until one is kept: an
// exact draw. Cost O(∫W̄(u,·)/d_W(u)) expected draws. Errors
// (graphs.ErrParameter): d_W(u) = 0 (no neighbour can be drawn), a
// GraphonFunc value outside [0,1], no acceptance in 2^20 tries.
func (e *Ego) Neighbour(rng *rand.Rand, u float64) (float64, error) {
	k := e.k
	a := sort.Search(k-1, func(a int) bool { return e.breaks[a+1] > u })
	cum := e.cum[a*k : a*k+k]
	total := cum[k-1]
	if !(total > 0) {
		return 0, fmt.Errorf("generators: Ego.Neighbour: u=%v has degree d_W(u)=0: %w", u, graphs.ErrParameter)
	}
	f := e.w.d.f
	for range maxNeighbourTries {
		r := rng.Float64() * total
		b := 0
		if k > 1 {
			b = sort.Search(k-1, func(b int) bool { return cum[b] > r })
		}
		lo := e.breaks[b]
		v := lo + (e.breaks[b+1]-lo)*rng.Float64()
		if !e.thin {
			return v, nil
		}
		x := f(u, v)
		if e.w.d.checkW && !(x >= 0 && x <= 1) {
			return 0, e.w.badValue("Ego.Neighbour", u, v, x)
		}
		if wb := e.wbar[a*k+b]; x >= wb || rng.Float64()*wb < x {
			return v, nil
		}
	}
	return 0, fmt.Errorf("generators: Ego.Neighbour: u=%v: no neighbour accepted in %d tries (d_W(u) ≈ 0): %w", u, maxNeighbourTries, graphs.ErrParameter)
}

// Ego returns the ego sampler of the nodes' neighbourhoods the sampler
// draws from.
func (s *EgoSampler) Ego() *Ego { return s.ego }

// SampleAt draws the samples of nodes whose latents u are given (not drawn):
// phi[b*2d:(b+1)*2d] = (x_b, m_b) and y[b], with the law of Sample's
// samples given their latents, and the same draws from rng after the
// latents (for b = 0..B−1 in turn: the neighbours, the noise of x_b, of
// each neighbour, of y_b). Any B = len(u) ≥ 0 is allowed. This is how a
// walk on the graphon (package generators/walk) attaches an exact ego
// sample to each latent it visits. Errors: len(y) ≠ len(u) or
// len(phi) ≠ 2d·len(u) (graphs.ErrShape), a nil rng or a latent outside
// [0,1] (graphs.ErrParameter), a GraphonFunc value outside [0,1].
func (s *EgoSampler) SampleAt(rng *rand.Rand, u, phi, y []float64) error {
	const fn = "EgoSampler.SampleAt"
	if err := checkRand(fn, rng); err != nil {
		return err
	}
	p := 2 * s.d
	if len(y) != len(u) || len(phi) != p*len(u) {
		return fmt.Errorf("generators: %s: len(u)=%d, len(y)=%d, len(phi)=%d, want len(y)=len(u) and len(phi)=2d·len(u)=%d: %w", fn, len(u), len(y), len(phi), p*len(u), graphs.ErrShape)
	}
	for _, v := range u {
		if !(v >= 0 && v <= 1) {
			return fmt.Errorf("generators: %s: latent u=%v not in [0,1]: %w", fn, v, graphs.ErrParameter)
		}
	}
	sc, _ := s.scratch.Get().(*egoScratch)
	if sc == nil {
		sc = &egoScratch{xj: make([]float64, s.d)}
	}
	for b, v := range u {
		sc.nbr = s.ego.DrawAt(rng, v, sc.nbr)
		y[b] = s.one(rng, v, sc.nbr, phi[b*p:(b+1)*p], sc.xj)
	}
	s.scratch.Put(sc)
	return s.ego.Err()
}
