package gnn

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"fmt"
	"math/rand/v2"

	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/memlimit"
)

// Kinds of model NewModel builds.
const (
	KindGCN  = "gcn"
	KindSAGE = "sage"
	KindGIN  = "gin"
	KindGAT  = "gat"
)

// ModelOptions shape a model built by NewModel or NewGraphModel. The zero
// value is valid: 2 message-passing layers, no dropout, ReLU (ELU for GAT),
// 8 heads for GAT, weight decay on the first layer only.
type ModelOptions struct {
	// Layers is the number of message-passing layers (0: 2).
	Layers int
	// Dropout is the drop probability before every message-passing layer
	// (input dropout included, as Kipf & Welling) and before the final
	// linear layer of a graph model.
	Dropout float64
	// AttnDropout is GAT's attention dropout.
	AttnDropout float64
	// Heads is the number of GAT heads of the hidden layers (0: 8); the
	// output layer has one head (Veličković et al. 2018, Cora setting).
	Heads int
	// Act is the activation between layers; activation.Identity means the
	// default (ReLU; ELU for GAT). Use Tanh, Sigmoid or Erf explicitly.
	Act activation.Kind
	// NoSelfLoops (gcn only) aggregates with D^−½ A D^−½ instead of adding
	// a self loop where a node lacks one, as PyTorch Geometric's
	// GCNConv(add_self_loops=False) and the GCN of Keriven, Bietti & Vaiter
	// (2020).
	NoSelfLoops bool
	// TrainEps makes GIN's ε learnable (GIN-ε); otherwise ε = 0 (GIN-0).
	TrainEps bool
	// DecayAll applies weight decay to every parameter; by default only the
	// first layer's parameters decay, as in Kipf & Welling's code.
	DecayAll bool
	// Pool is the readout of a graph model (NewGraphModel); with
	// HeadJumpSum it pools every layer.
	Pool Pool
	// BatchNorm (gin only) adds BatchNorm layers as Xu et al.'s code: after
	// the first Linear of every GIN MLP (Linear, BatchNorm, ReLU, Linear)
	// and after every GIN layer followed by σ (GINConv, BatchNorm, σ).
	// Every training batch must then have at least 2 nodes (see BatchNorm).
	BatchNorm bool
	// Head is the head of a graph model (NewGraphModel): HeadMLP (the
	// zero value) or HeadJumpSum. With HeadJumpSum, Dropout acts only on
	// the per-layer class scores (Xu et al.'s final_dropout), not before
	// the message-passing layers. Node models need HeadMLP.
	Head Head
}

// Model is a stack of message-passing layers built by NewModel or
// NewGraphModel: a Sequential plus the information needed to rebuild it.
type Model struct {
	Kind             string
	In, Hidden, Out  int
	Options          ModelOptions
	Net              *Sequential
	firstParamModule int // index of the first module with parameters
	graphLevel       bool
}

// NewModel builds a node-level model of kind gcn, sage, gin or gat with in
// input features, hidden units per layer and out outputs (classes):
//
//	gcn:  [Dropout, GCNConv, σ]×(L−1), Dropout, GCNConv            (Kipf & Welling 2017)
//	sage: [Dropout, SAGEConv, σ]×(L−1), Dropout, SAGEConv          (Hamilton et al. 2017)
//	gin:  [Dropout, GINConv(MLP: Linear, ReLU, Linear), σ]×(L−1), Dropout, GINConv (Xu et al. 2019)
//	gat:  [Dropout, GATConv(H heads, concat), ELU]×(L−1), Dropout, GATConv(1 head) (Veličković et al. 2018)
//
// For GAT, hidden is the number of channels per head (8 in the paper).
// With opt.BatchNorm (gin only) the GIN MLPs are Linear, BatchNorm, ReLU,
// Linear and every GINConv followed by σ is followed by a BatchNorm first.
// Parameters are zero until Init. Errors wrap graphs.ErrParameter for an
// unknown kind, non-positive sizes, BatchNorm with another kind than gin,
// NoSelfLoops with another than gcn, AttnDropout with another than gat, or
// a Head other than HeadMLP.
func NewModel(kind string, in, hidden, out int, opt ModelOptions) (*Model, error) {
	return newModel(kind, in, hidden, out, opt, false)
}

// NewGraphModel builds a graph-level model: the message-passing layers of
// NewModel with hidden outputs (all followed by σ), then the readout
// opt.Pool, Linear(hidden, hidden), ReLU, Dropout, Linear(hidden, out), as
// PyTorch Geometric's GIN example for TU data sets.
//
// With opt.Head = HeadJumpSum the model is instead one JumpSum module:
// the blocks [conv, σ]×L without dropout, every h^(k) (k = 0..L, the input
// features included) pooled by opt.Pool, mapped by its own
// Linear(d_k, out), dropped out with opt.Dropout and summed. Xu et al.'s
// GIN (2019, their models/graphcnn.py with the defaults of main.py) is
// kind gin, Layers 4 (their num_layers 5 counts the input), hidden 64,
// BatchNorm, HeadJumpSum, SumPool, Dropout 0.5:
//
//	[GINConv(MLP: Linear, BatchNorm, ReLU, Linear), BatchNorm, ReLU]×4, JumpSum over h^(0..4)
//
// Errors as NewModel, plus graphs.ErrParameter for BatchNorm with a kind
// other than gin and for an unknown Head.
func NewGraphModel(kind string, in, hidden, out int, opt ModelOptions) (*Model, error) {
	return newModel(kind, in, hidden, out, opt, true)
}

