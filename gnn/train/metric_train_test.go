package train

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/graphs"
)

// graphScores returns the scores z_1 − z_0 of the model on graphs ids
// (dropout off) and their labels as 0/1 targets.
func graphScores(t *testing.T, m *gnn.Model, gs []graphs.Graph, X []float64, y, ids []int32) (score, target []float64) {
	t.Helper()
	s := &graphSet{gs: gs, off: make([]int, len(gs)+1), X: X, t: targets{out: 2, cls: y}}
	for k, g := range gs {
		s.off[k+1] = s.off[k] + g.NumNodes()
	}
	s.d = len(X) / s.off[len(gs)]
	var tb targets
	b, x, err := s.batch(ids, nil, &tb)
	if err != nil {
		t.Fatal(err)
	}
	yb := tb.cls
	z := make([]float64, 2*len(ids))
	if err := m.Forward(z, gnn.Features{Dense: x}, b); err != nil {
		t.Fatal(err)
	}
	for k := range ids {
		score, target = append(score, z[2*k+1]-z[2*k]), append(target, float64(yb[k]))
	}
	return score, target
}

// TestTrainMetric trains with each metric and checks that the reported
// value is the metric of the restored model's predictions and that
// SelectValMetric chose the best validation epoch.
func TestTrainMetric(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 120, 1)
	for _, m := range []Metric{MetricAccuracy, MetricROCAUC, MetricAP, MetricMacroF1} {
		t.Run(m.String(), func(t *testing.T) {
			cfg := DefaultGraphConfig(gnn.KindGIN)
			cfg.Hidden, cfg.Epochs, cfg.BatchSize = 16, 12, 16
			cfg.Metric, cfg.Select = m, SelectValMetric
			res, err := Graphs(context.Background(), cfg, gs, X, y, train, val, test)
			if err != nil {
				t.Fatal(err)
			}
			best := res.History[res.BestEpoch]
			for _, h := range res.History {
				if h.ValMetric > best.ValMetric || (h.ValMetric == best.ValMetric && h.ValLoss < best.ValLoss) {
					t.Errorf("epoch %d has validation %v %v (loss %v), better than the best epoch %d's %v (loss %v)",
						h.Epoch, m, h.ValMetric, h.ValLoss, res.BestEpoch, best.ValMetric, best.ValLoss)
				}
				if m == MetricAccuracy && (h.TrainMetric != h.TrainAcc || h.ValMetric != h.ValAcc || h.TestMetric != h.TestAcc) {
					t.Errorf("epoch %d: accuracy metric %+v differs from the accuracies", h.Epoch, h)
				}
			}
			if res.TestMetric != best.TestMetric || res.ValMetric != best.ValMetric || res.TestAcc != best.TestAcc {
				t.Errorf("result %v/%v/%v, best epoch %+v", res.TestMetric, res.ValMetric, res.TestAcc, best)
			}
			score, target := graphScores(t, res.Model, gs, X, y, test)
			var want float64
			switch m {
			case MetricAccuracy, MetricMacroF1:
				z := make([]float64, 2*len(score))
				lab := make([]int32, len(score))
				for k, s := range score {
					z[2*k+1], lab[k] = s, int32(target[k])
				}
				want = Accuracy(z, 2, lab, nil)
				if m == MetricMacroF1 {
					want = MacroF1(z, 2, lab, nil)
				}
			case MetricROCAUC:
				want, err = ROCAUC(score, target, 1)
			case MetricAP:
				want, err = AveragePrecision(score, target, 1)
			}
			if err != nil || math.Abs(res.TestMetric-want) > 1e-12 {
				t.Errorf("test %v %v, recomputed from the restored model %v (%v)", m, res.TestMetric, want, err)
			}
			if res.TestMetric < 0.85 {
				t.Errorf("test %v %v, want ≥ 0.85 on this easy task", m, res.TestMetric)
			}
		})
	}
}

