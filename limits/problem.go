package limits

import (
	"encoding/json"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/internal/strictyaml"
)

// Problem is one learning problem of docs/mathematics.md §3–5: the data-generating
// process (graphon W, sparsity ρ, aggregation, feature signal X, target Y,
// noise), the network (σ, γ, α, μ_0, batch, sampler) and the evaluation
// times. The same Problem drives the finite networks (gnn/shallow trained
// on generators' samplers) and every limit solver (Setup), so the two sides
// cannot disagree about the problem. It is plain data: it reads from JSON or
// YAML (ReadProblem, DecodeProblem) and is written into every output.
//
// W, X and Y are generators values: built from a spec by
// generators.ParseGraphon, ParseSignal and ParseTarget, or from any Go
// function by generators.GraphonFunc, SignalFunc and TargetFunc. In JSON and
// YAML every field is one key (the comments below): graphon, signal and
// target hold the spec (a Go function is written by its name, which need not
// parse), aggregation a name of aggregation.Parse, activation a name of
// activation.Parse (not elu, which the model does not take), sampler ego or
// whole (Sampling), the others numbers. A spec is written in the canonical
// form of its String method (numbers in their shortest exact form, SBM block
// weights as proportions). A graphon, signal or target name that does not
// parse reads as a value with that name and no function (as
// generators.GraphonFunc(name, nil) builds), so that a problem recorded with
// a Go function reads back; Validate refuses it.
type Problem struct {
	Graphon     generators.Graphon      // graphon: W, e.g. exponential, sbm:0.5,0.5:0.8,0.2;0.2,0.8
	Rho         float64                 // rho: ρ ∈ (0,1]
	Aggregation aggregation.Aggregation // aggregation: graphon, mean, symmetric, with :add or :add-missing (sum has no limit)
	Signal      generators.Signal       // signal: X, fourier:K or poly:K
	Target      generators.Target       // target: Y, poly:c0,c1,…, sin:k or step:a
	NoiseX      float64                 // noise_x: sd of the Gaussian noise on each feature
	NoiseY      float64                 // noise_y: sd of the Gaussian noise on y

	Activation activation.Kind // activation: σ, identity, tanh, relu, sigmoid or erf
	Gamma      float64         // gamma: γ ∈ [½, 1]
	Alpha      float64         // alpha: α > 0
	Sc         float64         // sc: c ~ N(0, s_c²)
	Sw         float64         // sw: a ~ N(0, s_w² I/d)
	Symmetric  bool            // symmetric: units in pairs (c, a), (−c, a): g_0 ≡ 0
	Times      []float64       // times: evaluation times t ≥ 0, strictly increasing
	Batch      int             // batch: B samples per SGD step (whole sampler: 0 means all n nodes)
	Sampler    Sampling        // sampler: ego (the zero value) or whole
	Quadrature int             // quadrature: Q Gauss–Legendre nodes in u
}

// Sampling is how a finite network draws the samples of its SGD steps from
// G(n, W, ρ): EgoSampling (generators.NewEgoSampler, the zero value) or
// WholeGraphSampling (generators.NewWholeGraphSampler). Its text form, in
// files and flags, is "ego" or "whole".
type Sampling int

// The samplers.
const (
	EgoSampling        Sampling = iota // "ego"
	WholeGraphSampling                 // "whole"
)

var samplerNames = [...]string{"ego", "whole"}

// String returns "ego" or "whole", or "Sampling(k)" for a value that is
// neither.
func (s Sampling) String() string {
	if s < 0 || int(s) >= len(samplerNames) {
		return fmt.Sprintf("Sampling(%d)", int(s))
	}
	return samplerNames[s]
}

