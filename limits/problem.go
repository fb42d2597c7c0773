package limits

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// Problem is one learning problem of MATH.md sections 3–5: the data-generating
// process (graphon W, sparsity ρ, aggregation, feature signal X, target Y,
// noise), the network (σ, γ, α, μ_0, batch, sampler) and the evaluation
// times. The same Problem drives the finite networks (gnn/asymptotic trained
// on generators' samplers) and every limit solver (Setup), so the two sides
// cannot disagree about the problem. It is plain data: it reads from JSON or
// YAML (ReadProblem, DecodeProblem) and is written into every output.
//
// Graphon, Signal and Target are specs in the syntax of
// generators.ParseGraphon, ParseSignal and ParseTarget. Any Go function can
// be used instead through the fields WFunc, XFunc and YFunc (built with
// generators.GraphonFunc, SignalFunc, TargetFunc); when set they take
// precedence (a Target is recognised as set by its non-empty name), are not
// serialised, and their names are written into the spec fields by Setup so
// outputs still say what produced them.
type Problem struct {
	Graphon     string  `json:"graphon" yaml:"graphon"`         // W, e.g. "exponential", "sbm:0.5,0.5:0.8,0.2;0.2,0.8"
	Rho         float64 `json:"rho" yaml:"rho"`                 // ρ ∈ (0,1]
	Aggregation string  `json:"aggregation" yaml:"aggregation"` // graphon, mean, symmetric (sum has no limit)
	Signal      string  `json:"signal" yaml:"signal"`           // X: fourier:K or poly:K
	Target      string  `json:"target" yaml:"target"`           // Y: poly:c0,c1,…, sin:k or step:a
	NoiseX      float64 `json:"noise_x" yaml:"noise_x"`         // sd of the Gaussian noise on each feature
	NoiseY      float64 `json:"noise_y" yaml:"noise_y"`         // sd of the Gaussian noise on y

	Activation string    `json:"activation" yaml:"activation"` // identity, tanh, relu, sigmoid, erf
	Gamma      float64   `json:"gamma" yaml:"gamma"`           // γ ∈ [½, 1]
	Alpha      float64   `json:"alpha" yaml:"alpha"`           // α > 0
	Sc         float64   `json:"sc" yaml:"sc"`                 // c ~ N(0, s_c²)
	Sw         float64   `json:"sw" yaml:"sw"`                 // a ~ N(0, s_w² I/d)
	Symmetric  bool      `json:"symmetric" yaml:"symmetric"`   // units in pairs (c, a), (−c, a): g_0 ≡ 0
	Times      []float64 `json:"times" yaml:"times"`           // evaluation times t ≥ 0, strictly increasing
	Batch      int       `json:"batch" yaml:"batch"`           // B samples per SGD step (whole sampler: 0 means all n nodes)
	Sampler    string    `json:"sampler" yaml:"sampler"`       // ego (default) or whole
	Quadrature int       `json:"quadrature" yaml:"quadrature"` // Q Gauss–Legendre nodes in u

	WFunc generators.Graphon `json:"-" yaml:"-"` // a Go graphon (overrides Graphon)
	XFunc generators.Signal  `json:"-" yaml:"-"` // a Go signal (overrides Signal)
	YFunc generators.Target  `json:"-" yaml:"-"` // a Go target (overrides Target)
}

// DefaultProblem is the problem the CLI starts from: the smooth exponential
// graphon W = exp(−(u+v)), dense (ρ = 1), graphon aggregation,
// X(u) = (cos 2πu, sin 2πu) (fourier:1, d = 2), Y(u) = sin 2πu, no noise,
// tanh, mean-field scaling γ = 1, α = 3, s_c = s_w = 1, μ_0 not symmetric,
// t ∈ {0.5, 2} (by t = 2 the mean-field limit fits Y to an RMS error of
// 0.06), B = 1, the ego sampler and Q = 48 quadrature nodes.
func DefaultProblem() Problem {
	return Problem{
		Graphon: "exponential", Rho: 1, Aggregation: "graphon", Signal: "fourier:1", Target: "sin:1",
		Activation: "tanh", Gamma: 1, Alpha: 3, Sc: 1, Sw: 1, Times: []float64{0.5, 2},
		Batch: 1, Sampler: "ego", Quadrature: 48,
	}
}

// MaxQuadrature bounds Problem.Quadrature (the kernel limit is O(Q³)).
const MaxQuadrature = 4096

// maxGrid bounds the training grid (quadrature nodes times Gauss–Hermite
// noise nodes).
const maxGrid = 1 << 15

// Validate checks every field without building anything heavy. Errors wrap
// graphs.ErrParameter (or graphs.ErrFormat for a spec that does not parse)
// and name the field and its value.
func (p Problem) Validate() error {
	_, err := p.resolve()
	return err
}

// resolved is a Problem with its specs parsed.
type resolved struct {
	w    generators.Graphon
	x    generators.Signal
	y    generators.Target
	act  activation.Kind
	agg  aggregation.Aggregation
	d    int
	pi   []float64 // SBM block proportions (nil: not an SBM spec)
	ego  bool
}

func perr(format string, a ...any) error {
	return fmt.Errorf("limits: Problem: "+format+": %w", append(a, graphs.ErrParameter)...)
}

