package train

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// Target is the type of the targets of a training run: int32 class labels
// (classification, softmax cross-entropy) or float64 real values
// (regression, mean squared error).
type Target interface{ int32 | float64 }

// targets is what a training loop needs of its targets: classification
// labels in [0, out), or regression values, out per sample.
type targets struct {
	out int       // model outputs per sample: classes, or values per sample
	reg bool      // regression
	cls []int32   // classification: one label per sample
	val []float64 // regression: out values per sample
}

// newTargets checks y, the targets of samples samples (nodes or graphs),
// and returns them with the metric the run reports: metric itself, or
// MetricMAE for MetricAccuracy in regression. Regression targets are
// len(y)/samples values per sample; they are checked to be finite on the
// listed rows only (other samples may carry NaN). Errors wrap
// graphs.ErrShape or graphs.ErrParameter.
func newTargets[T Target](fn string, y []T, samples int, metric Metric, rows ...[]int32) (targets, Metric, error) {
	var t targets
	switch y := any(y).(type) {
	case []int32:
		if len(y) != samples {
			return t, 0, fmt.Errorf("train: %s: %d samples, len(y)=%d: %w", fn, samples, len(y), graphs.ErrShape)
		}
		for i, c := range y {
			if c < 0 {
				return t, 0, fmt.Errorf("train: %s: y[%d]=%d is negative: %w", fn, i, c, graphs.ErrParameter)
			}
			t.out = max(t.out, int(c)+1)
		}
		t.cls = y
		if metric == MetricMAE {
			return t, 0, fmt.Errorf("train: %s: Metric=mae is for regression targets ([]float64): %w", fn, graphs.ErrParameter)
		}
		return t, metric, metric.check(fn, t.out)
	case []float64:
		if samples == 0 || len(y) == 0 || len(y)%samples != 0 {
			return t, 0, fmt.Errorf("train: %s: %d samples, len(y)=%d (want a positive multiple): %w", fn, samples, len(y), graphs.ErrShape)
		}
		t.reg, t.val, t.out = true, y, len(y)/samples
		for _, r := range rows {
			for _, i := range r {
				if i < 0 || int(i) >= samples {
					continue // checkIndex reports it
				}
				for _, v := range y[int(i)*t.out : int(i+1)*t.out] {
					if math.IsNaN(v) || math.IsInf(v, 0) {
						return t, 0, fmt.Errorf("train: %s: target of sample %d is %v: %w", fn, i, v, graphs.ErrParameter)
					}
				}
			}
		}
		switch metric {
		case MetricAccuracy, MetricMAE:
			return t, MetricMAE, nil
		}
		return t, 0, fmt.Errorf("train: %s: metric=%v is not a regression metric (mae): %w", fn, metric, graphs.ErrParameter)
	}
	panic("unreachable")
}

// samples returns the number of samples.
func (t targets) samples() int {
	if t.reg {
		return len(t.val) / t.out
	}
	return len(t.cls)
}

// gather sets dst to the targets of samples ids of t, reusing dst's
// storage.
func (t targets) gather(dst *targets, ids []int32) {
	dst.out, dst.reg = t.out, t.reg
	dst.cls, dst.val = dst.cls[:0], dst.val[:0]
	for _, i := range ids {
		if t.reg {
			dst.val = append(dst.val, t.val[int(i)*t.out:int(i+1)*t.out]...)
		} else {
			dst.cls = append(dst.cls, t.cls[i])
		}
	}
}

// appendTo appends the targets of t to dst.
func (t targets) appendTo(dst *targets) {
	dst.out, dst.reg = t.out, t.reg
	dst.cls, dst.val = append(dst.cls, t.cls...), append(dst.val, t.val...)
}

// loss returns the mean loss over rows (nil: all) of the outputs out and
// sets grad: CrossEntropy, or MeanSquaredError in regression.
func (t targets) loss(grad, out []float64, rows []int32) (float64, error) {
	if t.reg {
		return MeanSquaredError(grad, out, t.val, t.out, rows)
	}
	return CrossEntropy(grad, out, t.out, t.cls, rows)
}

// accuracy returns the accuracy of rows (0 in regression).
func (t targets) accuracy(out []float64, rows []int32) float64 {
	if t.reg {
		return 0
	}
	return Accuracy(out, t.out, t.cls, rows)
}

// score returns metric m over rows (NaN where undefined).
func (t targets) score(m Metric, out []float64, rows []int32) float64 {
	if t.reg {
		v, err := MeanAbsoluteError(out, t.val, t.out, rows)
		if err != nil {
			return math.NaN()
		}
		return v
	}
	return m.score(out, t.out, t.cls, rows)
}

// constant reports whether the outputs of all rows (nil: all) give the
// same prediction, the same class or, in regression, the same values,
// while their targets are not all equal (at least two rows).
func (t targets) constant(out []float64, rows []int32) bool {
	count := len(rows)
	if rows == nil {
		count = t.samples()
	}
	if count < 2 {
		return false
	}
	row := func(r int) int {
		if rows == nil {
			return r
		}
		return int(rows[r])
	}
	if !t.reg {
		var s sameness
		for r := range count {
			i := row(r)
			s.add(argmax(out[i*t.out:(i+1)*t.out]), int(t.cls[i]))
		}
		return s.constant()
	}
	i0 := row(0)
	samePred, sameTarget := true, true
	for r := 1; r < count; r++ {
		i := row(r)
		for k := range t.out {
			samePred = samePred && out[i*t.out+k] == out[i0*t.out+k]
			sameTarget = sameTarget && t.val[i*t.out+k] == t.val[i0*t.out+k]
		}
	}
	return samePred && !sameTarget
}

// task returns the checkpoint task name of a loop ("nodes" or "graphs"),
// with "-regression" appended in regression.
func (t targets) task(loop string) string {
	if t.reg {
		return loop + "-regression"
	}
	return loop
}

// selection returns the rule a run applies: sel, or SelectValLoss for
// SelectValAcc in regression (there is no accuracy).
func (t targets) selection(sel Select) Select {
	if t.reg && sel == SelectValAcc {
		return SelectValLoss
	}
	return sel
}
