package continuous

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/internal/memlimit"
	"github.com/gnnwb/gnnwb/internal/parallel"
	"github.com/gnnwb/gnnwb/limits/plots"
	"github.com/gnnwb/gnnwb/limits/rates"
)

// KerivenConfig sets up the convergence experiment of Keriven, Bietti &
// Vaiter (2020) in one latent dimension (docs/mathematics.md §6.6). The
// zero value is the paper's setup, every field's default given below.
type KerivenConfig struct {
	// W is the graphon (zero: Gaussian(0.15), W(u,v) = exp(−(u−v)²/(2·0.15²))).
	W generators.Graphon
	// Widths are the GCN's widths d_0..d_L: L GCNConv layers, σ between them
	// and none after the last (nil: 1, 10, 10, 10, 10, 10, 1).
	Widths []int
	// Act is σ; Identity means the default ReLU (as gnn.ModelOptions).
	Act activation.Kind
	// Loops is the self-loop policy of every GCNConv. The zero value,
	// aggregation.NoLoops, is the paper's GCN, D^−½ A D^−½, whose graphon
	// limit is T_sym; with loops (AddMissingLoops, PyTorch Geometric's
	// default) the finite network's limit is the same T_sym, approached with
	// an extra O(1/(nρ)) bias per layer.
	Loops aggregation.Loops
	// Exponents a give the sparsity ρ_n = n^{−a}, one curve each
	// (nil: 0, 1/4, 1/2, that is ρ ∈ {1, n^{−1/4}, n^{−1/2}}). Each in [0,1).
	Exponents []float64
	// Sizes are the numbers of nodes n (nil: DefaultSizes(), 10 log-spaced
	// values from 10² to 10^3.5). Each ≥ 2.
	Sizes []int
	// Reps is the number of repetitions R per (ρ, n) (0: 30). Repetition r
	// has its own random network, the same for every n and ρ, and its own
	// graphs.
	Reps int
	// Panels and Nodes give the quadrature of the limit, PanelRule(Panels,
	// Nodes) (0: DefaultPanels, DefaultNodes). The limit is also computed
	// with 2·Panels panels to measure its own error (KerivenResult.LimitErr).
	Panels, Nodes int
	// Input is the node signal X, x_i = X(u_i), of width Widths[0]
	// (nil: Latent, X(u) = u).
	Input Signal
	// Seed fixes everything: the network of repetition r draws from
	// rand.New(rand.NewPCG(Seed, Mix(r))) its weights by gnn.InitParams
	// (Glorot, U(−a, a), a = sqrt(6/(d_in+d_out))) and then its biases from
	// U(−1/√d_in, 1/√d_in) (torch.nn.Linear's default; zero biases would
	// make every unit a multiple of T^k X for a one-channel input, and the
	// network linear); the graph of cell (ρ, n, r) has its own stream.
	Seed uint64
	// Bootstrap is the number of bootstrap resamples of the slope intervals
	// (0: 1000).
	Bootstrap int
	// Progress, if set, is called with (cells done, cells) from the calling
	// goroutine after every (ρ, n, repetition) cell.
	Progress func(done, total int64)
}

// KerivenResult is the outcome of KerivenExperiment.
type KerivenResult struct {
	Sizes   []int  `json:"sizes"`
	Reps    int    `json:"reps"`
	Q       int    `json:"quadrature_nodes"` // nodes of the limit's rule
	Seed    uint64 `json:"seed"`
	Graphon string `json:"graphon"`
	Widths  []int  `json:"widths"`
	Act     string `json:"activation"`
	// Aggregation is the GCN layers' aggregation (aggregation.String).
	Aggregation string          `json:"aggregation"`
	Regimes     []KerivenRegime `json:"regimes"`
	// LimitErr is the largest change, over repetitions, of the limit when its
	// quadrature is refined to twice the panels: NodeRMS is the L² distance
	// (∫ (g_Q − g_2Q)²)^{1/2} and Readout |∫ g_Q − ∫ g_2Q|. It must sit well
	// below the errors measured.
	LimitErr Errors `json:"limit_err"`
}

