package gnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Dropout zeroes each entry independently with probability P during
// training and scales the kept ones by 1/(1−P) (inverted dropout, as
// torch.nn.Dropout); outside training (Batch.Train false) it is the identity.
//
// # Random bits
//
// The mask is drawn in fixed chunks of 4096 entries; chunk c uses the PCG
// stream (Mix(Key + Mix(Salt)), Mix(c)) where Key is the batch's step key,
// so masks do not depend on GOMAXPROCS and a resumed run redraws them. For
// P = ½ one Uint64 gives 64 Bernoulli(½) bits (bit k of word w keeps entry
// 64w+k). For other P each entry compares a 16-bit chunk u of a Uint64 (four
// entries per number) with t = round(P·2^16) and is kept when u ≥ t: the
// drop probability is t/2^16, within 2^-17 of P, and kept entries are scaled
// by 2^16/(2^16 − t) so the layer stays unbiased.
type Dropout struct {
	P    float64
	Salt uint64
	D    int // columns (0: any)

	mask   []uint64
	scale  float64
	active bool
	n      int
	vals   []float64
	sp     sparse.Matrix
}

const dropBlock = 4096 // entries per random stream (64 words)

// NewDropout returns a dropout layer with drop probability p and stream salt
// salt (give each dropout of a model its own salt).
func NewDropout(p float64, salt uint64) *Dropout { return &Dropout{P: p, Salt: salt} }

// Dims returns (D, D).
func (d *Dropout) Dims() (int, int) { return d.D, d.D }

// Params returns nil.
func (d *Dropout) Params() []Param { return nil }

func (d *Dropout) draw(n int, key uint64) error {
	if !(d.P >= 0 && d.P <= 1) {
		return fmt.Errorf("gnn: Dropout: P=%v not in [0,1]: %w", d.P, graphs.ErrParameter)
	}
	d.n = n
	words := (n + 63) / 64
	if cap(d.mask) < words {
		d.mask = make([]uint64, words)
	}
	d.mask = d.mask[:words]
	base := parallel.Mix(key + parallel.Mix(d.Salt))
	if d.P == 0.5 {
		d.scale = 2
		parallel.For(parallel.Chunks(n, dropBlock), func(c int) {
			var src rand.PCG
			src.Seed(base, parallel.Mix(uint64(c)))
			lo, hi := parallel.Range(c, dropBlock/64, words)
			for w := lo; w < hi; w++ {
				d.mask[w] = src.Uint64()
			}
		})
		return nil
	}
	t := uint64(math.Round(d.P * 65536))
	if t >= 65536 {
		d.scale = 0
	} else {
		d.scale = 65536 / float64(65536-t)
	}
	parallel.For(parallel.Chunks(n, dropBlock), func(c int) {
		var src rand.PCG
		src.Seed(base, parallel.Mix(uint64(c)))
		lo, hi := parallel.Range(c, dropBlock/64, words)
		for w := lo; w < hi; w++ {
			var m uint64
			for k := 0; k < 64; k += 4 {
				r := src.Uint64()
				for s := range 4 {
					if (r>>(16*s))&0xffff >= t {
						m |= 1 << (k + s)
					}
				}
			}
			d.mask[w] = m
		}
	})
	return nil
}

// applyMask sets out[e] = in[e]·scale for kept e, 0 otherwise, without
// branches (a two-entry table indexed by the mask bit).
func (d *Dropout) applyMask(out, in []float64) {
	n, mask := len(in), d.mask
	tbl := [2]float64{0, d.scale}
	parallel.For(parallel.Chunks(n, dropBlock), func(c int) {
		lo, hi := parallel.Range(c, dropBlock, n) // lo is a multiple of 64
		for w := lo >> 6; w<<6 < hi; w++ {
			a, z := w<<6, min(w<<6+64, hi)
			o, x := out[a:z], in[a:z]
			x = x[:len(o)]
			m := mask[w]
			for k := range o {
				o[k] = x[k] * tbl[m&1]
				m >>= 1
			}
		}
	})
}

// Forward sets out = mask ⊙ h / (1−P) in training, out = h otherwise.
func (d *Dropout) Forward(out, h []float64, b *Batch) error {
	if err := checkLen("Dropout.Forward", "out", len(out), len(h)); err != nil {
		return err
	}
	d.active = b.Train && d.P > 0
	if !d.active {
		d.n = len(h)
		copy(out, h)
		return nil
	}
	if err := d.draw(len(h), b.Key); err != nil {
		return err
	}
	d.applyMask(out, h)
	return nil
}

// Backward sets dh = mask ⊙ dout / (1−P) (dh = dout outside training).
func (d *Dropout) Backward(dh, dout []float64, b *Batch) error {
	if dh == nil {
		return nil
	}
	if err := checkLen("Dropout.Backward", "dout", len(dout), d.n); err != nil {
		return err
	}
	if err := checkLen("Dropout.Backward", "dh", len(dh), d.n); err != nil {
		return err
	}
	if !d.active {
		copy(dh, dout)
		return nil
	}
	d.applyMask(dh, dout)
	return nil
}

// Sparse applies dropout to the stored entries of x (Kipf's sparse_dropout):
// in training it returns a matrix with x's pattern whose values are
// dropped (stored zeros) or scaled (valid until the next call; x is not
// modified); otherwise it returns x itself.
func (d *Dropout) Sparse(x *sparse.Matrix, b *Batch) (*sparse.Matrix, error) {
	d.active = b.Train && d.P > 0
	if !d.active {
		return x, nil
	}
	_, _, values := x.CSR()
	if err := d.draw(len(values), b.Key); err != nil {
		return nil, err
	}
	d.vals = grow(d.vals, len(values))
	d.applyMask(d.vals, values)
	if err := x.WithValuesTo(&d.sp, d.vals); err != nil {
		return nil, fmt.Errorf("gnn: Dropout.Sparse: %w", err)
	}
	return &d.sp, nil
}
