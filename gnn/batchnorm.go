package gnn

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// BatchNorm normalises every column over the rows of its input (the nodes
// of the batch), as torch.nn.BatchNorm1d (Ioffe & Szegedy 2015). With n
// rows, column k, learnable γ_k, β_k and running statistics m_k, v_k:
//
//	training:  μ_k = (1/n) Σ_i h_ik,   σ²_k = (1/n) Σ_i (h_ik − μ_k)²,
//	           out_ik = γ_k (h_ik − μ_k)/sqrt(σ²_k + Eps) + β_k,
//	           m_k ← (1−Momentum) m_k + Momentum μ_k,
//	           v_k ← (1−Momentum) v_k + Momentum σ²_k n/(n−1)
//	evaluation (Batch.Train false):
//	           out_ik = γ_k (h_ik − m_k)/sqrt(v_k + Eps) + β_k
//
// The batch variance that normalises is the biased one; the running
// variance is updated with the unbiased one (PyTorch's semantics). γ starts
// at 1, β at 0, m at 0, v at 1; Eps = 1e-5 and Momentum = 0.1 are
// PyTorch's defaults.
//
// RunMean and RunVar are state, not trained parameters: Params returns
// them with Buffer set, so optimisers skip them while checkpoints, the
// best-epoch copy of the trainers and InitParams treat them like the
// weights (a resumed run continues with the same statistics).
//
// Column sums run over fixed chunks of rows combined in chunk order, so
// the results are the same bits for any GOMAXPROCS. Forward and Backward
// cost O(rows·D). A training pass on fewer than 2 rows is an error (the
// unbiased variance is undefined; PyTorch refuses it too).
type BatchNorm struct {
	D                   int
	Eps, Momentum       float64
	Gamma, Beta         []float64
	GradGamma, GradBeta []float64
	RunMean, RunVar     []float64

	xhat, scale []float64 // normalised input; 1/sqrt(var+Eps) per column
	part        []float64 // per-chunk partial column sums
	sums        []float64 // Backward's column sums
	n           int
	train       bool
}

// NewBatchNorm returns a BatchNorm over d columns with γ = 1, β = 0,
// running mean 0 and running variance 1, Eps 1e-5 and Momentum 0.1.
func NewBatchNorm(d int) *BatchNorm {
	bn := &BatchNorm{D: d, Eps: 1e-5, Momentum: 0.1,
		Gamma: make([]float64, d), Beta: make([]float64, d),
		GradGamma: make([]float64, d), GradBeta: make([]float64, d),
		RunMean: make([]float64, d), RunVar: make([]float64, d)}
	for k := range d {
		bn.Gamma[k], bn.RunVar[k] = 1, 1
	}
	return bn
}

// Dims returns (D, D).
func (bn *BatchNorm) Dims() (int, int) { return bn.D, bn.D }

// Params returns γ (InitOnes) and β (InitZeros) with their gradients, then
// the buffers RunMean (InitZeros) and RunVar (InitOnes), which have no
// gradient and Buffer set.
func (bn *BatchNorm) Params() []Param {
	return []Param{
		{Name: "Gamma", Value: bn.Gamma, Grad: bn.GradGamma, Init: InitOnes},
		{Name: "Beta", Value: bn.Beta, Grad: bn.GradBeta, Init: InitZeros},
		{Name: "RunMean", Value: bn.RunMean, Init: InitZeros, Buffer: true, NoDecay: true},
		{Name: "RunVar", Value: bn.RunVar, Init: InitOnes, Buffer: true, NoDecay: true},
	}
}

// bnBlock is the number of rows per chunk of the column sums.
const bnBlock = 256

// colSums sets dst[k] = Σ_i f(i, k) over the n rows, accumulating each fixed
// chunk of bnBlock rows separately and adding the chunks in order. f writes
// its row's terms into the D-slice it is given (added to the chunk sum).
// With q quantities per column dst has q·D entries and f fills q·D terms.
func (bn *BatchNorm) colSums(dst []float64, n int, row func(acc []float64, i int)) {
	w := len(dst)
	chunks := parallel.Chunks(n, bnBlock)
	bn.part = grow(bn.part, chunks*w)
	clear(bn.part)
	parallel.For(chunks, func(c int) {
		lo, hi := parallel.Range(c, bnBlock, n)
		acc := bn.part[c*w : c*w+w]
		for i := lo; i < hi; i++ {
			row(acc, i)
		}
	})
	clear(dst)
	for c := range chunks {
		for k, x := range bn.part[c*w : c*w+w] {
			dst[k] += x
		}
	}
}

func (bn *BatchNorm) check(fn string) error {
	d := bn.D
	if d <= 0 || len(bn.Gamma) != d || len(bn.Beta) != d || len(bn.RunMean) != d || len(bn.RunVar) != d ||
		len(bn.GradGamma) != d || len(bn.GradBeta) != d {
		return fmt.Errorf("gnn: %s: D=%d and parameter lengths %d, %d, %d, %d disagree: %w", fn, d,
			len(bn.Gamma), len(bn.Beta), len(bn.RunMean), len(bn.RunVar), graphs.ErrShape)
	}
	if !(bn.Eps > 0) || !(bn.Momentum >= 0 && bn.Momentum <= 1) {
		return fmt.Errorf("gnn: %s: Eps=%v Momentum=%v (want Eps > 0, Momentum in [0,1]): %w", fn, bn.Eps, bn.Momentum, graphs.ErrParameter)
	}
	return nil
}

