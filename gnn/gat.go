package gnn

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"fmt"
	"math"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// gatGraph is the neighbourhood structure GAT attends over: row i holds the
// senders j of i with any existing self loop replaced by exactly one loop
// (PyTorch Geometric's remove_self_loops + add_self_loops). tcol lists, for
// each sender j, the entries e whose sender is j, with their targets trow.
type gatGraph struct {
	off  []int
	idx  []int32
	toff []int
	trow []int32
	tent []int
}

func (b *Batch) gatStructure() *gatGraph {
	if b.gat != nil {
		return b.gat
	}
	n := b.NumNodes()
	// The neighbourhoods N(i) ∪ {i}: the rows of A with a loop added where
	// missing, as the GCN aggregation's (weights are not used).
	looped, err := aggregation.GCN.Operator(b.G, 1)
	if err != nil {
		panic(fmt.Sprintf("gnn: GAT neighbourhoods: %v", err)) // GCN is valid and ignores ρ
	}
	loff := make([]int, n+1)
	lidx := make([]int32, 0, looped.NumEntries())
	for i := range n {
		cols, _ := looped.Row(i)
		lidx = append(lidx, cols...)
		loff[i+1] = len(lidx)
	}
	g := &gatGraph{off: loff, idx: lidx}
	g.toff = make([]int, n+1)
	for _, j := range lidx {
		g.toff[j+1]++
	}
	for i := range n {
		g.toff[i+1] += g.toff[i]
	}
	g.trow = make([]int32, len(lidx))
	g.tent = make([]int, len(lidx))
	next := append([]int(nil), g.toff[:n]...)
	for i := range n {
		for e := loff[i]; e < loff[i+1]; e++ {
			j := lidx[e]
			g.trow[next[j]] = int32(i)
			g.tent[next[j]] = e
			next[j]++
		}
	}
	b.gat = g
	return g
}

// GATConv is the graph attention layer of Veličković et al. (2018, eqs. 1–6)
// with H heads of C = Out channels, as PyTorch Geometric's GATConv:
//
//	z_i = h_i Θ (In × H·C),  e^k_ij = LeakyReLU(a_dst^k·z^k_i + a_src^k·z^k_j, 0.2),
//	α^k_ij = softmax_{j ∈ N(i) ∪ {i}} e^k_ij,
//	h'_i = ‖_k Σ_j α^k_ij z^k_j + b   (Concat)   or   (1/H) Σ_k Σ_j α^k_ij z^k_j + b,
//
// where the neighbourhood of i is row i with one self loop (existing loops
// replaced). Edge weights are ignored. During training each α^k_ij is
// dropped with probability AttnDropout (scaled by 1/(1−p)): entry e of node
// block c uses the PCG stream (Mix(Key + Mix(Salt)), Mix(c)) and compares one
// Float64 per (entry, head). No activation. Forward costs
// O(n·In·H·C + entries·H·C).
type GATConv struct {
	In, Out, Heads int
	Concat         bool
	NegativeSlope  float64
	AttnDropout    float64
	Salt           uint64

	W, AttSrc, AttDst, B                 []float64
	GradW, GradAttSrc, GradAttDst, GradB []float64

	h, z, as, ad, pre, alpha, drop []float64
	x                              *sparse.Matrix
	xt                             sparse.Matrix // storage of xᵀ for the weight gradient
	dz, dO, dE, das, dad           []float64
	dropOn                         bool
}

// NewGATConv returns a GATConv with zero parameters (see InitParams),
// slope 0.2 and no attention dropout.
func NewGATConv(in, out, heads int, concat bool) *GATConv {
	hc := heads * out
	bo := out
	if concat {
		bo = hc
	}
	return &GATConv{In: in, Out: out, Heads: heads, Concat: concat, NegativeSlope: 0.2,
		W: make([]float64, in*hc), AttSrc: make([]float64, hc), AttDst: make([]float64, hc), B: make([]float64, bo),
		GradW: make([]float64, in*hc), GradAttSrc: make([]float64, hc), GradAttDst: make([]float64, hc), GradB: make([]float64, bo)}
}

// Dims returns (In, H·Out) when Concat, (In, Out) otherwise.
func (l *GATConv) Dims() (int, int) {
	if l.Concat {
		return l.In, l.Heads * l.Out
	}
	return l.In, l.Out
}

// Params returns Θ (Glorot over In × H·C), a_src and a_dst (Glorot over
// the H×C tensor, a = sqrt(6/(H+C)), as PyTorch Geometric's glorot on its
// 1×H×C attention tensors) and b (zeros).
func (l *GATConv) Params() []Param {
	return []Param{{Name: "W", Value: l.W, Grad: l.GradW, FanIn: l.In, FanOut: l.Heads * l.Out},
		{Name: "AttSrc", Value: l.AttSrc, Grad: l.GradAttSrc, FanIn: l.Heads, FanOut: l.Out},
		{Name: "AttDst", Value: l.AttDst, Grad: l.GradAttDst, FanIn: l.Heads, FanOut: l.Out},
		{Name: "B", Value: l.B, Grad: l.GradB, Init: InitZeros}}
}

