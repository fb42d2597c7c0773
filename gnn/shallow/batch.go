package shallow

import (
	"fmt"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
)

// Samples holds B samples (φ_b, y_b) in flat row-major slices; p = 2·Dim is
// the length of one input φ = (x, m).
//
// Model A (aggregate then activate) reads Phi: φ_b = Phi[b*p:(b+1)*p], the
// node's own features followed by its aggregated features.
//
// Model B (activate then aggregate) reads the neighbourhoods instead: sample
// b owns the entries e in [End[b−1], End[b]) (End[−1] = 0), entry e being a
// neighbour j of the node with weight Weight[e] = ω_ij (the coefficient S_ij
// of the aggregation operator, see package graphs/aggregation) and input
// φ_j = NbrPhi[e*p:(e+1)*p] = (x_j, m_j), the neighbour's own features and
// its own aggregated features. Then
//
//	ŷ_b = N^{−γ} Σ_k c^k Σ_{e of b} Weight[e] σ(a^k·φ_e).
//
// Y holds the targets y_b (for an evaluation set it may be nil when only
// outputs are wanted). Samples is plain data: fields may be filled by hand.
type Samples struct {
	Dim    int       // d: features per node; φ has 2d entries
	Y      []float64 // B targets
	Phi    []float64 // B×2d inputs φ_b (model A)
	End    []int     // B: end of sample b's entries (model B)
	Weight []float64 // entries: ω of each neighbour entry (model B)
	NbrPhi []float64 // entries×2d: φ_j of each neighbour entry (model B)
}

// Sampler draws the training samples of model A. It uses only builtin types
// so that packages which must not import gnn (generators) can satisfy it.
//
// Contract:
//   - Dim returns d; Sample fills len(y) = B samples: phi[b*2d:(b+1)*2d] =
//     (x_b, m_b) and y[b]; len(phi) = 2d·len(y).
//   - All randomness comes from rng (a fresh stream per training step: the
//     trainer passes rand.New(rand.NewPCG(seed, parallel.Mix(k))) at step
//     k), and a sampler keeps no state that changes across calls, so a
//     resumed run repeats its draws — except a StatefulSampler (a random
//     walk), whose state Train saves and restores.
//   - Coupling (docs/mathematics.md §5.1): the sampler draws the B latents first
//     — for a graphon sampler u_b = rng.Float64(), b = 0..B−1, for a
//     fixed graph the node ids — and only then anything else (neighbours,
//     edges, noise). Samplers of the same graphon that differ only in n,
//     and the graphon-limit FuncSampler, then see the same latent
//     sequence u_1, u_2, … .
//   - An error aborts training and is returned by Train.
type Sampler interface {
	Dim() int
	Sample(rng *rand.Rand, phi, y []float64) error
}

// NeighbourSampler draws the training samples of model B, under Sampler's
// contract. SampleNeighbours draws len(y) = B nodes: y[b] is the target of
// node b, and its neighbourhood entries are appended to w (the weights
// ω_ij) and phi (2d values φ_j = (x_j, m_j) per entry); end[b] is set to
// len(w) after node b's entries. It returns the extended w and phi (callers
// pass their buffers with length 0 to reuse their capacity).
type NeighbourSampler interface {
	Dim() int
	SampleNeighbours(rng *rand.Rand, y []float64, end []int, w, phi []float64) (wOut, phiOut []float64, err error)
}

// Len returns B = len(b.Y), or, when Y is nil, the number of samples implied
// by Phi or End.
func (b *Samples) Len() int {
	if b.Y != nil {
		return len(b.Y)
	}
	if b.End != nil {
		return len(b.End)
	}
	if b.Dim > 0 {
		return len(b.Phi) / (2 * b.Dim)
	}
	return 0
}

// check validates the batch for variant v and returns B.
func (b *Samples) check(fn string, dim int, v Variant) (int, error) {
	if b == nil {
		return 0, fmt.Errorf("shallow: %s: nil batch: %w", fn, graphs.ErrParameter)
	}
	if b.Dim != dim {
		return 0, fmt.Errorf("shallow: %s: batch Dim=%d, model d=%d: %w", fn, b.Dim, dim, graphs.ErrShape)
	}
	p := 2 * dim
	nb := b.Len()
	switch v {
	case ModelA:
		if len(b.Phi) != nb*p {
			return 0, fmt.Errorf("shallow: %s: len(Phi)=%d, want B·2d=%d: %w", fn, len(b.Phi), nb*p, graphs.ErrShape)
		}
	case ModelB:
		if len(b.End) != nb {
			return 0, fmt.Errorf("shallow: %s: len(End)=%d, want B=%d: %w", fn, len(b.End), nb, graphs.ErrShape)
		}
		prev := 0
		for i, e := range b.End {
			if e < prev {
				return 0, fmt.Errorf("shallow: %s: End[%d]=%d < %d: %w", fn, i, e, prev, graphs.ErrShape)
			}
			prev = e
		}
		if len(b.Weight) != prev || len(b.NbrPhi) != prev*p {
			return 0, fmt.Errorf("shallow: %s: len(Weight)=%d, len(NbrPhi)=%d, want %d and %d: %w", fn, len(b.Weight), len(b.NbrPhi), prev, prev*p, graphs.ErrShape)
		}
	default:
		return 0, fmt.Errorf("shallow: %s: variant=%v: %w", fn, v, graphs.ErrParameter)
	}
	return nb, nil
}