// ParseSampling returns the sampler named s: "ego" or "whole", case
// ignored; "" is ego. Any other name gives an error wrapping
// graphs.ErrParameter that quotes it.
func ParseSampling(s string) (Sampling, error) {
	switch strings.ToLower(s) {
	case "", "ego":
		return EgoSampling, nil
	case "whole":
		return WholeGraphSampling, nil
	}
	return 0, fmt.Errorf("limits: ParseSampling: sampler=%q not ego or whole: %w", s, graphs.ErrParameter)
}

// MarshalText returns the name of s; a value that is not a sampler is an
// error (graphs.ErrParameter).
func (s Sampling) MarshalText() ([]byte, error) {
	if s < 0 || int(s) >= len(samplerNames) {
		return nil, fmt.Errorf("limits: Sampling.MarshalText: %v: %w", s, graphs.ErrParameter)
	}
	return []byte(s.String()), nil
}

// UnmarshalText sets s from its name, as ParseSampling.
func (s *Sampling) UnmarshalText(text []byte) error {
	v, err := ParseSampling(string(text))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// DefaultProblem is the problem the CLI starts from: the smooth exponential
// graphon W = exp(−(u+v)), dense (ρ = 1), graphon aggregation,
// X(u) = (cos 2πu, sin 2πu) (fourier:1, d = 2), Y(u) = sin 2πu, no noise,
// tanh, mean-field scaling γ = 1, α = 3, s_c = s_w = 1, μ_0 not symmetric,
// t ∈ {0.5, 2} (by t = 2 the mean-field limit fits Y to an RMS error of
// 0.06), B = 1, the ego sampler and Q = 48 quadrature nodes.
func DefaultProblem() Problem {
	return Problem{
		Graphon: generators.Exponential(), Rho: 1, Aggregation: aggregation.Aggregation{}, Signal: must(generators.ParseSignal("fourier:1")),
		Target: must(generators.ParseTarget("sin:1")), Activation: activation.Tanh, Gamma: 1, Alpha: 3, Sc: 1, Sw: 1,
		Times: []float64{0.5, 2}, Batch: 1, Sampler: EgoSampling, Quadrature: 48,
	}
}

// must returns v of a parse of a constant spec, which cannot fail.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// MaxScale bounds the scales of a Problem (alpha, sc, sw, noise_x,
// noise_y): larger values are meaningless and overflow the solvers.
const MaxScale = 1e6

// maxBatch bounds batch (the samplers' limit).
const maxBatch = 1 << 30

// MaxQuadrature bounds Problem.Quadrature (the kernel limit is O(Q³)).
const MaxQuadrature = 4096

// maxGrid bounds the training grid (quadrature nodes times Gauss–Hermite
// noise nodes).
const maxGrid = 1 << 15

// Validate checks every field without building anything heavy: W, X and Y
// with functions (not the zero values), the aggregation known and not the
// sum, σ one of the five the model takes (not ELU), the numbers in their ranges, the sampler
// known. Errors wrap graphs.ErrParameter and name the field and its value,
// except for a spec read from a file that did not parse: that error is its
// parser's (graphs.ErrFormat, ErrParameter or ErrShape).
func (p Problem) Validate() error {
	_, err := p.resolve()
	return err
}

// resolved is what a Problem implies beyond its fields.
type resolved struct {
	d  int
	pi []float64 // SBM block proportions (nil: not an SBM)
}

func perr(format string, a ...any) error {
	return fmt.Errorf("limits: Problem: "+format+": %w", append(a, graphs.ErrParameter)...)
}

func (p Problem) resolve() (resolved, error) {
	var r resolved
	if err := p.checkFuncs(); err != nil {
		return r, err
	}
	if p.Graphon.Breaks() != nil {
		r.pi = sbmProportions(p.Graphon.String())
	}
	r.d = p.Signal.Dim()
	if !(p.Rho > 0 && p.Rho <= 1) {
		return r, perr("rho=%v not in (0,1]", p.Rho)
	}
	if err := p.Aggregation.Validate(); err != nil {
		return r, fmt.Errorf("limits: Problem: %w", err)
	}
	if p.Aggregation.Norm == aggregation.Sum {
		return r, perr("aggregation=%s grows with nρ and has no graphon limit; use graphon, mean or symmetric", p.Aggregation)
	}
	for _, v := range []struct {
		name string
		x    float64
	}{{"noise_x", p.NoiseX}, {"noise_y", p.NoiseY}, {"sc", p.Sc}, {"sw", p.Sw}} {
		if !(v.x >= 0 && v.x <= MaxScale) {
			return r, perr("%s=%v not in [0, %g]", v.name, v.x, MaxScale)
		}
	}
	if !p.Activation.Valid() {
		return r, perr("activation=%v not a known activation", p.Activation)
	}
	if p.Activation == activation.ELU {
		return r, perr("activation=%q: the one-hidden-layer model takes identity, tanh, relu, sigmoid or erf", p.Activation)
	}
	if !(p.Gamma >= 0.5 && p.Gamma <= 1) {
		return r, perr("gamma=%v not in [0.5, 1]", p.Gamma)
	}
	if !(p.Alpha > 0 && p.Alpha <= MaxScale) {
		return r, perr("alpha=%v not in (0, %g]", p.Alpha, MaxScale)
	}
	if len(p.Times) == 0 {
		return r, perr("times is empty; give at least one evaluation time")
	}
	for i, t := range p.Times {
		if !(t >= 0 && t <= 1e6) {
			return r, perr("times[%d]=%v not in [0, 1e6]", i, t)
		}
		if i > 0 && !(t > p.Times[i-1]) {
			return r, perr("times must be strictly increasing: times[%d]=%v after %v", i, t, p.Times[i-1])
		}
	}
	if p.Batch > maxBatch {
		return r, perr("batch=%d exceeds %d", p.Batch, maxBatch)
	}
	switch p.Sampler {
	case EgoSampling:
		if p.Batch < 1 {
			return r, perr("batch=%d < 1 (the ego sampler draws B ≥ 1 nodes per step)", p.Batch)
		}
		if p.Aggregation.Norm == aggregation.Symmetric {
			return r, perr("aggregation=%s needs sampler=whole (the ego sampler cannot draw it exactly)", p.Aggregation)
		}
	case WholeGraphSampling:
		if p.Batch < 0 {
			return r, perr("batch=%d < 0 (0 means all n nodes)", p.Batch)
		}
	default:
		return r, perr("sampler=%v not ego or whole", p.Sampler)
	}
	if p.Quadrature < 2 || p.Quadrature > MaxQuadrature {
		return r, perr("quadrature=%d not in [2, %d]", p.Quadrature, MaxQuadrature)
	}
	return r, nil
}

// checkFuncs checks that W, X and Y have functions (generators.Process
// refuses the zero values and nil functions). A value without a function
// whose name its parser refuses — what decoding gives for a misspelt spec,
// or for the recorded name of a Go function — is refused with the parser's
// error, which says what is wrong with the name.
func (p Problem) checkFuncs() error {
	err := generators.Process{W: p.Graphon, Rho: 1, N: 1, X: p.Signal, Y: p.Target}.Validate()
	if err == nil {
		return nil
	}
	// Process checks W, then X, then Y: the first without a function failed.
	switch {
	case p.Graphon.Func() == nil:
		if _, perr := generators.ParseGraphon(p.Graphon.String()); perr != nil && p.Graphon != (generators.Graphon{}) {
			return fmt.Errorf("limits: Problem: graphon: %w", perr)
		}
	case p.Signal.Dim() == 0:
		if _, perr := generators.ParseSignal(p.Signal.String()); perr != nil && p.Signal.String() != "" {
			return fmt.Errorf("limits: Problem: signal: %w", perr)
		}
	case (generators.Process{W: p.Graphon, Rho: 1, N: 1, X: p.Signal, Y: anyTarget}).Validate() == nil: // Y failed
		if _, perr := generators.ParseTarget(p.Target.String()); perr != nil && p.Target.String() != "" {
			return fmt.Errorf("limits: Problem: target: %w", perr)
		}
	}
	return fmt.Errorf("limits: Problem: %w", err)
}

// anyTarget is a valid Y, to tell whether Process.Validate refused X or Y.
var anyTarget = must(generators.ParseTarget("sin:1"))

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sbmProportions returns the normalised block weights of an "sbm:" spec (nil
// otherwise), so that the quadrature integrates the SBM exactly. resolve
// passes an SBM graphon's String, which lists its proportions exactly.
func sbmProportions(spec string) []float64 {
	s := strings.TrimSpace(spec)
	rest, ok := strings.CutPrefix(s, "sbm:")
	if !ok {
		return nil
	}
	sizes, _, _ := strings.Cut(rest, ":")
	var pi []float64
	tot := 0.0
	for _, f := range strings.Split(sizes, ",") {
		x, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || !(x >= 0) {
			return nil
		}
		if x > 0 {
			pi = append(pi, x)
			tot += x
		}
	}
	if tot <= 0 {
		return nil
	}
	for i := range pi {
		pi[i] /= tot
	}
	return pi
}

// DecodeProblem reads a problem from JSON or YAML (YAML is a superset of
// JSON: the YAML decoder is used for both) on top of DefaultProblem, so a
// file names only what differs. Unknown keys are errors. Errors: syntax,
// unknown keys and values of the wrong type wrap graphs.ErrFormat and carry
// the decoder's line number; an activation or sampler name that does not
// parse keeps the kind of its parser's error (aggregation.Parse,
// activation.Parse, ParseSampling); the result is also validated, which refuses a graphon,
// signal or target spec that does not parse with the error of
// generators.ParseGraphon, ParseSignal or ParseTarget.
func DecodeProblem(r io.Reader) (Problem, error) {
	p := DefaultProblem()
	if err := decodeStrict(r, &p); err != nil {
		return Problem{}, fmt.Errorf("limits: DecodeProblem: %w", err)
	}
	if err := p.Validate(); err != nil {
		return Problem{}, err
	}
	return p, nil
}

// errorKinds are the error kinds of graphs: an error of a value's own parser
// (such as a graphon spec) that decoding passes on with its kind.
var errorKinds = []error{graphs.ErrParameter, graphs.ErrShape, graphs.ErrTooLarge, graphs.ErrFormat}

// decodeStrict decodes YAML (or JSON) into v, refusing unknown keys; an
// empty input leaves v unchanged. Errors of the decoder wrap
// graphs.ErrFormat; those of a value's own parser keep their kind.
func decodeStrict(r io.Reader, v any) error {
	return strictyaml.Decode(r, v, graphs.ErrFormat, errorKinds...)
}

// ReadProblem reads a problem file (.json, .yaml or .yml) with DecodeProblem.
// Errors in the content are a *graphs.ParseError naming the file.
func ReadProblem(path string) (Problem, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return Problem{}, fmt.Errorf("limits: ReadProblem: %w", err)
	}
	defer f.Close()
	if err := inputfile.NotEmpty(f); err != nil {
		return Problem{}, fmt.Errorf("limits: ReadProblem: %w", &graphs.ParseError{Path: path, Err: fmt.Errorf("%w: %w", err, graphs.ErrFormat)})
	}
	p, err := DecodeProblem(f)
	if err != nil {
		return Problem{}, fmt.Errorf("limits: ReadProblem: %w", &graphs.ParseError{Path: filepath.Base(path), Err: err})
	}
	return p, nil
}

// clone returns p with its own copy of Times.
func (p Problem) clone() Problem {
	p.Times = slices.Clone(p.Times)
	return p
}

// MarshalIndent is the problem as indented JSON (Go functions by name).
func (p Problem) MarshalIndent() ([]byte, error) {
	return json.MarshalIndent(p, "", "  ")
}