func (p Problem) resolve() (resolved, error) {
	var r resolved
	var err error
	if r.w = p.WFunc; r.w.Func() == nil {
		if r.w, err = generators.ParseGraphon(p.Graphon); err != nil {
			return r, fmt.Errorf("limits: Problem: graphon: %w", err)
		}
		r.pi = sbmProportions(p.Graphon)
	}
	if r.x = p.XFunc; r.x.Dim() == 0 {
		if r.x, err = generators.ParseSignal(p.Signal); err != nil {
			return r, fmt.Errorf("limits: Problem: signal: %w", err)
		}
	}
	r.d = r.x.Dim()
	if r.y = p.YFunc; r.y.String() == "" {
		if r.y, err = generators.ParseTarget(p.Target); err != nil {
			return r, fmt.Errorf("limits: Problem: target: %w", err)
		}
	}
	if !(p.Rho > 0 && p.Rho <= 1) {
		return r, perr("rho=%v not in (0,1]", p.Rho)
	}
	if r.agg, err = aggregation.Parse(cmpOr(p.Aggregation, "graphon")); err != nil {
		return r, fmt.Errorf("limits: Problem: %w", err)
	}
	if r.agg.Norm == aggregation.Sum {
		return r, perr("aggregation=%s grows with nρ and has no graphon limit; use graphon, mean or symmetric", r.agg)
	}
	for _, v := range []struct {
		name string
		x    float64
	}{{"noise_x", p.NoiseX}, {"noise_y", p.NoiseY}, {"sc", p.Sc}, {"sw", p.Sw}} {
		if !(v.x >= 0 && v.x <= math.MaxFloat64) {
			return r, perr("%s=%v not a finite number ≥ 0", v.name, v.x)
		}
	}
	if r.act, err = activation.Parse(p.Activation); err != nil {
		return r, fmt.Errorf("limits: Problem: %w", err)
	}
	if r.act == activation.ELU {
		return r, perr("activation=%q: the one-hidden-layer model takes identity, tanh, relu, sigmoid or erf", p.Activation)
	}
	if !(p.Gamma >= 0.5 && p.Gamma <= 1) {
		return r, perr("gamma=%v not in [0.5, 1]", p.Gamma)
	}
	if !(p.Alpha > 0 && p.Alpha <= math.MaxFloat64) {
		return r, perr("alpha=%v not a finite number > 0", p.Alpha)
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
	switch strings.ToLower(cmpOr(p.Sampler, "ego")) {
	case "ego":
		r.ego = true
		if p.Batch < 1 {
			return r, perr("batch=%d < 1 (the ego sampler draws B ≥ 1 nodes per step)", p.Batch)
		}
		if r.agg.Norm == aggregation.Symmetric {
			return r, perr("aggregation=%s needs sampler=whole (the ego sampler cannot draw it exactly)", r.agg)
		}
	case "whole":
		if p.Batch < 0 {
			return r, perr("batch=%d < 0 (0 means all n nodes)", p.Batch)
		}
	default:
		return r, perr("sampler=%q not ego or whole", p.Sampler)
	}
	if p.Quadrature < 2 || p.Quadrature > MaxQuadrature {
		return r, perr("quadrature=%d not in [2, %d]", p.Quadrature, MaxQuadrature)
	}
	return r, nil
}

func cmpOr(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// sbmProportions returns the normalised block weights of an "sbm:" spec (nil
// otherwise), so that the quadrature integrates the SBM exactly.
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
// file names only what differs. Unknown keys are errors. Errors wrap
// graphs.ErrFormat and carry the decoder's line number; the result is also
// validated.
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

// decodeStrict decodes YAML (or JSON) into v, refusing unknown keys; an
// empty input leaves v unchanged.
func decodeStrict(r io.Reader, v any) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("%v: %w", err, graphs.ErrFormat)
	}
	return nil
}

// ReadProblem reads a problem file (.json, .yaml or .yml) with DecodeProblem.
// Errors in the content are a *graphs.ParseError naming the file.
func ReadProblem(path string) (Problem, error) {
	f, err := os.Open(path)
	if err != nil {
		return Problem{}, fmt.Errorf("limits: ReadProblem: %w", err)
	}
	defer f.Close()
	p, err := DecodeProblem(f)
	if err != nil {
		return Problem{}, fmt.Errorf("limits: ReadProblem: %w", &graphs.ParseError{Path: filepath.Base(path), Err: err})
	}
	return p, nil
}

// canonical returns p with the names of its Go functions written into the
// spec fields (so that JSON says what produced a result).
func (p Problem) canonical() Problem {
	if p.WFunc.Func() != nil {
		p.Graphon = p.WFunc.String()
	}
	if p.XFunc.Dim() != 0 {
		p.Signal = p.XFunc.String()
	}
	if p.YFunc.String() != "" {
		p.Target = p.YFunc.String()
	}
	p.Times = slices.Clone(p.Times)
	return p
}

// MarshalIndent is the problem as indented JSON (Go functions by name).
func (p Problem) MarshalIndent() ([]byte, error) {
	return json.MarshalIndent(p.canonical(), "", "  ")
}
