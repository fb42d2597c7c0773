package gnn

import (
	"fmt"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
)

// Head names the graph-level head of NewGraphModel: what follows the
// message-passing layers.
type Head int

const (
	// HeadMLP pools the last layer's node states and applies Linear, ReLU,
	// Dropout, Linear (PyTorch Geometric's GIN example for TU data sets).
	HeadMLP Head = iota
	// HeadJumpSum is the jumping-knowledge sum readout of Xu et al. (2019,
	// eq. 4.2 and their models/graphcnn.py): every layer's pooled node
	// states, the input features included, are mapped to class scores by a
	// Linear of their own and the scores are summed (module JumpSum).
	HeadJumpSum
)

var headNames = [...]string{"mlp", "jk-sum"}

// String returns "mlp" or "jk-sum".
func (h Head) String() string {
	if h < 0 || int(h) >= len(headNames) {
		return fmt.Sprintf("Head(%d)", int(h))
	}
	return headNames[h]
}

// ParseHead returns the Head named s ("mlp" or "jk-sum"); other names are
// an error quoting s and wrapping graphs.ErrParameter.
func ParseHead(s string) (Head, error) {
	for i, n := range headNames {
		if n == s {
			return Head(i), nil
		}
	}
	return 0, fmt.Errorf("gnn: ParseHead: %q is not one of %v: %w", s, headNames, graphs.ErrParameter)
}

// JumpSum is a graph classifier with a jumping-knowledge sum readout (Xu,
// Hu, Leskovec & Jegelka 2019, eq. 4.2; Xu et al.'s GraphCNN.forward):
//
//	h^(0) = x,  h^(k+1) = Layers[k](h^(k))                        k = 0..L−1
//	out_g = Σ_{k=0..L} Drops[k]( Pools[k](h^(k))_g Θ_k + b_k )     (Heads[k] = Θ_k, b_k)
//
// so every depth, the input features included, votes on the class scores.
// As in Xu et al.'s code the dropout acts on each layer's scores, after
// its Linear. The node states h^(k) are rows of the batch's nodes, out has
// one row per graph. Cost: the layers, plus O(nodes·Σ_k d_k) for the pools
// and O(graphs·Σ_k d_k·Out) for the heads. Sequential cannot express the
// skip connections, hence this module; NewGraphModel builds it for
// HeadJumpSum.
type JumpSum struct {
	Layers []Module   // L message-passing blocks
	Pools  []*Readout // L+1 readouts, Pools[k] over d_k columns
	Heads  []*Linear  // L+1 linear maps d_k → Out
	Drops  []*Dropout // L+1 dropouts on the scores; nil entries skip

	hs, dhs [][]float64 // h^(1..L) and ∂L/∂h^(k) (nodes×d_k), index k
	pooled  [][]float64 // graphs×d_k
	dpooled [][]float64
	scores  [][]float64 // graphs×Out before dropout
	dscore  []float64
	tmp     []float64
	in      []float64 // h^(0), kept
	nodes   int
}

// NewJumpSum returns the JumpSum over layers (kept, not copied), with
// readouts of kind pool, heads to out columns (zero parameters, see
// InitParams) and, when drop > 0, a dropout of probability drop on every
// layer's scores with salts salt, salt+1, …, salt+L. The layers must chain
// (each one's input width is the previous one's output width). Errors wrap
// graphs.ErrParameter (no layers, out ≤ 0, drop outside [0,1), bad pool)
// or graphs.ErrShape (layers that do not chain).
func NewJumpSum(layers []Module, pool Pool, out int, drop float64, salt uint64) (*JumpSum, error) {
	if len(layers) == 0 || out <= 0 || !(drop >= 0 && drop < 1) || pool < SumPool || pool > MaxPool {
		return nil, fmt.Errorf("gnn: NewJumpSum: %d layers, out=%d, drop=%v, pool=%d: %w", len(layers), out, drop, int(pool), graphs.ErrParameter)
	}
	j := &JumpSum{Layers: layers}
	d, _ := layers[0].Dims()
	for k := 0; k <= len(layers); k++ {
		if k > 0 {
			in, o := layers[k-1].Dims()
			if in != d || o <= 0 {
				return nil, fmt.Errorf("gnn: NewJumpSum: layer %d (%T) maps %d to %d columns, previous width %d: %w", k-1, layers[k-1], in, o, d, graphs.ErrShape)
			}
			d = o
		}
		if d <= 0 {
			return nil, fmt.Errorf("gnn: NewJumpSum: layer 0 (%T) has input width %d: %w", layers[0], d, graphs.ErrShape)
		}
		j.Pools = append(j.Pools, NewReadout(pool, d))
		j.Heads = append(j.Heads, NewLinear(d, out, true))
		var dr *Dropout
		if drop > 0 {
			dr = NewDropout(drop, salt+uint64(k))
		}
		j.Drops = append(j.Drops, dr)
	}
	L := len(layers)
	j.hs, j.dhs = make([][]float64, L+1), make([][]float64, L+1)
	j.pooled, j.dpooled = make([][]float64, L+1), make([][]float64, L+1)
	j.scores = make([][]float64, L+1)
	return j, nil
}

