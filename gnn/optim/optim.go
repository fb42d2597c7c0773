package optim

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// Optimizer updates parameters from their gradients. Step does not clear
// the gradients; call ZeroGrad before the next backward pass. An
// optimiser's state is indexed like the params slice passed to Step, which
// must be the same (same parameters, same order) at every call.
type Optimizer interface {
	// Step applies one update. Errors wrap graphs.ErrShape when params
	// differ in number or length from the optimiser's state.
	Step(params []gnn.Param) error
	// State returns a deep copy of the state between two steps (see
	// State), which encoding/gob can store.
	State() State
	// SetState replaces the state by a deep copy of s, so that the next
	// Step continues as the optimiser that returned s would have. It
	// refuses a state of another kind, or with missing or unknown slots
	// (graphs.ErrParameter), and one whose slots disagree in shape
	// (graphs.ErrShape); State.Check tests s against the parameters.
	SetState(s State) error
}

// ZeroGrad sets every gradient of params to 0.
func ZeroGrad(params []gnn.Param) {
	for _, p := range params {
		clear(p.Grad)
	}
}

// SGD is stochastic gradient descent with momentum as torch.optim.SGD
// (dampening 0, no Nesterov): g ← ∇θ + λθ, v ← μv + g (v = g on the first
// step), θ ← θ − η v; without momentum θ ← θ − η g. Parameters with NoDecay
// get λ = 0; buffers (gnn.Param.Buffer) are skipped. Its state is the
// velocity v (nil before the first step and without momentum), indexed
// like the params slice passed to Step, and the step count T.
type SGD struct {
	LR, Momentum, WeightDecay float64
	Velocity                  [][]float64
	T                         int // completed steps
}

// Step applies one update. Errors wrap graphs.ErrShape if the parameters
// changed shape between calls.
func (o *SGD) Step(params []gnn.Param) error {
	if o.Momentum != 0 && o.Velocity == nil {
		o.Velocity = make([][]float64, len(params))
		for k, p := range params {
			o.Velocity[k] = make([]float64, len(p.Value))
		}
		for k, p := range params {
			if p.Buffer {
				continue
			}
			v := o.Velocity[k]
			for e, g := range p.Grad {
				if o.WeightDecay != 0 && !p.NoDecay {
					g += o.WeightDecay * p.Value[e]
				}
				v[e] = g
			}
		}
		o.apply(params)
		o.T++
		return nil
	}
	if o.Momentum != 0 && len(o.Velocity) != len(params) {
		return fmt.Errorf("optim: SGD.Step: %d params, state has %d: %w", len(params), len(o.Velocity), graphs.ErrShape)
	}
	for k, p := range params {
		if p.Buffer {
			continue
		}
		wd := o.WeightDecay
		if p.NoDecay {
			wd = 0
		}
		if o.Momentum == 0 {
			for e, g := range p.Grad {
				p.Value[e] -= o.LR * (g + wd*p.Value[e])
			}
			continue
		}
		v := o.Velocity[k]
		if len(v) != len(p.Value) {
			return fmt.Errorf("optim: SGD.Step: param %d has %d values, state %d: %w", k, len(p.Value), len(v), graphs.ErrShape)
		}
		for e, g := range p.Grad {
			v[e] = o.Momentum*v[e] + (g + wd*p.Value[e])
		}
	}
	if o.Momentum != 0 {
		o.apply(params)
	}
	o.T++
	return nil
}

// apply takes θ ← θ − η v.
func (o *SGD) apply(params []gnn.Param) {
	for k, p := range params {
		if p.Buffer {
			continue
		}
		for e, v := range o.Velocity[k] {
			p.Value[e] -= o.LR * v
		}
	}
}

// Adam is torch.optim.Adam (Kingma & Ba 2015) with PyTorch's L2 weight decay
// (not AdamW): at step t,
//
//	g ← ∇θ + λθ,  m ← β1 m + (1−β1) g,  v ← β2 v + (1−β2) g²,
//	θ ← θ − (η/(1−β1^t)) · m / (sqrt(v)/sqrt(1−β2^t) + ε),
//
// in the same operation order as PyTorch 1.13's single-tensor implementation
// (m.mul_(β1).add_(g, alpha=1−β1), v.mul_(β2).addcmul_(g, g, value=1−β2),
// θ.addcdiv_(m, denom, value=−step)).
// Parameters with NoDecay get λ = 0; buffers (gnn.Param.Buffer) are
// skipped and get empty moments. Its state is the moments M = m and V = v
// (nil before the first step), indexed like the params slice passed to
// Step, and the step count T = t.
type Adam struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
	M, V                               [][]float64
	T                                  int
}

// adamBlock is the number of entries an Adam worker updates at a time.
const adamBlock = 1 << 14

// NewAdam returns Adam with PyTorch's defaults β1 = 0.9, β2 = 0.999,
// ε = 1e-8 and the given learning rate and weight decay.
func NewAdam(lr, weightDecay float64) *Adam {
	return &Adam{LR: lr, Beta1: 0.9, Beta2: 0.999, Eps: 1e-8, WeightDecay: weightDecay}
}

// Step applies one update. Errors wrap graphs.ErrShape if the parameters
// changed shape between calls.
func (o *Adam) Step(params []gnn.Param) error {
	if o.M == nil {
		o.M = make([][]float64, len(params))
		o.V = make([][]float64, len(params))
		for k, p := range params {
			if !p.Buffer {
				o.M[k] = make([]float64, len(p.Value))
				o.V[k] = make([]float64, len(p.Value))
			}
		}
	}
	if len(o.M) != len(params) {
		return fmt.Errorf("optim: Adam.Step: %d params, state has %d: %w", len(params), len(o.M), graphs.ErrShape)
	}
	for k, p := range params {
		if p.Buffer {
			continue
		}
		if len(o.M[k]) != len(p.Value) || len(o.V[k]) != len(p.Value) || len(p.Grad) != len(p.Value) {
			return fmt.Errorf("optim: Adam.Step: param %d has %d values, state %d: %w", k, len(p.Value), len(o.M[k]), graphs.ErrShape)
		}
	}
	o.T++
	bc1 := 1 - math.Pow(o.Beta1, float64(o.T))
	bc2 := 1 - math.Pow(o.Beta2, float64(o.T))
	step := o.LR / bc1
	bc2s := math.Sqrt(bc2)
	for k, p := range params {
		if p.Buffer {
			continue
		}
		wd := o.WeightDecay
		if p.NoDecay {
			wd = 0
		}
		m, v := o.M[k], o.V[k]
		n := len(p.Value)
		// Elementwise, so chunks of fixed size in parallel give the same bits.
		parallel.For(parallel.Chunks(n, adamBlock), func(c int) {
			lo, hi := parallel.Range(c, adamBlock, n)
			x, g, mm, vv := p.Value[lo:hi], p.Grad[lo:hi], m[lo:hi], v[lo:hi]
			g, mm, vv = g[:len(x)], mm[:len(x)], vv[:len(x)]
			for e, xe := range x {
				gr := g[e]
				if wd != 0 {
					gr += wd * xe
				}
				mm[e] = mm[e]*o.Beta1 + (1-o.Beta1)*gr
				vv[e] = vv[e]*o.Beta2 + (1-o.Beta2)*(gr*gr)
				x[e] = xe - step*(mm[e]/(math.Sqrt(vv[e])/bc2s+o.Eps))
			}
		})
	}
	return nil
}
