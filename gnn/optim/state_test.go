package optim

import (
	"bytes"
	"encoding/gob"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/internal/gnntest"
	"github.com/gnnwb/gnnwb/graphs"
)

// stateParams returns three parameters: a weight that decays, a bias with
// NoDecay and a buffer (which every optimiser skips).
func stateParams() []gnn.Param {
	rng := rand.New(rand.NewPCG(3, 3))
	return []gnn.Param{
		{Name: "W", Value: gnntest.RandSlice(rng, 6, 1), Grad: make([]float64, 6)},
		{Name: "B", Value: gnntest.RandSlice(rng, 2, 1), Grad: make([]float64, 2), NoDecay: true},
		{Name: "RunMean", Value: gnntest.RandSlice(rng, 2, 1), Grad: make([]float64, 2), Buffer: true},
	}
}

// stepWith sets the gradients of step t (drawn from the stream (7, t)) and
// takes the step.
func stepWith(t *testing.T, o Optimizer, ps []gnn.Param, step int) {
	t.Helper()
	rng := rand.New(rand.NewPCG(7, uint64(step)))
	for _, p := range ps {
		copy(p.Grad, gnntest.RandSlice(rng, len(p.Grad), 2))
	}
	if err := o.Step(ps); err != nil {
		t.Fatal(err)
	}
}

// gobTrip encodes s with encoding/gob and decodes it, as a checkpoint does.
func gobTrip(t *testing.T, s State) State {
	t.Helper()
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		t.Fatal(err)
	}
	var out State
	if err := gob.NewDecoder(&buf).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestStateRoundTrip: k steps, State, a gob round trip and SetState into a
// fresh optimiser, then steps k+1..K give the same bits as K steps of one
// optimiser, for every k; the state is a deep copy both ways.
func TestStateRoundTrip(t *testing.T) {
	const K = 6
	for _, tc := range []struct {
		name string
		make func() Optimizer
	}{
		{"sgd-momentum", func() Optimizer { return &SGD{LR: 0.1, Momentum: 0.9, WeightDecay: 0.01} }},
		{"sgd-plain", func() Optimizer { return &SGD{LR: 0.1, WeightDecay: 0.01} }},
		{"adam", func() Optimizer { return NewAdam(0.01, 5e-4) }},
		{"adam-custom", func() Optimizer {
			return &Adam{LR: 0.003, Beta1: 0.8, Beta2: 0.99, Eps: 1e-6, WeightDecay: 0.1}
		}},
	} {
		straight := stateParams()
		o := tc.make()
		for step := range K {
			stepWith(t, o, straight, step)
		}
		for k := range K + 1 {
			t.Run(fmt.Sprintf("%s/k=%d", tc.name, k), func(t *testing.T) {
				ps := stateParams()
				a := tc.make()
				for step := range k {
					stepWith(t, a, ps, step)
				}
				s := a.State()
				if s.Steps != k {
					t.Fatalf("state after %d steps has Steps %d", k, s.Steps)
				}
				if err := s.Check(ps); err != nil {
					t.Fatal(err)
				}
				ref, saved := gobTrip(t, s), gobTrip(t, s)
				b := tc.make()
				if err := b.SetState(saved); err != nil {
					t.Fatal(err)
				}
				// Deep copies: stepping a changes nothing in s, and
				// changing saved changes nothing in b.
				stepWith(t, a, stateParams(), k)
				if !reflect.DeepEqual(s, ref) {
					t.Fatal("State shares memory with the optimiser")
				}
				for _, sl := range saved.Slots {
					for _, v := range sl.Values {
						for e := range v {
							v[e] = math.NaN()
						}
					}
				}
				for step := k; step < K; step++ {
					stepWith(t, b, ps, step)
				}
				for i := range ps {
					for e := range ps[i].Value {
						if math.Float64bits(ps[i].Value[e]) != math.Float64bits(straight[i].Value[e]) {
							t.Fatalf("%s[%d] = %v after resuming at step %d, %v straight (bit for bit)", ps[i].Name, e, ps[i].Value[e], k, straight[i].Value[e])
						}
					}
				}
				if !reflect.DeepEqual(b.State(), o.State()) {
					t.Errorf("final state %+v, straight %+v", b.State(), o.State())
				}
			})
		}
	}
}

// TestStateLayout: the kinds, step counts and slot names of the states, and
// Adam's empty moments for a buffer.
func TestStateLayout(t *testing.T) {
	ps := stateParams()
	sgd, adam, plain := &SGD{LR: 0.1, Momentum: 0.5}, NewAdam(0.1, 0), &SGD{LR: 0.1}
	if s := sgd.State(); s.Kind != "sgd" || s.Steps != 0 || s.Slots != nil {
		t.Fatalf("fresh SGD state %+v", s)
	}
	if s := adam.State(); s.Kind != "adam" || s.Steps != 0 || s.Slots != nil {
		t.Fatalf("fresh Adam state %+v", s)
	}
	for step := range 2 {
		stepWith(t, sgd, ps, step)
		stepWith(t, adam, ps, step)
		stepWith(t, plain, ps, step)
	}
	if s := sgd.State(); s.Steps != 2 || len(s.Slots) != 1 || s.Slots[0].Name != "momentum_buffer" || len(s.Slots[0].Values[2]) != 2 {
		t.Errorf("SGD state %+v", s)
	}
	if s := plain.State(); s.Steps != 2 || s.Slots != nil {
		t.Errorf("SGD without momentum: state %+v", s)
	}
	s := adam.State()
	if s.Steps != 2 || len(s.Slots) != 2 || s.Slots[0].Name != "exp_avg" || s.Slots[1].Name != "exp_avg_sq" ||
		len(s.Slots[0].Values[0]) != 6 || len(s.Slots[1].Values[2]) != 0 {
		t.Errorf("Adam state %+v", s)
	}
}

