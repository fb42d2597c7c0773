package limits

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
)

// problemText is the text form of a Problem: the keys of its JSON and YAML
// files, in the order they are written, with W, X, Y, σ and the sampler by
// name.
type problemText struct {
	Graphon     string  `json:"graphon" yaml:"graphon"`
	Rho         float64 `json:"rho" yaml:"rho"`
	Aggregation string  `json:"aggregation" yaml:"aggregation"`
	Signal      string  `json:"signal" yaml:"signal"`
	Target      string  `json:"target" yaml:"target"`
	NoiseX      float64 `json:"noise_x" yaml:"noise_x"`
	NoiseY      float64 `json:"noise_y" yaml:"noise_y"`

	Activation string    `json:"activation" yaml:"activation"`
	Gamma      float64   `json:"gamma" yaml:"gamma"`
	Alpha      float64   `json:"alpha" yaml:"alpha"`
	Sc         float64   `json:"sc" yaml:"sc"`
	Sw         float64   `json:"sw" yaml:"sw"`
	Symmetric  bool      `json:"symmetric" yaml:"symmetric"`
	Times      []float64 `json:"times" yaml:"times"`
	Batch      int       `json:"batch" yaml:"batch"`
	Sampler    string    `json:"sampler" yaml:"sampler"`
	Quadrature int       `json:"quadrature" yaml:"quadrature"`
}

// text returns p's text form (the zero Graphon as "", Times copied).
func (p Problem) text() problemText {
	w := ""
	if p.Graphon != (generators.Graphon{}) {
		w = p.Graphon.String()
	}
	return problemText{
		Graphon: w, Rho: p.Rho, Aggregation: p.Aggregation.String(), Signal: p.Signal.String(), Target: p.Target.String(),
		NoiseX: p.NoiseX, NoiseY: p.NoiseY, Activation: p.Activation.String(), Gamma: p.Gamma, Alpha: p.Alpha,
		Sc: p.Sc, Sw: p.Sw, Symmetric: p.Symmetric, Times: slices.Clone(p.Times), Batch: p.Batch,
		Sampler: p.Sampler.String(), Quadrature: p.Quadrature,
	}
}

// setText sets p from t, a decoding of text over old = p.text(): a name
// that did not change keeps its value (so a Go function survives a file
// that does not mention it), a changed one is parsed. A spec of W, X or Y
// that does not parse gives a value with that name and no function
// (generators.GraphonFunc(name, nil), SignalFunc(name, 0, nil),
// TargetFunc(name, nil)): the name of a Go function recorded in an output
// reads back so, and Validate refuses a misspelt spec with its parser's
// error. A name of σ or of the sampler that does not parse is an error; on
// error p is unchanged.
func (p *Problem) setText(t, old problemText) error {
	q := Problem{
		Graphon: p.Graphon, Rho: t.Rho, Aggregation: p.Aggregation, Signal: p.Signal, Target: p.Target,
		NoiseX: t.NoiseX, NoiseY: t.NoiseY, Activation: p.Activation, Gamma: t.Gamma, Alpha: t.Alpha,
		Sc: t.Sc, Sw: t.Sw, Symmetric: t.Symmetric, Times: t.Times, Batch: t.Batch, Sampler: p.Sampler,
		Quadrature: t.Quadrature,
	}
	var err error
	if t.Graphon != old.Graphon {
		if q.Graphon, err = generators.ParseGraphon(t.Graphon); err != nil {
			q.Graphon = generators.GraphonFunc(t.Graphon, nil)
		}
	}
	if t.Signal != old.Signal {
		if q.Signal, err = generators.ParseSignal(t.Signal); err != nil {
			q.Signal = generators.SignalFunc(t.Signal, 0, nil)
		}
	}
	if t.Target != old.Target {
		if q.Target, err = generators.ParseTarget(t.Target); err != nil {
			q.Target = generators.TargetFunc(t.Target, nil)
		}
	}
	if t.Aggregation != old.Aggregation {
		if q.Aggregation, err = aggregation.Parse(t.Aggregation); err != nil {
			return fmt.Errorf("limits: Problem: aggregation: %w", err)
		}
	}
	if t.Activation != old.Activation {
		if q.Activation, err = activation.Parse(t.Activation); err != nil {
			return fmt.Errorf("limits: Problem: activation: %w", err)
		}
	}
	if t.Sampler != old.Sampler {
		if q.Sampler, err = ParseSampling(t.Sampler); err != nil {
			return fmt.Errorf("limits: Problem: %w", err)
		}
	}
	*p = q
	return nil
}

// MarshalJSON writes p with the keys of its text form (see Problem).
func (p Problem) MarshalJSON() ([]byte, error) {
	return json.Marshal(p.text())
}

// UnmarshalJSON reads the keys given in data on top of p (the others keep
// their values); unknown keys are errors.
func (p *Problem) UnmarshalJSON(data []byte) error {
	old := p.text()
	t := p.text()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return err
	}
	return p.setText(t, old)
}

// MarshalYAML writes p with the keys of its text form.
func (p Problem) MarshalYAML() (any, error) {
	return p.text(), nil
}

// problemKeys are the keys of a problem file.
var problemKeys = func() map[string]bool {
	keys := map[string]bool{}
	t := reflect.TypeFor[problemText]()
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("yaml"), ",")
		keys[name] = true
	}
	return keys
}()

// UnmarshalYAML reads the keys given in n on top of p (the others keep their
// values). Unknown keys are errors, as for the decoder's KnownFields, which
// does not reach a custom unmarshaler.
func (p *Problem) UnmarshalYAML(n *yaml.Node) error {
	var unknown []string
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := n.Content[i]; k.ShortTag() != "!!merge" && !problemKeys[k.Value] {
				unknown = append(unknown, fmt.Sprintf("line %d: field %s not found in type limits.Problem", k.Line, k.Value))
			}
		}
	}
	old := p.text()
	t := p.text()
	err := n.Decode(&t)
	if te, ok := err.(*yaml.TypeError); ok || err == nil && unknown != nil {
		if ok { // name the exported type, as the decoder does for a plain struct
			for _, e := range te.Errors {
				unknown = append(unknown, strings.ReplaceAll(e, "limits.problemText", "limits.Problem"))
			}
		}
		return &yaml.TypeError{Errors: unknown}
	}
	if err != nil {
		return err
	}
	return p.setText(t, old)
}
