package optim

import (
	"fmt"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// Kinds of State.
const (
	kindSGD  = "sgd"
	kindAdam = "adam"
)

// Names of the slots of a State, as torch.optim's state_dict calls them.
const (
	slotMomentum = "momentum_buffer" // SGD's velocity v
	slotExpAvg   = "exp_avg"         // Adam's first moment m
	slotExpAvgSq = "exp_avg_sq"      // Adam's second moment v
)

// State is an optimiser's state between two steps, everything but its
// hyper-parameters: what a checkpoint stores so that a resumed run takes
// the same steps. It holds builtin types only, so encoding/gob stores it.
//
//	Kind  "sgd"   Steps: steps taken; Slots: "momentum_buffer" (v), after
//	              the first step with momentum, none otherwise
//	Kind  "adam"  Steps: t, the steps taken; Slots: "exp_avg" (m) and
//	              "exp_avg_sq" (v), after the first step, none before
//
// The zero State (Kind "") stands for no saved state.
type State struct {
	Kind  string
	Steps int
	Slots []Slot
}

// Slot is one per-parameter buffer of an optimiser: Values[k] belongs to
// the k-th parameter passed to Step and has its length, or is empty for a
// parameter the optimiser skips (Adam's moments of a gnn.Param.Buffer).
type Slot struct {
	Name   string
	Values [][]float64
}

// Check reports whether s fits params: every slot holds one entry per
// parameter, of that parameter's length, or empty for a buffer. Errors
// wrap graphs.ErrShape.
func (s State) Check(params []gnn.Param) error {
	for _, sl := range s.Slots {
		if len(sl.Values) != len(params) {
			return fmt.Errorf("optim: State.Check: %s slot %s has %d entries for %d params: %w", s.Kind, sl.Name, len(sl.Values), len(params), graphs.ErrShape)
		}
		for k, p := range params {
			if n := len(sl.Values[k]); n != len(p.Value) && (n != 0 || !p.Buffer) {
				return fmt.Errorf("optim: State.Check: %s slot %s entry %d has %d values, param %s %d: %w", s.Kind, sl.Name, k, n, p.Name, len(p.Value), graphs.ErrShape)
			}
		}
	}
	return nil
}

// slots returns the values of the slots named names, in that order, after
// checking that s has kind, a step count ≥ 0 and either no slots or
// exactly these, entry by entry of equal lengths.
func (s State) slots(fn, kind string, names ...string) ([][][]float64, error) {
	if s.Kind != kind || s.Steps < 0 {
		return nil, fmt.Errorf("optim: %s: state of kind %q with %d steps, want kind %q: %w", fn, s.Kind, s.Steps, kind, graphs.ErrParameter)
	}
	if len(s.Slots) == 0 {
		return nil, nil
	}
	if len(s.Slots) != len(names) {
		return nil, fmt.Errorf("optim: %s: %d slots, want %v: %w", fn, len(s.Slots), names, graphs.ErrParameter)
	}
	out := make([][][]float64, len(names))
	for i, name := range names {
		found := false
		for _, sl := range s.Slots {
			if sl.Name == name {
				out[i], found = sl.Values, true
			}
		}
		if !found {
			return nil, fmt.Errorf("optim: %s: no slot %s: %w", fn, name, graphs.ErrParameter)
		}
		if len(out[i]) != len(out[0]) {
			return nil, fmt.Errorf("optim: %s: slot %s has %d entries, %s %d: %w", fn, name, len(out[i]), names[0], len(out[0]), graphs.ErrShape)
		}
		for k := range out[i] {
			if len(out[i][k]) != len(out[0][k]) {
				return nil, fmt.Errorf("optim: %s: slot %s entry %d has %d values, %s %d: %w", fn, name, k, len(out[i][k]), names[0], len(out[0][k]), graphs.ErrShape)
			}
		}
	}
	return out, nil
}

// clone2 returns a deep copy of x (nil for nil).
func clone2(x [][]float64) [][]float64 {
	if x == nil {
		return nil
	}
	c := make([][]float64, len(x))
	for k := range x {
		c[k] = append([]float64(nil), x[k]...)
	}
	return c
}

// State returns a deep copy of the step count and the velocity.
func (o *SGD) State() State {
	s := State{Kind: kindSGD, Steps: o.T}
	if o.Velocity != nil {
		s.Slots = []Slot{{Name: slotMomentum, Values: clone2(o.Velocity)}}
	}
	return s
}

// SetState sets the step count and the velocity from a deep copy of s.
// Errors as Optimizer.SetState.
func (o *SGD) SetState(s State) error {
	v, err := s.slots("SGD.SetState", kindSGD, slotMomentum)
	if err != nil {
		return err
	}
	o.T, o.Velocity = s.Steps, nil
	if v != nil {
		o.Velocity = clone2(v[0])
	}
	return nil
}

// SetLR sets the learning rate of the next steps (a schedule's setting).
func (o *SGD) SetLR(lr float64) { o.LR = lr }

// State returns a deep copy of t and the moments.
func (o *Adam) State() State {
	s := State{Kind: kindAdam, Steps: o.T}
	if o.M != nil {
		s.Slots = []Slot{{Name: slotExpAvg, Values: clone2(o.M)}, {Name: slotExpAvgSq, Values: clone2(o.V)}}
	}
	return s
}

// SetState sets t and the moments from a deep copy of s. A state with
// steps taken must have its moments. Errors as Optimizer.SetState.
func (o *Adam) SetState(s State) error {
	mv, err := s.slots("Adam.SetState", kindAdam, slotExpAvg, slotExpAvgSq)
	if err != nil {
		return err
	}
	if mv == nil && s.Steps > 0 {
		return fmt.Errorf("optim: Adam.SetState: %d steps without moments: %w", s.Steps, graphs.ErrParameter)
	}
	o.T, o.M, o.V = s.Steps, nil, nil
	if mv != nil {
		o.M, o.V = clone2(mv[0]), clone2(mv[1])
	}
	return nil
}

// SetLR sets the learning rate of the next steps (a schedule's setting).
func (o *Adam) SetLR(lr float64) { o.LR = lr }