// KerivenRegime holds one sparsity curve ρ_n = n^{−Exponent}.
type KerivenRegime struct {
	Exponent float64 `json:"exponent"`
	// Node is e_node = ((1/n) Σ_i (ŷ_i − g^∞(u_i))²)^{1/2}; Readout is
	// |(1/n) Σ_i ŷ_i − ∫ g^∞(u) du|.
	Node    Curve `json:"node"`
	Readout Curve `json:"readout"`
}

// Curve is one measured error curve: Errors[r][i] for repetition r at
// Sizes[i], and the log-log fit of its mean over repetitions against n with
// bootstrap intervals over repetitions (limits/rates.BootstrapFit).
type Curve struct {
	Errors [][]float64 `json:"errors"`
	rates.Bootstrap
}

// DefaultSizes returns the 10 sizes n_k = round(10^{2 + 1.5k/9}), k = 0..9:
// 100, 147, 215, 316, 464, 681, 1000, 1468, 2154, 3162.
func DefaultSizes() []int {
	s := make([]int, 10)
	for k := range s {
		s[k] = int(math.Round(math.Pow(10, 2+1.5*float64(k)/9)))
	}
	return s
}

// withDefaults fills the zero fields and validates.
func (cfg KerivenConfig) withDefaults() (KerivenConfig, error) {
	const fn = "continuous: KerivenExperiment"
	if cfg.W.Func() == nil {
		w, err := generators.Gaussian(0.15)
		if err != nil {
			return cfg, err
		}
		cfg.W = w
	}
	if cfg.Widths == nil {
		cfg.Widths = []int{1, 10, 10, 10, 10, 10, 1}
	}
	if len(cfg.Widths) < 2 {
		return cfg, fmt.Errorf("%s: widths=%v: need at least 2: %w", fn, cfg.Widths, graphs.ErrParameter)
	}
	for k, d := range cfg.Widths {
		if d < 1 || d > 1<<12 {
			return cfg, fmt.Errorf("%s: widths[%d]=%d not in [1, 4096]: %w", fn, k, d, graphs.ErrParameter)
		}
	}
	if cfg.Act == activation.Identity {
		cfg.Act = activation.ReLU
	}
	if err := (aggregation.Aggregation{Norm: aggregation.Symmetric, Loops: cfg.Loops}).Validate(); err != nil {
		return cfg, fmt.Errorf("%s: loops: %w", fn, err)
	}
	if !cfg.Act.Valid() {
		return cfg, fmt.Errorf("%s: activation=%d: %w", fn, int(cfg.Act), graphs.ErrParameter)
	}
	if cfg.Exponents == nil {
		cfg.Exponents = []float64{0, 0.25, 0.5}
	}
	if len(cfg.Exponents) == 0 {
		return cfg, fmt.Errorf("%s: no exponents: %w", fn, graphs.ErrParameter)
	}
	for k, a := range cfg.Exponents {
		if !(a >= 0 && a < 1) {
			return cfg, fmt.Errorf("%s: exponents[%d]=%v not in [0,1): %w", fn, k, a, graphs.ErrParameter)
		}
	}
	if cfg.Sizes == nil {
		cfg.Sizes = DefaultSizes()
	}
	if len(cfg.Sizes) < 2 {
		return cfg, fmt.Errorf("%s: %d sizes, need at least 2: %w", fn, len(cfg.Sizes), graphs.ErrParameter)
	}
	for k, n := range cfg.Sizes {
		if n < 2 || n > 1<<20 {
			return cfg, fmt.Errorf("%s: sizes[%d]=%d not in [2, 2^20]: %w", fn, k, n, graphs.ErrParameter)
		}
	}
	if cfg.Reps == 0 {
		cfg.Reps = 30
	}
	if cfg.Bootstrap == 0 {
		cfg.Bootstrap = 1000
	}
	if cfg.Panels == 0 {
		cfg.Panels = DefaultPanels
	}
	if cfg.Nodes == 0 {
		cfg.Nodes = DefaultNodes
	}
	for _, v := range []struct {
		key string
		v   int
	}{{"reps", cfg.Reps}, {"bootstrap", cfg.Bootstrap}, {"panels", cfg.Panels}, {"nodes", cfg.Nodes}} {
		if v.v < 1 {
			return cfg, fmt.Errorf("%s: %s=%d < 1: %w", fn, v.key, v.v, graphs.ErrParameter)
		}
	}
	// The limit's Q×Q kernel on Q = panels·nodes points, the largest
	// graph (dense at exponent 0) and every repetition's errors.
	q, n := float64(cfg.Panels)*float64(cfg.Nodes), float64(slices.Max(cfg.Sizes))
	bytes := 8*q*q + 6*n*n*math.Pow(n, -slices.Min(cfg.Exponents)) +
		16*float64(cfg.Reps)*float64(len(cfg.Sizes)*len(cfg.Exponents)) + 8*float64(cfg.Bootstrap)
	if err := memlimit.Check(bytes); err != nil {
		return cfg, fmt.Errorf("%s: panels=%d × nodes=%d, sizes up to %d, reps=%d, bootstrap=%d: %v: %w", fn, cfg.Panels, cfg.Nodes, int(n), cfg.Reps, cfg.Bootstrap, err, graphs.ErrTooLarge)
	}
	if cfg.Input == nil {
		cfg.Input = Latent
		if cfg.Widths[0] != 1 {
			return cfg, fmt.Errorf("%s: widths[0]=%d but the default input X(u) = u has width 1: %w", fn, cfg.Widths[0], graphs.ErrShape)
		}
	}
	return cfg, nil
}