func TestSetStateErrors(t *testing.T) {
	ps := stateParams()
	adam := NewAdam(0.1, 0)
	stepWith(t, adam, ps, 0)
	good := adam.State()
	m, v := good.Slots[0].Values, good.Slots[1].Values
	for _, tc := range []struct {
		name string
		opt  Optimizer
		s    State
		err  error
	}{
		{"sgd-gets-adam", &SGD{LR: 0.1, Momentum: 0.9}, good, graphs.ErrParameter},
		{"adam-gets-sgd", NewAdam(0.1, 0), State{Kind: "sgd"}, graphs.ErrParameter},
		{"zero-state", NewAdam(0.1, 0), State{}, graphs.ErrParameter},
		{"negative-steps", &SGD{LR: 0.1}, State{Kind: "sgd", Steps: -1}, graphs.ErrParameter},
		{"adam-steps-without-moments", NewAdam(0.1, 0), State{Kind: "adam", Steps: 3}, graphs.ErrParameter},
		{"adam-one-moment", NewAdam(0.1, 0), State{Kind: "adam", Steps: 1, Slots: good.Slots[:1]}, graphs.ErrParameter},
		{"adam-unknown-slot", NewAdam(0.1, 0), State{Kind: "adam", Steps: 1, Slots: []Slot{{Name: "exp_avg", Values: m}, {Name: "max_exp_avg_sq", Values: v}}}, graphs.ErrParameter},
		{"sgd-two-slots", &SGD{LR: 0.1}, State{Kind: "sgd", Steps: 1, Slots: []Slot{{Name: "momentum_buffer", Values: m}, {Name: "momentum_buffer", Values: m}}}, graphs.ErrParameter},
		{"adam-moments-differ-in-count", NewAdam(0.1, 0), State{Kind: "adam", Steps: 1, Slots: []Slot{{Name: "exp_avg", Values: m}, {Name: "exp_avg_sq", Values: v[:2]}}}, graphs.ErrShape},
		{"adam-moments-differ-in-length", NewAdam(0.1, 0), State{Kind: "adam", Steps: 1, Slots: []Slot{{Name: "exp_avg", Values: m}, {Name: "exp_avg_sq", Values: [][]float64{v[0][:5], v[1], v[2]}}}}, graphs.ErrShape},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.opt.SetState(tc.s); !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
		})
	}
	// Slots in another order are accepted.
	swapped := State{Kind: "adam", Steps: 1, Slots: []Slot{good.Slots[1], good.Slots[0]}}
	if err := NewAdam(0.1, 0).SetState(swapped); err != nil {
		t.Errorf("swapped slots: %v", err)
	}
}

// TestCheckAndStepShapes: a state of other shapes is refused by Check and,
// once set, by the next Step.
func TestCheckAndStepShapes(t *testing.T) {
	ps := stateParams()
	for _, mk := range []func() Optimizer{
		func() Optimizer { return NewAdam(0.1, 0) },
		func() Optimizer { return &SGD{LR: 0.1, Momentum: 0.9} },
	} {
		o := mk()
		stepWith(t, o, ps, 0)
		s := o.State()
		if err := s.Check(ps); err != nil {
			t.Fatalf("%s: own parameters: %v", s.Kind, err)
		}
		fewer := ps[:2]
		if err := s.Check(fewer); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%s: Check with fewer params: err = %v", s.Kind, err)
		}
		longer := stateParams()
		longer[0].Value, longer[0].Grad = make([]float64, 7), make([]float64, 7)
		if err := s.Check(longer); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%s: Check with a longer param: err = %v", s.Kind, err)
		}
		f := mk()
		if err := f.SetState(s); err != nil {
			t.Fatal(err)
		}
		if err := f.Step(longer); !errors.Is(err, graphs.ErrShape) {
			t.Errorf("%s: Step with a longer param: err = %v", s.Kind, err)
		}
	}
	// An empty entry is allowed for a buffer only.
	s := State{Kind: "adam", Steps: 1, Slots: []Slot{{Name: "exp_avg", Values: [][]float64{make([]float64, 6), nil, nil}}}}
	if err := s.Check(ps); !errors.Is(err, graphs.ErrShape) {
		t.Errorf("empty entry for a trained param: err = %v", err)
	}
	s.Slots[0].Values[1] = make([]float64, 2)
	if err := s.Check(ps); err != nil {
		t.Errorf("empty entry for a buffer: %v", err)
	}
}

func TestZeroGrad(t *testing.T) {
	ps := stateParams()
	stepWith(t, &SGD{LR: 0.1}, ps, 0)
	ZeroGrad(ps)
	for _, p := range ps {
		for _, g := range p.Grad {
			if g != 0 {
				t.Fatalf("%s: gradient %v after ZeroGrad", p.Name, p.Grad)
			}
		}
	}
}
