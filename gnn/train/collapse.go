package train

import "math"

// Collapse says that a run's training collapsed, why, and from which
// epoch. Nodes and Graphs detect three kinds:
//
//   - CollapseNonFinite: the training loss of epoch Epoch is NaN or ±Inf.
//     The parameters are then no longer finite (or the step was taken on a
//     meaningless gradient), so training stops after that epoch.
//   - CollapseExploded: the training loss of epoch Epoch (Nodes: of its
//     step; Graphs: the mean over its mini-batches) exceeds
//     CollapseLossFactor times the training loss at initialisation, that
//     of the first optimiser step, computed before it (Nodes: epoch 0;
//     Graphs: the first mini-batch), when that is positive. Training goes
//     on; the run stays flagged even if the loss comes down again.
//   - CollapseConstant: every evaluated sample (the validation and test
//     rows; nodes or graphs) got the same prediction at every epoch from
//     Epoch to the last one run, at least CollapseConstantEpochs epochs,
//     while their labels are not all equal: in classification the same
//     arg-max class (the accuracy is then a class rate, typically the
//     majority class's), in regression the same output values. A run that
//     is constant only for a while and recovers is not flagged.
//
// A loss-based collapse takes precedence over a constant one.
type Collapse struct {
	Epoch  int    `json:"epoch"`  // 0-based epoch at which it started
	Reason string `json:"reason"` // CollapseNonFinite, CollapseExploded or CollapseConstant
}

// The reasons of a Collapse.
const (
	CollapseNonFinite = "non-finite-loss"
	CollapseExploded  = "exploded-loss"
	CollapseConstant  = "constant-predictions"
)

// The thresholds of collapse detection (see Collapse).
const (
	// CollapseLossFactor: a training loss above this multiple of the
	// loss at initialisation has exploded.
	CollapseLossFactor = 1e3
	// CollapseConstantEpochs: constant predictions over at least this many
	// final epochs are a collapse.
	CollapseConstantEpochs = 10
)

// watch records the collapse evidence of epoch es, whose evaluated
// predictions were constant or not, and reports whether training must
// halt (a non-finite training loss).
func (st *checkpoint) watch(es EpochStats, constant bool) (halt bool) {
	if constant {
		st.Constant++
	} else {
		st.Constant = 0
	}
	l := es.TrainLoss
	if math.IsNaN(l) || math.IsInf(l, 0) {
		if st.Collapse == nil {
			st.Collapse = &Collapse{Epoch: es.Epoch, Reason: CollapseNonFinite}
		}
		st.Halted = true
		return true
	}
	if l0 := st.Loss0; st.Collapse == nil && l0 > 0 && l > CollapseLossFactor*l0 {
		st.Collapse = &Collapse{Epoch: es.Epoch, Reason: CollapseExploded}
	}
	return false
}

// collapse returns the collapse of the run so far, or nil.
func (st *checkpoint) collapse() *Collapse {
	if st.Collapse != nil {
		c := *st.Collapse
		return &c
	}
	if st.Constant >= CollapseConstantEpochs {
		return &Collapse{Epoch: st.Epoch - st.Constant, Reason: CollapseConstant}
	}
	return nil
}

// sameness accumulates (prediction, label) pairs of evaluated samples and
// tells whether the predictions are all equal while the labels are not.
type sameness struct {
	n                    int
	pred, label          int
	predSame, labelsSame bool
}

func (s *sameness) add(pred, label int) {
	if s.n == 0 {
		s.pred, s.label, s.predSame, s.labelsSame = pred, label, true, true
	}
	s.n++
	s.predSame = s.predSame && pred == s.pred
	s.labelsSame = s.labelsSame && label == s.label
}

// constant reports constant predictions on at least two samples whose
// labels differ.
func (s *sameness) constant() bool { return s.n >= 2 && s.predSame && !s.labelsSame }
