package sweep

import (
	"github.com/gnnwb/gnnwb/graphs/aggregation"

	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/generators"
	"github.com/gnnwb/gnnwb/gnn/activation"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/limits"
)

// TestBadConfiguration: every invalid field is refused with an error of the
// right kind that names the field and its value: set on a Config and
// refused by Validate (edit), or, for a name that no typed value can hold,
// given in a sweep file and refused by Decode (yaml).
func TestBadConfiguration(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(w *Config)
		yaml   string
		kind   error
		substr string
	}{
		{"empty times", func(w *Config) { w.Problem.Times = nil }, "", graphs.ErrParameter, "times is empty"},
		{"negative time", func(w *Config) { w.Problem.Times = []float64{-1, 1} }, "", graphs.ErrParameter, "times[0]=-1"},
		{"decreasing times", func(w *Config) { w.Problem.Times = []float64{1, 0.5} }, "", graphs.ErrParameter, "strictly increasing"},
		{"NaN time", func(w *Config) { w.Problem.Times = []float64{nan()} }, "", graphs.ErrParameter, "times[0]=NaN"},
		{"unknown activation", nil, "problem: {activation: softplus}", graphs.ErrParameter, `"softplus"`},
		{"activation the model lacks", func(w *Config) { w.Problem.Activation = activation.ELU }, "", graphs.ErrParameter, `"elu"`},
		{"rho 0", func(w *Config) { w.Problem.Rho = 0 }, "", graphs.ErrParameter, "rho=0"},
		{"gamma", func(w *Config) { w.Problem.Gamma = 2 }, "", graphs.ErrParameter, "gamma=2"},
		{"alpha", func(w *Config) { w.Problem.Alpha = 0 }, "", graphs.ErrParameter, "alpha=0"},
		{"sum aggregation", func(w *Config) { w.Problem.Aggregation = aggregation.GIN }, "", graphs.ErrParameter, "no graphon limit"},
		{"symmetric with ego", func(w *Config) { w.Problem.Aggregation = aggregation.GCNNoLoops }, "", graphs.ErrParameter, "sampler=whole"},
		{"bad sampler", nil, "problem: {sampler: star}", graphs.ErrParameter, `sampler="star"`},
		{"sampler out of range", func(w *Config) { w.Problem.Sampler = 7 }, "", graphs.ErrParameter, "sampler=Sampling(7)"},
		{"batch 0 ego", func(w *Config) { w.Problem.Batch = 0 }, "", graphs.ErrParameter, "batch=0"},
		{"quadrature", func(w *Config) { w.Problem.Quadrature = 1 }, "", graphs.ErrParameter, "quadrature=1"},
		{"noise", func(w *Config) { w.Problem.NoiseX = -1 }, "", graphs.ErrParameter, "noise_x=-1"},
		{"bad graphon", nil, "problem: {graphon: wiggly}", graphs.ErrFormat, "wiggly"},
		{"zero graphon", func(w *Config) { w.Problem.Graphon = generators.Graphon{} }, "", graphs.ErrParameter, "zero Graphon"},
		{"bad signal", nil, "problem: {signal: 'poly:0'}", graphs.ErrParameter, "poly:0"},
		{"zero signal", func(w *Config) { w.Problem.Signal = generators.Signal{} }, "", graphs.ErrParameter, "signal"},
		{"bad target", nil, "problem: {target: 'cos:1'}", graphs.ErrFormat, "cos"},
		{"zero target", func(w *Config) { w.Problem.Target = generators.Target{} }, "", graphs.ErrParameter, "target"},
		{"empty nodes", func(w *Config) { w.Nodes = nil }, "", graphs.ErrParameter, "nodes is empty"},
		{"empty widths", func(w *Config) { w.Widths = []int{} }, "", graphs.ErrParameter, "widths is empty"},
		{"N < 1", func(w *Config) { w.Widths = []int{10, 0} }, "", graphs.ErrParameter, "widths[1]=0 < 1"},
		{"n < 1", func(w *Config) { w.Nodes = []int{-5} }, "", graphs.ErrParameter, "nodes[0]=-5"},
		{"duplicate N", func(w *Config) { w.Widths = []int{10, 10} }, "", graphs.ErrParameter, "10 twice"},
		{"odd N symmetric", func(w *Config) { w.Problem.Symmetric = true; w.Widths = []int{10, 15} }, "", graphs.ErrParameter, "even N"},
		{"seeds", func(w *Config) { w.Seeds = 0 }, "", graphs.ErrParameter, "seeds=0"},
		{"no limits", func(w *Config) { w.Limits = nil }, "", graphs.ErrParameter, "limits is empty"},
		{"unknown limit", nil, "limits: [ntk]", graphs.ErrParameter, `"ntk"`},
		{"limit out of range", func(w *Config) { w.Limits = []limits.Kind{9} }, "", graphs.ErrParameter, `limits[0]="Kind(9)"`},
		{"duplicate limit", func(w *Config) { w.Limits = []limits.Kind{limits.GraphonLimit, limits.GraphonLimit} }, "", graphs.ErrParameter, `"graphon" twice`},
		{"kernel needs gamma 1/2", func(w *Config) { w.Limits = []limits.Kind{limits.KernelLimit} }, "", graphs.ErrParameter, "gamma=0.5"},
		{"meanfield needs gamma 1", func(w *Config) { w.Problem.Gamma = 0.5 }, "", graphs.ErrParameter, "gamma=1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.edit != nil {
				w := Default()
				w.Problem.Times = append([]float64(nil), w.Problem.Times...)
				tt.edit(&w)
				err = w.Validate()
			} else {
				_, err = Decode(strings.NewReader(tt.yaml))
			}
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, tt.kind) || !strings.Contains(err.Error(), tt.substr) {
				t.Errorf("error %q: want kind %v containing %q", err, tt.kind, tt.substr)
			}
		})
	}
	if err := Default().Validate(); err != nil {
		t.Errorf("Default: %v", err)
	}
}