// Forward computes the attention and the output; it keeps h.
func (l *GATConv) Forward(out, h []float64, b *Batch) error {
	n, err := checkNodes("GATConv.Forward", h, l.In, b)
	if err != nil {
		return err
	}
	l.x = nil
	return l.forward(out, h, nil, n, b)
}

// ForwardSparse is Forward for sparse input features x (n×In); it keeps x.
func (l *GATConv) ForwardSparse(out []float64, x *sparse.Matrix, b *Batch) error {
	if x.Cols() != l.In || x.Rows() != b.NumNodes() {
		return fmt.Errorf("gnn: GATConv.ForwardSparse: sparse input is not nodes×In=%d×%d: %w", b.NumNodes(), l.In, graphs.ErrShape)
	}
	return l.forward(out, nil, x, x.Rows(), b)
}

func (l *GATConv) forward(out, h []float64, x *sparse.Matrix, n int, b *Batch) error {
	_, od := l.Dims()
	if err := checkLen("GATConv.Forward", "out", len(out), n*od); err != nil {
		return err
	}
	if !(l.AttnDropout >= 0 && l.AttnDropout < 1) {
		return fmt.Errorf("gnn: GATConv.Forward: AttnDropout=%v not in [0,1): %w", l.AttnDropout, graphs.ErrParameter)
	}
	if l.Heads <= 0 || l.Out <= 0 {
		return fmt.Errorf("gnn: GATConv.Forward: Heads=%d Out=%d: %w", l.Heads, l.Out, graphs.ErrParameter)
	}
	gs := b.gatStructure()
	H, C := l.Heads, l.Out
	hc := H * C
	E := len(gs.idx)
	l.h, l.x = h, x
	l.z = grow(l.z, n*hc)
	l.as, l.ad = grow(l.as, n*H), grow(l.ad, n*H)
	l.pre, l.alpha = grow(l.pre, E*H), grow(l.alpha, E*H)
	if x != nil {
		spMul(l.z, x, l.W, hc, false, rowBlock)
	} else {
		matMul(l.z, h, l.W, n, l.In, hc, false)
	}
	z, as, ad := l.z, l.as, l.ad
	parallel.For(parallel.Chunks(n, aggBlock), func(c int) {
		lo, hi := parallel.Range(c, aggBlock, n)
		for i := lo; i < hi; i++ {
			for k := range H {
				zk := z[i*hc+k*C : i*hc+k*C+C]
				var s, d float64
				for q, x := range zk {
					s += x * l.AttSrc[k*C+q]
					d += x * l.AttDst[k*C+q]
				}
				as[i*H+k], ad[i*H+k] = s, d
			}
		}
	})
	l.dropOn = b.Train && l.AttnDropout > 0
	if l.dropOn {
		l.drop = grow(l.drop, E*H)
	}
	base := parallel.Mix(b.Key + parallel.Mix(l.Salt))
	p := l.AttnDropout
	scale := 1 / (1 - p)
	slope := l.NegativeSlope
	concat := l.Concat
	parallel.For(parallel.Chunks(n, aggBlock), func(c int) {
		lo, hi := parallel.Range(c, aggBlock, n)
		var src rand.PCG
		src.Seed(base, parallel.Mix(uint64(c)))
		rng := rand.New(&src)
		for i := lo; i < hi; i++ {
			e0, e1 := gs.off[i], gs.off[i+1]
			for k := range H {
				m := math.Inf(-1)
				for e := e0; e < e1; e++ {
					s := ad[i*H+k] + as[int(gs.idx[e])*H+k]
					if s < 0 {
						s *= slope
					}
					l.pre[e*H+k] = s
					m = max(m, s)
				}
				var sum float64
				for e := e0; e < e1; e++ {
					x := math.Exp(l.pre[e*H+k] - m)
					l.alpha[e*H+k] = x
					sum += x
				}
				for e := e0; e < e1; e++ {
					l.alpha[e*H+k] /= sum
				}
			}
			if l.dropOn {
				for e := e0 * H; e < e1*H; e++ {
					if rng.Float64() < p {
						l.drop[e] = 0
					} else {
						l.drop[e] = scale
					}
				}
			}
			o := out[i*l.outCols() : (i+1)*l.outCols()]
			clear(o)
			for e := e0; e < e1; e++ {
				j := int(gs.idx[e])
				for k := range H {
					a := l.alpha[e*H+k]
					if l.dropOn {
						a *= l.drop[e*H+k]
					}
					if !concat {
						a /= float64(H)
					}
					zj := z[j*hc+k*C : j*hc+k*C+C]
					ok := o
					if concat {
						ok = o[k*C : k*C+C]
					}
					ok = ok[:len(zj)]
					for q := range zj {
						ok[q] += a * zj[q]
					}
				}
			}
		}
	})
	addBias(out, l.B, len(l.B))
	return nil
}