// gcnStack builds the experiment's network for repetition r:
// [GCNConv, σ]×(L−1), GCNConv with the self-loop policy loops, initialised
// from rand.NewPCG(seed, Mix(r)).
func gcnStack(widths []int, act activation.Kind, loops aggregation.Loops, seed uint64, r int) *gnn.Sequential {
	var ms []gnn.Module
	for k := 0; k+1 < len(widths); k++ {
		if k > 0 {
			ms = append(ms, gnn.NewActivation(act, 0))
		}
		c := gnn.NewGCNConv(widths[k], widths[k+1])
		c.Loops = loops
		ms = append(ms, c)
	}
	s := gnn.NewSequential(ms...)
	rng := rand.New(rand.NewPCG(seed, parallel.Mix(uint64(r))))
	gnn.InitParams(s.Params(), rng)
	// Biases U(−1/√d_in, 1/√d_in), torch.nn.Linear's default: with zero
	// biases, one input channel and a positive operator every unit would be
	// a multiple of T^k x and the network linear.
	for _, m := range ms {
		if c, ok := m.(*gnn.GCNConv); ok {
			bound := 1 / math.Sqrt(float64(c.In))
			for j := range c.B {
				c.B[j] = bound * (2*rng.Float64() - 1)
			}
		}
	}
	return s
}