// MemoryBytes estimates the bytes training a model of these sizes takes on
// a graph (or batch) of nodes nodes: its parameters four times (values,
// gradients and the two moments of Adam) and, per layer and node, six
// float64 values per hidden unit (activations, their gradients, dropout
// masks and the layers' caches); heads multiply the width of gat's layers.
// The arithmetic is in float64, so that huge sizes give a huge estimate
// instead of overflowing. Layers 0 and Heads 0 count as their defaults 2
// and 8. Training's size checks compare it with the memory the process may
// use.
func MemoryBytes(kind string, nodes, in, hidden, out int, opt ModelOptions) float64 {
	layers, width := float64(opt.Layers), float64(hidden)
	if opt.Layers <= 0 {
		layers = 2
	}
	if kind == KindGAT {
		heads := opt.Heads
		if heads <= 0 {
			heads = 8
		}
		width *= float64(heads)
	}
	params := float64(in)*width + (layers-1)*width*width + width*float64(out) + layers*width*3
	acts := float64(nodes) * (layers*width*6 + float64(in) + float64(out)*3)
	return 8 * (4*params + acts)
}

func newModel(kind string, in, hidden, out int, opt ModelOptions, graphLevel bool) (*Model, error) {
	if in <= 0 || hidden <= 0 || out <= 0 {
		return nil, fmt.Errorf("gnn: NewModel: in=%d hidden=%d out=%d must be positive: %w", in, hidden, out, graphs.ErrParameter)
	}
	if opt.Layers == 0 {
		opt.Layers = 2
	}
	if opt.Layers < 1 || opt.Layers > 64 {
		return nil, fmt.Errorf("gnn: NewModel: layers=%d not in [1,64]: %w", opt.Layers, graphs.ErrParameter)
	}
	if !(opt.Dropout >= 0 && opt.Dropout < 1) {
		return nil, fmt.Errorf("gnn: NewModel: dropout=%v not in [0,1): %w", opt.Dropout, graphs.ErrParameter)
	}
	if !(opt.AttnDropout >= 0 && opt.AttnDropout < 1) {
		return nil, fmt.Errorf("gnn: NewModel: attn_dropout=%v not in [0,1): %w", opt.AttnDropout, graphs.ErrParameter)
	}
	if opt.Heads == 0 {
		opt.Heads = 8
	}
	if opt.Heads < 0 {
		return nil, fmt.Errorf("gnn: NewModel: heads=%d is negative: %w", opt.Heads, graphs.ErrParameter)
	}
	if err := memlimit.Check(MemoryBytes(kind, 0, in, hidden, out, opt)); err != nil {
		return nil, fmt.Errorf("gnn: NewModel: in=%d hidden=%d heads=%d layers=%d: %v: %w", in, hidden, opt.Heads, opt.Layers, err, graphs.ErrTooLarge)
	}
	act := opt.Act
	if act == activation.Identity {
		act = activation.ReLU
		if kind == KindGAT {
			act = activation.ELU
		}
	}
	if act < activation.Identity || act > activation.ELU {
		return nil, fmt.Errorf("gnn: NewModel: activation=%d: %w", int(act), graphs.ErrParameter)
	}
	if graphLevel && (opt.Pool < SumPool || opt.Pool > MaxPool) {
		return nil, fmt.Errorf("gnn: NewGraphModel: pool=%d: %w", int(opt.Pool), graphs.ErrParameter)
	}
	if opt.NoSelfLoops && kind != KindGCN {
		return nil, fmt.Errorf("gnn: NewModel: no_self_loops with kind=%q (gcn only): %w", kind, graphs.ErrParameter)
	}
	if opt.BatchNorm && kind != KindGIN {
		return nil, fmt.Errorf("gnn: NewModel: batch_norm with kind=%q (gin only): %w", kind, graphs.ErrParameter)
	}
	if opt.AttnDropout != 0 && kind != KindGAT {
		return nil, fmt.Errorf("gnn: NewModel: attn_dropout=%v with kind=%q (gat only): %w", opt.AttnDropout, kind, graphs.ErrParameter)
	}
	if opt.Head < HeadMLP || opt.Head > HeadJumpSum || (!graphLevel && opt.Head != HeadMLP) {
		return nil, fmt.Errorf("gnn: NewModel: head=%v (mlp or jk-sum; node models take mlp only): %w", opt.Head, graphs.ErrParameter)
	}
	jk := graphLevel && opt.Head == HeadJumpSum
	var blocks []Module // JumpSum's layers
	var ms []Module
	salt := uint64(0)
	dropout := func() {
		if opt.Dropout > 0 {
			salt++
			ms = append(ms, NewDropout(opt.Dropout, salt))
		}
	}
	d := in
	for k := 0; k < opt.Layers; k++ {
		last := k == opt.Layers-1 && !graphLevel
		o := hidden
		if last {
			o = out
		}
		if !jk {
			dropout()
		}
		var conv Module
		switch kind {
		case KindGCN:
			c := NewGCNConv(d, o)
			if opt.NoSelfLoops {
				c.Loops = aggregation.NoLoops
			}
			conv = c
		case KindSAGE:
			conv = NewSAGEConv(d, o)
		case KindGIN:
			mlp := NewSequential(NewLinear(d, hidden, true), NewActivation(activation.ReLU, 0), NewLinear(hidden, o, true))
			if opt.BatchNorm {
				mlp = NewSequential(NewLinear(d, hidden, true), NewBatchNorm(hidden), NewActivation(activation.ReLU, 0), NewLinear(hidden, o, true))
			}
			conv = NewGINConv(d, mlp, 0, opt.TrainEps)
		case KindGAT:
			heads, concat := opt.Heads, true
			if last {
				heads, concat = 1, false
			}
			g := NewGATConv(d, o, heads, concat)
			g.AttnDropout = opt.AttnDropout
			salt++
			g.Salt = salt
			conv = g
		default:
			return nil, fmt.Errorf("gnn: NewModel: kind=%q not one of gcn, sage, gin, gat: %w", kind, graphs.ErrParameter)
		}
		layer := []Module{conv}
		_, d = conv.Dims()
		if !last {
			if opt.BatchNorm {
				layer = append(layer, NewBatchNorm(d))
			}
			layer = append(layer, NewActivation(act, 0))
		}
		if jk {
			blocks = append(blocks, NewSequential(layer...))
		} else {
			ms = append(ms, layer...)
		}
	}
	switch {
	case jk:
		j, err := NewJumpSum(blocks, opt.Pool, out, opt.Dropout, salt+1)
		if err != nil {
			return nil, err
		}
		ms = []Module{j}
	case graphLevel:
		ms = append(ms, NewReadout(opt.Pool, d), NewLinear(d, hidden, true), NewActivation(activation.ReLU, 0))
		dropout()
		ms = append(ms, NewLinear(hidden, out, true))
	}
	m := &Model{Kind: kind, In: in, Hidden: hidden, Out: out, Options: opt, Net: NewSequential(ms...), graphLevel: graphLevel}
	for k, mod := range ms {
		if len(mod.Params()) > 0 {
			m.firstParamModule = k
			break
		}
	}
	return m, nil
}