func (l *GATConv) outCols() int {
	if l.Concat {
		return l.Heads * l.Out
	}
	return l.Out
}

// Backward accumulates the gradients of Θ, a_src, a_dst, b and sets dh.
func (l *GATConv) Backward(dh, dout []float64, b *Batch) error {
	n := b.NumNodes()
	if (l.h == nil || len(l.h) != n*l.In) && (l.x == nil || l.x.Rows() != n) {
		return fmt.Errorf("gnn: GATConv.Backward: no matching Forward: %w", graphs.ErrShape)
	}
	oc := l.outCols()
	if err := checkLen("GATConv.Backward", "dout", len(dout), n*oc); err != nil {
		return err
	}
	gs := b.gatStructure()
	H, C := l.Heads, l.Out
	hc := H * C
	E := len(gs.idx)
	colSum(l.GradB, dout, oc)
	// dO[i, k, :] = ∂L/∂(Σ_j α̃ z_j) per head.
	l.dO = grow(l.dO, n*hc)
	for i := range n {
		for k := range H {
			d := l.dO[i*hc+k*C : i*hc+k*C+C]
			if l.Concat {
				copy(d, dout[i*oc+k*C:i*oc+k*C+C])
			} else {
				for q := range d {
					d[q] = dout[i*oc+q] / float64(H)
				}
			}
		}
	}
	l.dE, l.dad, l.das = grow(l.dE, E*H), grow(l.dad, n*H), grow(l.das, n*H)
	l.dz = grow(l.dz, n*hc)
	z, dO, slope := l.z, l.dO, l.NegativeSlope
	// Per target i: softmax and LeakyReLU backward, dad.
	parallel.For(parallel.Chunks(n, aggBlock), func(c int) {
		lo, hi := parallel.Range(c, aggBlock, n)
		for i := lo; i < hi; i++ {
			e0, e1 := gs.off[i], gs.off[i+1]
			for k := range H {
				dOk := dO[i*hc+k*C : i*hc+k*C+C]
				var dot float64
				for e := e0; e < e1; e++ {
					j := int(gs.idx[e])
					zj := z[j*hc+k*C : j*hc+k*C+C]
					zj = zj[:len(dOk)]
					var s float64
					for q := range dOk {
						s += dOk[q] * zj[q]
					}
					if l.dropOn {
						s *= l.drop[e*H+k]
					}
					l.dE[e*H+k] = s // dα for now
					dot += l.alpha[e*H+k] * s
				}
				var sad float64
				for e := e0; e < e1; e++ {
					ds := l.alpha[e*H+k] * (l.dE[e*H+k] - dot)
					if l.pre[e*H+k] < 0 {
						ds *= slope
					}
					l.dE[e*H+k] = ds
					sad += ds
				}
				l.dad[i*H+k] = sad
			}
		}
	})
	// Per source j (gather over the transposed entries): das, dz.
	parallel.For(parallel.Chunks(n, aggBlock), func(c int) {
		lo, hi := parallel.Range(c, aggBlock, n)
		for j := lo; j < hi; j++ {
			dzj := l.dz[j*hc : j*hc+hc]
			clear(dzj)
			for k := range H {
				var s float64
				dzk := dzj[k*C : k*C+C]
				for t := gs.toff[j]; t < gs.toff[j+1]; t++ {
					e := gs.tent[t]
					i := int(gs.trow[t])
					s += l.dE[e*H+k]
					a := l.alpha[e*H+k]
					if l.dropOn {
						a *= l.drop[e*H+k]
					}
					dOi := dO[i*hc+k*C : i*hc+k*C+C]
					dOi = dOi[:len(dzk)]
					for q := range dzk {
						dzk[q] += a * dOi[q]
					}
				}
				l.das[j*H+k] = s
				sa, sd := l.das[j*H+k], l.dad[j*H+k]
				for q := range dzk {
					dzk[q] += sa*l.AttSrc[k*C+q] + sd*l.AttDst[k*C+q]
				}
			}
		}
	})
	for i := range n {
		for k := range H {
			sa, sd := l.das[i*H+k], l.dad[i*H+k]
			zk := z[i*hc+k*C : i*hc+k*C+C]
			for q, x := range zk {
				l.GradAttSrc[k*C+q] += sa * x
				l.GradAttDst[k*C+q] += sd * x
			}
		}
	}
	return linearBackward("GATConv.Backward", l.In, hc, l.W, l.GradW, nil, l.h, l.x, &l.xt, dh, l.dz)
}