// KerivenExperiment measures how fast a random untrained GCN on G(n, W, ρ_n)
// approaches its graphon limit: for every exponent a (ρ_n = n^{−a}), size n
// and repetition r it samples a graph with generators.Sample, runs
// repetition r's network on it with x_i = X(u_i) (symmetric normalisation
// under cfg.Loops, none by default) and compares with the same network's limit (New, on the
// quadrature grid, evaluated at the sampled latents) by Compare. Each curve
// is then fitted by rates.BootstrapFit (log mean error against log n, 95%
// interval from resampling repetitions).
//
// Cells run in parallel, one cell per chunk, each with its own seeded
// streams, so the result is the same bits for any GOMAXPROCS. Cost: R
// limits (O(Q²) each) and Σ over cells of O(n + |E|)·Σ_k d_k for sampling
// and the forward pass; the default setup samples about 4·10⁶ edges per
// dense repetition. Progress, if set, is called after each cell from the
// calling goroutine. Errors: an invalid config (graphs.ErrParameter,
// graphs.ErrShape), those of the generators and layers, a measured error of
// exactly 0 (a degenerate network: rates.BootstrapFit refuses it), and ctx's
// error (wrapped) when cancelled, in which case no result is returned.
func KerivenExperiment(ctx context.Context, cfg KerivenConfig) (KerivenResult, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return KerivenResult{}, err
	}
	E, S, R := len(cfg.Exponents), len(cfg.Sizes), cfg.Reps
	rule, err := PanelRule(cfg.Panels, cfg.Nodes)
	if err != nil {
		return KerivenResult{}, err
	}
	fine, err := PanelRule(2*cfg.Panels, cfg.Nodes)
	if err != nil {
		return KerivenResult{}, err
	}
	// The limits, one per repetition, and their own quadrature error.
	nets := make([]*Network, R)
	limErr := make([]Errors, R)
	err = parallel.ForErr(R, func(r int) error {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("continuous: KerivenExperiment: %w", err)
		}
		m := gcnStack(cfg.Widths, cfg.Act, cfg.Loops, cfg.Seed, r)
		net, err := New(m, cfg.W, cfg.Input, Options{Rule: rule})
		if err != nil {
			return err
		}
		nf, err := New(m, cfg.W, cfg.Input, Options{Rule: fine})
		if err != nil {
			return err
		}
		nets[r] = net
		limErr[r], err = limitDiff(net, nf)
		return err
	})
	if err != nil {
		return KerivenResult{}, err
	}
	res := KerivenResult{Sizes: append([]int(nil), cfg.Sizes...), Reps: R, Q: rule.Len(), Seed: cfg.Seed,
		Graphon: cfg.W.String(), Widths: append([]int(nil), cfg.Widths...), Act: cfg.Act.String(),
		Aggregation: aggregation.Aggregation{Norm: aggregation.Symmetric, Loops: cfg.Loops}.String()}
	for _, e := range limErr {
		res.LimitErr.NodeRMS = math.Max(res.LimitErr.NodeRMS, e.NodeRMS)
		res.LimitErr.Readout = math.Max(res.LimitErr.Readout, e.Readout)
	}
	// cells[(a*S+i)*R+r]; chunk c visits the largest n first.
	cells := make([]Errors, E*S*R)
	total := E * S * R
	done := make(chan struct{}, total)
	finished := make(chan error, 1)
	go func() {
		finished <- parallel.ForErr(total, func(c int) error {
			defer func() { done <- struct{}{} }()
			i := S - 1 - c/(E*R)
			a, r := (c/R)%E, c%R
			id := (a*S+i)*R + r
			e, err := kerivenCell(ctx, cfg, nets[r], a, i, r, id)
			cells[id] = e
			return err
		})
	}()
	for k := range total {
		<-done
		if cfg.Progress != nil {
			cfg.Progress(int64(k+1), int64(total))
		}
	}
	if err := <-finished; err != nil {
		return KerivenResult{}, err
	}
	x := make([]float64, S)
	for i, n := range cfg.Sizes {
		x[i] = float64(n)
	}
	for a, ex := range cfg.Exponents {
		reg := KerivenRegime{Exponent: ex}
		reg.Node.Errors, reg.Readout.Errors = make([][]float64, R), make([][]float64, R)
		for r := range R {
			reg.Node.Errors[r], reg.Readout.Errors[r] = make([]float64, S), make([]float64, S)
			for i := range S {
				e := cells[(a*S+i)*R+r]
				reg.Node.Errors[r][i], reg.Readout.Errors[r][i] = e.NodeRMS, e.Readout
			}
		}
		for k, c := range []*Curve{&reg.Node, &reg.Readout} {
			rng := rand.New(rand.NewPCG(cfg.Seed, parallel.Mix(uint64(1<<40+2*a+k))))
			b, err := rates.BootstrapFit(x, c.Errors, cfg.Bootstrap, rng)
			if err != nil {
				return KerivenResult{}, fmt.Errorf("continuous: KerivenExperiment: exponent %v: %w", ex, err)
			}
			c.Bootstrap = b
		}
		res.Regimes = append(res.Regimes, reg)
	}
	return res, nil
}