// Dims returns the first layer's input width and the heads' output width.
func (j *JumpSum) Dims() (int, int) {
	in, _ := j.Layers[0].Dims()
	return in, j.Heads[0].Out
}

func (j *JumpSum) outRows(b *Batch, _ int) int { return b.NumGraphs() }

// Params returns the layers' parameters ("layers.k.…"), then the heads'
// ("heads.k.W", "heads.k.B").
func (j *JumpSum) Params() []Param {
	var ps []Param
	for k, m := range j.Layers {
		ps = append(ps, prefixParams("layers."+strconv.Itoa(k)+".", m.Params())...)
	}
	for k, h := range j.Heads {
		ps = append(ps, prefixParams("heads."+strconv.Itoa(k)+".", h.Params())...)
	}
	return ps
}

// width returns d_k, the columns of h^(k).
func (j *JumpSum) width(k int) int { return j.Pools[k].D }

// Forward runs the layers on h (nodes×d_0, kept), then sums the heads'
// scores into out (graphs×Out). Errors: shapes (graphs.ErrShape) and those
// of the layers.
func (j *JumpSum) Forward(out, h []float64, b *Batch) error {
	const fn = "JumpSum.Forward"
	n, err := checkNodes(fn, h, j.width(0), b)
	if err != nil {
		return err
	}
	G, C := b.NumGraphs(), j.Heads[0].Out
	if err := checkLen(fn, "out", len(out), G*C); err != nil {
		return err
	}
	j.in, j.nodes = h, n
	x := h
	for k, m := range j.Layers {
		j.hs[k+1] = grow(j.hs[k+1], n*j.width(k+1))
		if err := m.Forward(j.hs[k+1], x, b); err != nil {
			return fmt.Errorf("gnn: %s: layer %d: %w", fn, k, err)
		}
		x = j.hs[k+1]
	}
	clear(out)
	for k := range j.Heads {
		x := h
		if k > 0 {
			x = j.hs[k]
		}
		j.pooled[k] = grow(j.pooled[k], G*j.width(k))
		if err := j.Pools[k].Forward(j.pooled[k], x, b); err != nil {
			return err
		}
		j.scores[k] = grow(j.scores[k], G*C)
		if err := j.Heads[k].Forward(j.scores[k], j.pooled[k], b); err != nil {
			return err
		}
		s := j.scores[k]
		if d := j.Drops[k]; d != nil {
			j.tmp = grow(j.tmp, G*C)
			if err := d.Forward(j.tmp, s, b); err != nil {
				return err
			}
			s = j.tmp
		}
		for e, v := range s {
			out[e] += v
		}
	}
	return nil
}

// Backward accumulates the parameter gradients for dout (graphs×Out) and,
// unless dh is nil, sets dh = ∂L/∂h^(0): the gradient of every h^(k) is
// its head's share plus what layer k passes back, from k = L down to 0.
func (j *JumpSum) Backward(dh, dout []float64, b *Batch) error {
	const fn = "JumpSum.Backward"
	if j.in == nil {
		return fmt.Errorf("gnn: %s: called before Forward: %w", fn, graphs.ErrShape)
	}
	n, G, C := j.nodes, b.NumGraphs(), j.Heads[0].Out
	if err := checkLen(fn, "dout", len(dout), G*C); err != nil {
		return err
	}
	if dh != nil {
		if err := checkLen(fn, "dh", len(dh), n*j.width(0)); err != nil {
			return err
		}
	}
	L := len(j.Layers)
	// dpooled[k] = ∂L/∂pool_k through head k (computed only where needed).
	for k := L; k >= 0; k-- {
		g := dout
		if d := j.Drops[k]; d != nil {
			j.dscore = grow(j.dscore, G*C)
			if err := d.Backward(j.dscore, dout, b); err != nil {
				return err
			}
			g = j.dscore
		}
		var dp []float64
		if k > 0 || dh != nil {
			j.dpooled[k] = grow(j.dpooled[k], G*j.width(k))
			dp = j.dpooled[k]
		}
		if err := j.Heads[k].Backward(dp, g, b); err != nil {
			return err
		}
	}
	// gh = ∂L/∂h^(k): pool k's backward, plus layer k's backward of ∂L/∂h^(k+1).
	for k := L; k >= 0; k-- {
		var gh []float64
		if k > 0 {
			j.dhs[k] = grow(j.dhs[k], n*j.width(k))
			gh = j.dhs[k]
		} else {
			gh = dh // nil: parameter gradients only
		}
		if k < L {
			if err := j.Layers[k].Backward(gh, j.dhs[k+1], b); err != nil {
				return fmt.Errorf("gnn: %s: layer %d: %w", fn, k, err)
			}
		}
		if gh == nil {
			continue
		}
		if k == L {
			if err := j.Pools[k].Backward(gh, j.dpooled[k], b); err != nil {
				return err
			}
			continue
		}
		j.tmp = grow(j.tmp, n*j.width(k))
		if err := j.Pools[k].Backward(j.tmp, j.dpooled[k], b); err != nil {
			return err
		}
		for e, v := range j.tmp {
			gh[e] += v
		}
	}
	return nil
}
