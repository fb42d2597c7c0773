package limits

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
)

// TestSpecRoundTrip: for every form of generators.ParseGraphon, ParseSignal
// and ParseTarget, String gives the canonical spec, which parses back to
// itself and to the same function (equal values on a grid of u, v), so that
// a Problem written with those specs reads back as the same problem.
func TestSpecRoundTrip(t *testing.T) {
	tests := []struct {
		name, kind, spec, canonical string
	}{
		{"constant", "graphon", "constant:0.3", "constant:0.3"},
		{"constant spelled", "graphon", " constant : 0.50 ", "constant:0.5"},
		{"product", "graphon", "product", "product"},
		{"uniform attachment", "graphon", "uniform-attachment", "uniform-attachment"},
		{"exponential", "graphon", "exponential", "exponential"},
		{"gaussian", "graphon", "gaussian:0.15", "gaussian:0.15"},
		{"sbm", "graphon", "sbm:0.3,0.7:0.9,0.1;0.1,0.5", "sbm:0.3,0.7:0.9,0.1;0.1,0.5"},
		{"sbm weights", "graphon", "sbm:1,1:0.9,0.1;0.1,0.9", "sbm:0.5,0.5:0.9,0.1;0.1,0.9"},
		{"sbm three blocks", "graphon", "sbm:1,2,3:0.5,0.1,0;0.1,0.4,0.2;0,0.2,0.6", "sbm:0.16666666666666666,0.3333333333333333,0.5:0.5,0.1,0;0.1,0.4,0.2;0,0.2,0.6"},
		{"sbm empty block", "graphon", "sbm:0.5,0,0.5:1,0,0;0,1,0;0,0,1", "sbm:0.5,0,0.5:1,0,0;0,1,0;0,0,1"},
		{"fourier", "signal", "fourier:3", "fourier:3"},
		{"poly signal", "signal", "poly: 2", "poly:2"},
		{"poly target", "target", "poly:0,1,-1", "poly:0,1,-1"},
		{"poly target spelled", "target", "poly:1.0, 2e0", "poly:1,2"},
		{"sin", "target", "sin:2", "sin:2"},
		{"step", "target", "step:0.25", "step:0.25"},
	}
	grid := []float64{0, 0.1, 0.25, 0.3, 0.5, 0.7, 0.9, 1}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// parse returns the spec's String and its function on the grid
			parse := func(spec string) (string, []float64) {
				t.Helper()
				var out []float64
				switch tt.kind {
				case "graphon":
					w, err := generators.ParseGraphon(spec)
					if err != nil {
						t.Fatal(err)
					}
					for _, u := range grid {
						for _, v := range grid {
							out = append(out, w.Func()(u, v))
						}
					}
					return w.String(), out
				case "signal":
					x, err := generators.ParseSignal(spec)
					if err != nil {
						t.Fatal(err)
					}
					dst := make([]float64, x.Dim())
					for _, u := range grid {
						x.Eval(u, dst)
						out = append(out, dst...)
					}
					return x.String(), out
				}
				y, err := generators.ParseTarget(spec)
				if err != nil {
					t.Fatal(err)
				}
				for _, u := range grid {
					out = append(out, y.Eval(u))
				}
				return y.String(), out
			}
			s1, f1 := parse(tt.spec)
			if s1 != tt.canonical {
				t.Errorf("String of %q = %q, want %q", tt.spec, s1, tt.canonical)
			}
			s2, f2 := parse(s1)
			if s2 != s1 {
				t.Errorf("String of %q = %q: not a fixed point", s1, s2)
			}
			for i := range f1 {
				if f1[i] != f2[i] && !(math.IsNaN(f1[i]) && math.IsNaN(f2[i])) {
					t.Fatalf("value %d: %v from %q, %v from %q", i, f1[i], tt.spec, f2[i], s1)
				}
			}
			// and through a problem file and back
			p, err := DecodeProblem(strings.NewReader(tt.kind + ": " + quote(tt.spec)))
			if err != nil {
				t.Fatal(err)
			}
			data, err := p.MarshalIndent()
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), quote(tt.canonical)) {
				t.Errorf("problem JSON does not hold %s:\n%s", quote(tt.canonical), data)
			}
			q, err := DecodeProblem(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if again, _ := q.MarshalIndent(); !bytes.Equal(again, data) {
				t.Errorf("round trip:\n%s\nvs\n%s", again, data)
			}
		})
	}
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// TestSamplingText: Sampling's String, ParseSampling and the text methods
// agree; unknown names and values are refused with graphs.ErrParameter and
// named.
func TestSamplingText(t *testing.T) {
	tests := []struct {
		name string
		text string
		want Sampling
		err  string // substring of the error; "" for none
	}{
		{"ego", "ego", EgoSampling, ""},
		{"whole", "whole", WholeGraphSampling, ""},
		{"case ignored", "Whole", WholeGraphSampling, ""},
		{"empty is ego", "", EgoSampling, ""},
		{"unknown", "star", 0, `sampler="star"`},
		{"spaces kept", " ego", 0, `sampler=" ego"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSampling(tt.text)
			var s Sampling
			uerr := s.UnmarshalText([]byte(tt.text))
			if tt.err != "" {
				for _, e := range []error{err, uerr} {
					if !errors.Is(e, graphs.ErrParameter) || !strings.Contains(e.Error(), tt.err) {
						t.Errorf("error %v: want ErrParameter naming %s", e, tt.err)
					}
				}
				return
			}
			if err != nil || uerr != nil || got != tt.want || s != tt.want {
				t.Fatalf("ParseSampling(%q) = %v, %v; UnmarshalText: %v, %v", tt.text, got, err, s, uerr)
			}
			text, err := got.MarshalText()
			if err != nil || string(text) != got.String() {
				t.Errorf("MarshalText = %q, %v; String %q", text, err, got.String())
			}
			if again, err := ParseSampling(got.String()); err != nil || again != got {
				t.Errorf("ParseSampling(String) = %v, %v", again, err)
			}
		})
	}
	if _, err := Sampling(5).MarshalText(); !errors.Is(err, graphs.ErrParameter) || !strings.Contains(err.Error(), "Sampling(5)") {
		t.Errorf("MarshalText of Sampling(5): %v", err)
	}
}

// TestProblemFuncs: W, X and Y built from Go functions are written by name,
// and a file that does not mention them leaves them in place (YAML and
// JSON alike), while one that does replaces them.
func TestProblemFuncs(t *testing.T) {
	p := DefaultProblem()
	p.Graphon = generators.GraphonFunc("band", func(u, v float64) float64 { return 1 - math.Abs(u-v) })
	p.Signal = generators.SignalFunc("square", 1, func(u float64, dst []float64) { dst[0] = u * u })
	p.Target = generators.TargetFunc("half", func(u float64) float64 { return u / 2 })
	p.Activation = activation.Erf
	data, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"graphon":"band"`, `"signal":"square"`, `"target":"half"`, `"activation":"erf"`, `"sampler":"ego"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("JSON %s lacks %s", data, want)
		}
	}
	if _, err := NewSetup(p); err != nil {
		t.Fatal(err)
	}
	q := p
	if err := json.Unmarshal([]byte(`{"rho": 0.5}`), &q); err != nil {
		t.Fatal(err)
	}
	r := p
	if err := yaml.Unmarshal([]byte("rho: 0.5\n"), &r); err != nil {
		t.Fatal(err)
	}
	for _, x := range []Problem{q, r} {
		if x.Rho != 0.5 || x.Graphon != p.Graphon || x.Signal.String() != "square" || x.Target.Eval(1) != 0.5 || x.Activation != activation.Erf {
			t.Errorf("decoded on top: %+v", x)
		}
	}
	if err := yaml.Unmarshal([]byte("graphon: product\nactivation: relu\n"), &r); err != nil {
		t.Fatal(err)
	}
	if r.Graphon.String() != "product" || r.Activation != activation.ReLU || r.Signal.String() != "square" {
		t.Errorf("decoded graphon and activation: %+v", r)
	}
	// MarshalYAML writes the same keys, which read back
	out, err := yaml.Marshal(DefaultProblem())
	if err != nil {
		t.Fatal(err)
	}
	back, err := DecodeProblem(bytes.NewReader(out))
	if err != nil || back.Graphon.String() != "exponential" || back.Signal.String() != "fourier:1" {
		t.Errorf("YAML round trip of\n%s: %+v %v", out, back, err)
	}
	// errors: kinds kept, keys and types named with their lines
	for _, tc := range []struct {
		in   string
		kind error
		want string
	}{
		{"graphon: 'sbm:0.5,0.5:0.1'\n", graphs.ErrShape, "P has 1 rows"},
		{"rho: x\nwdith: 3\n", graphs.ErrFormat, "line 2: field wdith not found in type limits.Problem"},
		{"quadrature: 8\nrho: x\n", graphs.ErrFormat, "line 2: cannot unmarshal !!str `x` into float64"},
		{"[1]\n", graphs.ErrFormat, "into limits.Problem"},
	} {
		if _, err := DecodeProblem(strings.NewReader(tc.in)); !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %v with %q", tc.in, err, tc.kind, tc.want)
		}
	}
}

// TestCheckFuncs: Validate names the value of W, X or Y that has no
// function, with its parser's error when its name is not a spec (what
// decoding a misspelt spec gives) and generators.Process's otherwise; and a
// problem recorded with Go functions reads back by name, writes the same
// JSON, and is refused by Validate.
func TestCheckFuncs(t *testing.T) {
	square := func(u float64, dst []float64) { dst[0] = u * u }
	tests := []struct {
		name   string
		edit   func(p *Problem)
		kind   error
		substr string
	}{
		{"misspelt graphon", func(p *Problem) { p.Graphon = generators.GraphonFunc("wiggly", nil) }, graphs.ErrFormat, `unknown graphon "wiggly"`},
		{"graphon without function", func(p *Problem) { p.Graphon = generators.GraphonFunc("product", nil) }, graphs.ErrParameter, `graphon "product" has a nil function`},
		{"zero graphon", func(p *Problem) { p.Graphon = generators.Graphon{} }, graphs.ErrParameter, "zero Graphon"},
		{"misspelt signal", func(p *Problem) { p.Signal = generators.SignalFunc("poly:0", 0, nil) }, graphs.ErrParameter, `"poly:0": K=0`},
		{"signal without function", func(p *Problem) { p.Signal = generators.SignalFunc("sq", 2, nil) }, graphs.ErrParameter, `signal "sq" has d=2`},
		{"zero signal", func(p *Problem) { p.Signal = generators.Signal{} }, graphs.ErrParameter, `signal "" has d=0`},
		{"misspelt target", func(p *Problem) { p.Target = generators.TargetFunc("cos:1", nil) }, graphs.ErrFormat, `unknown target "cos"`},
		{"target without function", func(p *Problem) { p.Target = generators.TargetFunc("sin:1", nil) }, graphs.ErrParameter, `target "sin:1" has a nil function`},
		{"zero target", func(p *Problem) { p.Target = generators.Target{} }, graphs.ErrParameter, `target "" has a nil function`},
		{"signal before target", func(p *Problem) {
			p.Signal = generators.SignalFunc("sq", 1, nil)
			p.Target = generators.TargetFunc("cos:1", nil)
		}, graphs.ErrParameter, `signal "sq"`},
		{"all set", func(p *Problem) {
			p.Graphon = generators.GraphonFunc("band", func(u, v float64) float64 { return 0.5 })
			p.Signal = generators.SignalFunc("sq", 1, square)
			p.Target = generators.TargetFunc("half", func(u float64) float64 { return u / 2 })
		}, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultProblem()
			tt.edit(&p)
			err := p.Validate()
			if tt.kind == nil {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !errors.Is(err, tt.kind) || !strings.Contains(fmt.Sprint(err), tt.substr) {
				t.Errorf("error %v: want kind %v containing %q", err, tt.kind, tt.substr)
			}
		})
	}
	rec := `{"graphon":"band","signal":"square","target":"half"}`
	p := DefaultProblem()
	if err := json.Unmarshal([]byte(rec), &p); err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(p)
	if err != nil || !strings.Contains(string(data), `"graphon":"band","rho":1,"aggregation":"graphon","signal":"square","target":"half"`) {
		t.Errorf("recorded names written back as %s, %v", data, err)
	}
	if err := p.Validate(); !errors.Is(err, graphs.ErrFormat) || !strings.Contains(err.Error(), `"band"`) {
		t.Errorf("Validate of a recorded Go function: %v", err)
	}
}