// kerivenCell samples the graph of cell id and compares the network with its
// limit.
func kerivenCell(ctx context.Context, cfg KerivenConfig, net *Network, a, i, r, id int) (Errors, error) {
	if err := ctx.Err(); err != nil {
		return Errors{}, fmt.Errorf("continuous: KerivenExperiment: %w", err)
	}
	n := cfg.Sizes[i]
	rho := math.Pow(float64(n), -cfg.Exponents[a])
	rng := rand.New(rand.NewPCG(parallel.Mix(cfg.Seed), parallel.Mix(uint64(id)+1)))
	g, u, err := generators.Sample(n, cfg.W, rho, rng)
	if err != nil {
		return Errors{}, fmt.Errorf("continuous: KerivenExperiment: n=%d rho=%v: %w", n, rho, err)
	}
	m := gcnStack(cfg.Widths, cfg.Act, cfg.Loops, cfg.Seed, r)
	yhat, err := runFinite(m, g, u, cfg.Input, net.in, net.out, false, rho)
	if err != nil {
		return Errors{}, fmt.Errorf("continuous: KerivenExperiment: n=%d: %w", n, err)
	}
	return net.Compare(ctx, yhat, u)
}

// limitDiff measures the quadrature error of net against the same network
// on a finer rule: the L² distance on the fine grid and the readout change.
func limitDiff(net, fine *Network) (Errors, error) {
	fr := fine.Rule()
	gc, err := net.At(fr.U)
	if err != nil {
		return Errors{}, err
	}
	gf, err := fine.Grid()
	if err != nil {
		return Errors{}, err
	}
	o := net.out
	var s float64
	for q, w := range fr.Omega {
		for k := range o {
			d := gc[q*o+k] - gf[q*o+k]
			s += w * d * d
		}
	}
	return Errors{NodeRMS: math.Sqrt(s / float64(o)), Readout: rms(net.graph, fine.graph)}, nil
}

// WritePlots draws the two log-log figures of the result with
// limits/plots.Rate: the node-level RMS error (nodePath) and the mean
// readout's error (readoutPath) against n, one curve per sparsity with error
// bars (standard error over repetitions) and its fitted slope. An empty path
// skips that figure. Errors: those of plots.Rate (bad extension, file
// errors).
func (res KerivenResult) WritePlots(nodePath, readoutPath string) error {
	x := make([]float64, len(res.Sizes))
	for i, n := range res.Sizes {
		x[i] = float64(n)
	}
	for _, f := range []struct {
		path, title, y string
		curve          func(KerivenRegime) Curve
	}{
		{nodePath, "GCN vs its graphon limit: node outputs", "RMS error e_node", func(r KerivenRegime) Curve { return r.Node }},
		{readoutPath, "GCN vs its graphon limit: mean readout", "readout error |mean ŷ − ∫g|", func(r KerivenRegime) Curve { return r.Readout }},
	} {
		if f.path == "" {
			continue
		}
		var series []plots.Series
		for _, r := range res.Regimes {
			c := f.curve(r)
			series = append(series, plots.Series{Label: RhoLabel(r.Exponent), X: x, Mean: c.Mean, StdErr: c.StdErr})
		}
		if err := plots.Rate(f.path, series, plots.Labels{Title: f.title, X: "n (nodes)", Y: f.y}); err != nil {
			return fmt.Errorf("continuous: WritePlots: %w", err)
		}
	}
	return nil
}

// RhoLabel names the sparsity ρ = n^{−a} as a figure or table shows it:
// "ρ = 1" for a = 0, "ρ = n^−¼", "ρ = n^−½", "ρ = n^−¾" for those
// exponents, otherwise "ρ = n^−a" with a in its shortest form.
func RhoLabel(a float64) string {
	switch a {
	case 0:
		return "ρ = 1"
	case 0.25:
		return "ρ = n^−¼"
	case 0.5:
		return "ρ = n^−½"
	case 0.75:
		return "ρ = n^−¾"
	}
	return fmt.Sprintf("ρ = n^−%g", a)
}