// TestTrainMetricNodes: the node loop reports the metric of its rows.
func TestTrainMetricNodes(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 200, 2, 8, 0.1, 0.01, 1, 3)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Stop, cfg.Epochs, cfg.Metric, cfg.Select, cfg.RestoreBest = StopNone, 30, MetricROCAUC, SelectValMetric, true
	res, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
	if err != nil {
		t.Fatal(err)
	}
	z, err := res.Model.Predict(gnn.NewBatch(g), gnn.Features{Dense: X})
	if err != nil {
		t.Fatal(err)
	}
	var score, target []float64
	for _, i := range test {
		score, target = append(score, z[2*i+1]-z[2*i]), append(target, float64(y[i]))
	}
	want, err := ROCAUC(score, target, 1)
	if err != nil || math.Abs(want-res.TestMetric) > 1e-12 || res.TestMetric < 0.9 {
		t.Errorf("test ROC-AUC %v, recomputed %v (%v)", res.TestMetric, want, err)
	}
}

// TestTrainMetricResume: a graph run with a metric other than accuracy,
// interrupted mid-epoch, resumes to the same bits and history.
func TestTrainMetricResume(t *testing.T) {
	gs, X, y, train, val, test := graphTask(t, 60, 2)
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Hidden, cfg.Epochs, cfg.BatchSize, cfg.Metric, cfg.RestoreBest = 8, 4, 8, MetricAP, false
	run := graphRunner(cfg, gs, X, y, train, val, test)
	want, err := run(context.Background(), "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	sameRun(t, "resumed", interrupted(t, run, 7, nil), want) // batch 2 of epoch 1
}

func TestTrainMetricErrors(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 60, 3, 8, 0.2, 0.02, 1, 4)
	gs, GX, gy, gtr, gva, gte := graphTask(t, 20, 1)
	for _, tc := range []struct {
		name   string
		metric Metric
		sel    Select
	}{
		{"roc-auc of 3 classes", MetricROCAUC, SelectValAcc},
		{"ap of 3 classes", MetricAP, SelectValAcc},
		{"unknown metric", Metric(9), SelectValAcc},
		{"unknown select", MetricAccuracy, Select(7)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := DefaultNodeConfig(gnn.KindGCN)
			cfg.Epochs, cfg.Metric, cfg.Select = 1, tc.metric, tc.sel
			if _, err := Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test); !errors.Is(err, graphs.ErrParameter) {
				t.Errorf("Nodes: %v", err)
			}
		})
	}
	cfg := DefaultGraphConfig(gnn.KindGIN)
	cfg.Epochs, cfg.Metric = 1, Metric(-1)
	if _, err := Graphs(context.Background(), cfg, gs, GX, gy, gtr, gva, gte); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Graphs: %v", err)
	}
}

// TestSummaryMetric: a summary of metric runs averages the metric, gives
// the accuracy apart, and writes NaN as null.
func TestSummaryMetric(t *testing.T) {
	runs := []RunStats{
		{Fold: 0, Seed: 1, TestAcc: 0.5, ValAcc: 0.6, Metric: MetricROCAUC, TestMetric: 0.7, ValMetric: 0.8},
		{Fold: 1, Seed: 1, TestAcc: 0.7, ValAcc: 0.6, Metric: MetricROCAUC, TestMetric: 0.9, ValMetric: 0.6},
	}
	s := summarise(runs)
	if s.Metric != MetricROCAUC || math.Abs(s.TestMean-0.8) > 1e-15 || math.Abs(s.ValMean-0.7) > 1e-15 ||
		s.TestAcc == nil || s.TestAcc.Runs != 2 || math.Abs(s.TestAcc.Mean-0.6) > 1e-15 {
		t.Errorf("summary %+v, accuracy %+v", s, s.TestAcc)
	}
	runs[1].TestMetric = math.NaN()
	b, err := json.Marshal(summarise(runs))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"metric":"roc-auc"`, `"test_metric":null`, `"test_mean":null`, `"test_acc":{"runs":2,"mean":0.6,`, `"val_metric":0.8`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("JSON lacks %s:\n%s", want, b)
		}
	}
	var back Summary
	if err := json.Unmarshal(b, &back); err != nil || back.Metric != MetricROCAUC || back.Runs[0].TestMetric != 0.7 {
		t.Errorf("decoded %+v, %v", back, err)
	}
	acc, err := json.Marshal(summarise([]RunStats{{TestAcc: 0.5}}))
	if err != nil || strings.Contains(string(acc), "metric") || strings.Contains(string(acc), "test_acc\":{") {
		t.Errorf("accuracy summary %s, %v", acc, err)
	}
}