// Forward normalises h (rows×D) into out, with batch statistics (updating
// the running ones) when b.Train and the running statistics otherwise. It
// keeps the normalised input for Backward. Errors wrap graphs.ErrShape
// (lengths; fewer than 2 rows in training) or graphs.ErrParameter (Eps,
// Momentum).
func (bn *BatchNorm) Forward(out, h []float64, b *Batch) error {
	const fn = "BatchNorm.Forward"
	if err := bn.check(fn); err != nil {
		return err
	}
	d := bn.D
	n, err := rowsOf(fn, h, d)
	if err != nil {
		return err
	}
	if err := checkLen(fn, "out", len(out), n*d); err != nil {
		return err
	}
	bn.n, bn.train = n, b.Train
	bn.xhat = grow(bn.xhat, n*d)
	bn.scale = grow(bn.scale, 2*d)
	scale, shift := bn.scale[:d], bn.scale[d:] // shift: the mean subtracted
	if b.Train {
		if n < 2 {
			return fmt.Errorf("gnn: %s: %d row(s) in training, need at least 2 for the batch variance: %w", fn, n, graphs.ErrShape)
		}
		bn.colSums(shift, n, func(acc []float64, i int) {
			for k, x := range h[i*d : i*d+d] {
				acc[k] += x
			}
		})
		inv := 1 / float64(n)
		for k := range shift {
			shift[k] *= inv
		}
		bn.colSums(scale, n, func(acc []float64, i int) {
			for k, x := range h[i*d : i*d+d] {
				c := x - shift[k]
				acc[k] += c * c
			}
		})
		m, unbias := bn.Momentum, float64(n)/float64(n-1)
		for k := range scale {
			v := scale[k] * inv // biased batch variance
			bn.RunMean[k] = (1-m)*bn.RunMean[k] + m*shift[k]
			bn.RunVar[k] = (1-m)*bn.RunVar[k] + m*(v*unbias)
			scale[k] = 1 / math.Sqrt(v+bn.Eps)
		}
	} else {
		for k := range scale {
			shift[k] = bn.RunMean[k]
			scale[k] = 1 / math.Sqrt(bn.RunVar[k]+bn.Eps)
		}
	}
	gamma, beta, xhat := bn.Gamma, bn.Beta, bn.xhat
	parallel.For(parallel.Chunks(n, bnBlock), func(c int) {
		lo, hi := parallel.Range(c, bnBlock, n)
		for i := lo; i < hi; i++ {
			x, xh, o := h[i*d:i*d+d], xhat[i*d:i*d+d], out[i*d:i*d+d]
			for k := range x {
				z := (x[k] - shift[k]) * scale[k]
				xh[k] = z
				o[k] = gamma[k]*z + beta[k]
			}
		}
	})
	return nil
}

// Backward adds Σ_i dout_ik x̂_ik to GradGamma and Σ_i dout_ik to GradBeta,
// and, unless dh is nil, sets
//
//	training:    dh_ik = γ_k s_k (dout_ik − (1/n)Σ_j dout_jk − x̂_ik (1/n)Σ_j dout_jk x̂_jk),
//	evaluation:  dh_ik = γ_k s_k dout_ik,
//
// with s_k = 1/sqrt(σ²_k + Eps) (batch or running variance) and x̂ the
// normalised input of the last Forward. Cost O(rows·D).
func (bn *BatchNorm) Backward(dh, dout []float64, b *Batch) error {
	const fn = "BatchNorm.Backward"
	d, n := bn.D, bn.n
	if len(bn.xhat) != n*d || len(bn.scale) != 2*d {
		return fmt.Errorf("gnn: %s: called before Forward: %w", fn, graphs.ErrShape)
	}
	if err := checkLen(fn, "dout", len(dout), n*d); err != nil {
		return err
	}
	if dh != nil {
		if err := checkLen(fn, "dh", len(dh), n*d); err != nil {
			return err
		}
	}
	xhat := bn.xhat
	// sums[:d] = Σ_i dout_i, sums[d:] = Σ_i dout_i ⊙ x̂_i.
	bn.sums = grow(bn.sums, 2*d)
	sums := bn.sums
	bn.colSums(sums, n, func(acc []float64, i int) {
		g, xh := dout[i*d:i*d+d], xhat[i*d:i*d+d]
		a1, a2 := acc[:d], acc[d:2*d]
		for k := range g {
			a1[k] += g[k]
			a2[k] += g[k] * xh[k]
		}
	})
	for k := range d {
		bn.GradBeta[k] += sums[k]
		bn.GradGamma[k] += sums[d+k]
	}
	if dh == nil {
		return nil
	}
	scale, gamma := bn.scale[:d], bn.Gamma
	if !bn.train {
		parallel.For(parallel.Chunks(n, bnBlock), func(c int) {
			lo, hi := parallel.Range(c, bnBlock, n)
			for i := lo; i < hi; i++ {
				g, o := dout[i*d:i*d+d], dh[i*d:i*d+d]
				for k := range g {
					o[k] = gamma[k] * scale[k] * g[k]
				}
			}
		})
		return nil
	}
	inv := 1 / float64(n)
	mg, mgx := sums[:d], sums[d:]
	for k := range d {
		mg[k] *= inv
		mgx[k] *= inv
	}
	parallel.For(parallel.Chunks(n, bnBlock), func(c int) {
		lo, hi := parallel.Range(c, bnBlock, n)
		for i := lo; i < hi; i++ {
			g, xh, o := dout[i*d:i*d+d], xhat[i*d:i*d+d], dh[i*d:i*d+d]
			for k := range g {
				o[k] = gamma[k] * scale[k] * (g[k] - mg[k] - xh[k]*mgx[k])
			}
		}
	})
	return nil
}
