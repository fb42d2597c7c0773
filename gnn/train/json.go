package train

import (
	"encoding/json"
	"math"
)

// The JSON forms of RunStats, Summary and Spread write a NaN or infinite
// number (an undefined metric, a loss that blew up) as null, where
// encoding/json would fail, and leave out the keys that do not apply: the
// metric's keys for MetricAccuracy (so that accuracy-only output is as it
// was before metrics existed). Decoding uses the struct tags; a null
// leaves the field at 0.

// num is a float64 whose JSON is encoding/json's, or null when it is not
// finite.
type num float64

func (v num) MarshalJSON() ([]byte, error) {
	f := float64(v)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

func nums(v []float64) []num {
	if v == nil {
		return nil
	}
	out := make([]num, len(v))
	for k, x := range v {
		out[k] = num(x)
	}
	return out
}

// opt returns &v when on, else nil (a key left out).
func opt(on bool, v float64) *num {
	if !on {
		return nil
	}
	n := num(v)
	return &n
}

// epochJSON is the JSON form of EpochStats in a RunStats's History.
type epochJSON struct {
	Epoch       int  `json:"epoch"`
	TrainLoss   num  `json:"train_loss"`
	TrainAcc    *num `json:"train_acc,omitempty"`
	ValLoss     num  `json:"val_loss"`
	ValAcc      *num `json:"val_acc,omitempty"`
	TestLoss    num  `json:"test_loss"`
	TestAcc     *num `json:"test_acc,omitempty"`
	TrainMetric num  `json:"train_metric"`
	ValMetric   num  `json:"val_metric"`
	TestMetric  num  `json:"test_metric"`
}

// runJSON is the JSON form of RunStats, keys in the order they always had.
type runJSON struct {
	Fold       int         `json:"fold"`
	Seed       uint64      `json:"seed"`
	TestAcc    *num        `json:"test_acc,omitempty"`
	ValAcc     *num        `json:"val_acc,omitempty"`
	Epochs     int         `json:"epochs"`
	BestEpoch  int         `json:"best_epoch"`
	Stopped    bool        `json:"stopped"`
	TestCurve  []num       `json:"test_curve,omitempty"`
	Metric     Metric      `json:"metric,omitempty"`
	TestMetric *num        `json:"test_metric,omitempty"`
	ValMetric  *num        `json:"val_metric,omitempty"`
	TestLoss   *num        `json:"test_loss,omitempty"`
	ValLoss    *num        `json:"val_loss,omitempty"`
	Collapse   *Collapse   `json:"collapse,omitempty"`
	History    []epochJSON `json:"history,omitempty"`
}

// MarshalJSON writes the keys of r's tags that apply (see RunStats).
func (r RunStats) MarshalJSON() ([]byte, error) {
	reg, metric := r.Metric.regression(), r.Metric != MetricAccuracy
	j := runJSON{Fold: r.Fold, Seed: r.Seed, TestAcc: opt(!reg, r.TestAcc), ValAcc: opt(!reg, r.ValAcc),
		Epochs: r.Epochs, BestEpoch: r.BestEpoch, Stopped: r.Stopped, TestCurve: nums(r.TestCurve),
		Metric: r.Metric, TestMetric: opt(metric, r.TestMetric), ValMetric: opt(metric, r.ValMetric),
		TestLoss: opt(reg, r.TestLoss), ValLoss: opt(reg, r.ValLoss), Collapse: r.Collapse}
	for _, h := range r.History {
		j.History = append(j.History, epochJSON{Epoch: h.Epoch,
			TrainLoss: num(h.TrainLoss), TrainAcc: opt(!reg, h.TrainAcc),
			ValLoss: num(h.ValLoss), ValAcc: opt(!reg, h.ValAcc),
			TestLoss: num(h.TestLoss), TestAcc: opt(!reg, h.TestAcc),
			TrainMetric: num(h.TrainMetric), ValMetric: num(h.ValMetric), TestMetric: num(h.TestMetric)})
	}
	return json.Marshal(j)
}

// spreadJSON is the JSON form of Spread.
type spreadJSON struct {
	Runs int `json:"runs"`
	Mean num `json:"mean"`
	Std  num `json:"std"`
}

// MarshalJSON writes s with non-finite numbers as null.
func (s Spread) MarshalJSON() ([]byte, error) {
	return json.Marshal(spreadJSON{s.Runs, num(s.Mean), num(s.Std)})
}

// summaryJSON is the JSON form of Summary.
type summaryJSON struct {
	Runs       []RunStats `json:"runs"`
	Metric     Metric     `json:"metric,omitempty"`
	TestMean   num        `json:"test_mean"`
	TestStd    num        `json:"test_std"`
	ValMean    num        `json:"val_mean"`
	ValStd     num        `json:"val_std"`
	SeedStd    num        `json:"seed_std"`
	CurveMax   num        `json:"curve_max,omitempty"`
	CurveStd   num        `json:"curve_std,omitempty"`
	CurveEpoch int        `json:"curve_epoch,omitempty"`
	Collapsed  int        `json:"collapsed,omitempty"`
	Healthy    *Spread    `json:"healthy,omitempty"`
	TestAcc    *Spread    `json:"test_acc,omitempty"`
	TestLoss   *Spread    `json:"test_loss,omitempty"`
}

// MarshalJSON writes s with non-finite numbers as null.
func (s Summary) MarshalJSON() ([]byte, error) {
	return json.Marshal(summaryJSON{Runs: s.Runs, Metric: s.Metric, TestMean: num(s.TestMean), TestStd: num(s.TestStd),
		ValMean: num(s.ValMean), ValStd: num(s.ValStd), SeedStd: num(s.SeedStd),
		CurveMax: num(s.CurveMax), CurveStd: num(s.CurveStd), CurveEpoch: s.CurveEpoch,
		Collapsed: s.Collapsed, Healthy: s.Healthy, TestAcc: s.TestAcc, TestLoss: s.TestLoss})
}