// TestDecode: YAML and JSON give the same problem; unspecified keys keep
// their defaults; unknown keys are refused with their line.
func TestDecode(t *testing.T) {
	yml := "problem:\n  graphon: constant:0.5\n  times: [0.25, 1]\n  activation: erf\nnodes: [10, 20]\nwidths: [4]\nseeds: 3\n"
	js := `{"problem": {"graphon": "constant:0.5", "times": [0.25, 1], "activation": "erf"}, "nodes": [10, 20], "widths": [4], "seeds": 3}`
	a, err := Decode(strings.NewReader(yml))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Decode(strings.NewReader(js))
	if err != nil {
		t.Fatal(err)
	}
	if sameSweep(a, b) != nil {
		t.Errorf("YAML %+v != JSON %+v", a, b)
	}
	if a.Problem.Target.String() != limits.DefaultProblem().Target.String() || a.Seeds != 3 || a.Problem.Times[0] != 0.25 {
		t.Errorf("decoded %+v", a)
	}
	_, err = Decode(strings.NewReader("problem:\n  graphon: product\n  wdith: 3\n"))
	if !errors.Is(err, graphs.ErrFormat) || !strings.Contains(err.Error(), "line 3") {
		t.Errorf("unknown key: %v", err)
	}
	p, err := limits.DecodeProblem(strings.NewReader("{}"))
	if err != nil || p.Graphon.String() != limits.DefaultProblem().Graphon.String() {
		t.Errorf("empty problem: %+v %v", p, err)
	}
	// round trip through MarshalIndent
	data, err := a.Problem.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	q, err := limits.DecodeProblem(bytes.NewReader(data))
	if err != nil || sameSweep(Config{Problem: q}, Config{Problem: a.Problem}) != nil {
		t.Errorf("round trip: %+v %v", q, err)
	}
}

// FuzzDecode: arbitrary input never panics; accepted input validates
// and survives a JSON round trip.
func FuzzDecode(f *testing.F) {
	f.Add("problem:\n  graphon: product\nnodes: [10]\n")
	f.Add(`{"widths": [1, 2], "seeds": 2, "limits": ["graphon"]}`)
	f.Add("problem: {times: [0, 1e3], target: 'poly:1,2'}\n")
	f.Fuzz(func(t *testing.T, s string) {
		w, err := Decode(strings.NewReader(s))
		if err != nil {
			return
		}
		if err := w.Validate(); err != nil {
			t.Fatalf("accepted %q but Validate: %v", s, err)
		}
		data, err := json.Marshal(w)
		if err != nil {
			t.Fatalf("accepted %q but json.Marshal: %v", s, err)
		}
		again, err := Decode(bytes.NewReader(data))
		if err != nil || sameSweep(again, w) != nil {
			t.Fatalf("accepted %q; its JSON %s reads back as %+v, %v", s, data, again, err)
		}
	})
}

// FuzzReadRows: arbitrary CSV never panics; accepted rows round-trip.
func FuzzReadRows(f *testing.F) {
	f.Add("limit,n,N,seed,t,kind,error\ngraphon,10,20,1,0.5,fun,0.001\n")
	f.Add("limit,n,N,seed,t,kind,error\n")
	f.Add("a,b\n1,2\n")
	f.Fuzz(func(t *testing.T, s string) {
		rows, err := ReadRows(strings.NewReader(s))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteRows(&buf, rows); err != nil {
			t.Fatal(err)
		}
		again, err := ReadRows(&buf)
		if err != nil || len(again) != len(rows) {
			t.Fatalf("round trip: %v, %d rows != %d", err, len(again), len(rows))
		}
	})
}

func nan() float64 { var z float64; return z / z }