// Params returns the parameters (and buffers) in a fixed order; unless
// Options.DecayAll, all but the first layer's are marked NoDecay. A
// HeadJumpSum model is a single module, so there all of them decay.
func (m *Model) Params() []Param {
	var ps []Param
	for k, mod := range m.Net.Modules {
		p := mod.Params()
		for i := range p {
			p[i].Name = fmt.Sprintf("%d.%s", k, p[i].Name)
			if !m.Options.DecayAll && k != m.firstParamModule {
				p[i].NoDecay = true
			}
		}
		ps = append(ps, p...)
	}
	return ps
}

// Init initialises the parameters from seed (rand.New(rand.NewPCG(seed, 0)),
// Glorot weights, zero biases, in Params order).
func (m *Model) Init(seed uint64) {
	InitParams(m.Params(), rand.New(rand.NewPCG(seed, 0)))
}

// Sparse reports whether the first layer accepts sparse input features.
func (m *Model) Sparse() bool {
	_, ok := m.Net.Modules[m.firstParamModule].(SparseModule)
	return ok
}

// Forward computes the model output (nodes×Out, or graphs×Out for a graph
// model) into out.
func (m *Model) Forward(out []float64, x Features, b *Batch) error {
	if x.Sparse != nil {
		return m.Net.ForwardSparse(out, x.Sparse, b)
	}
	return m.Net.Forward(out, x.Dense, b)
}

// Backward accumulates the parameter gradients for dout = ∂L/∂out after
// Forward (no input gradient).
func (m *Model) Backward(dout []float64, b *Batch) error {
	return m.Net.Backward(nil, dout, b)
}

// Predict returns a new slice with the model output for x on b in
// evaluation mode (dropout off): nodes×Out for a node model, graphs×Out for
// a graph model. b.Train is left false. Errors as Forward.
func (m *Model) Predict(b *Batch, x Features) ([]float64, error) {
	rows := b.NumNodes()
	if m.graphLevel {
		rows = b.NumGraphs()
	}
	out := make([]float64, rows*m.Out)
	b.Train = false
	if err := m.Forward(out, x, b); err != nil {
		return nil, err
	}
	return out, nil
}
