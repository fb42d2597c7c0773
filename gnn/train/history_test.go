package train

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
)

// TestKeepHistory: with KeepHistory every run's history reaches RunStats
// and its JSON; without it, neither.
func TestKeepHistory(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 90, 3, 8, 0.2, 0.02, 1, 6)
	gs, GX, gy, _, _, _ := graphTask(t, 24, 1)
	folds := []Split{{Train: []int32{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, Val: []int32{12, 13, 14, 15}, Test: []int32{16, 17, 18, 19, 20, 21, 22, 23}}}
	for _, tc := range []struct {
		name string
		run  func(keep bool) (Summary, error)
	}{
		{"nodes", func(keep bool) (Summary, error) {
			cfg := DefaultNodeConfig(gnn.KindGCN)
			cfg.Epochs, cfg.KeepHistory = 6, keep
			return RepeatNodes(context.Background(), cfg, 2, "", g, gnn.Features{Dense: X}, y, Split{train, val, test})
		}},
		{"graphs", func(keep bool) (Summary, error) {
			cfg := DefaultGraphConfig(gnn.KindGIN)
			cfg.Hidden, cfg.Epochs, cfg.BatchSize, cfg.KeepHistory, cfg.Metric = 8, 4, 4, keep, MetricROCAUC
			return CrossValidate(context.Background(), cfg, folds, 2, "", gs, GX, gy)
		}},
	} {
		for _, keep := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/keep=%v", tc.name, keep), func(t *testing.T) {
				s, err := tc.run(keep)
				if err != nil {
					t.Fatal(err)
				}
				b, err := json.Marshal(s)
				if err != nil {
					t.Fatal(err)
				}
				if strings.Contains(string(b), `"history"`) != keep {
					t.Fatalf("keep %v: JSON %s", keep, b)
				}
				for _, r := range s.Runs {
					if keep != (len(r.History) == r.Epochs) || (keep && (r.History[r.BestEpoch].TestMetric != r.TestMetric || r.History[r.BestEpoch].TestAcc != r.TestAcc)) {
						t.Errorf("keep %v: run %+v", keep, r)
					}
				}
				if !keep {
					return
				}
				var back struct {
					Runs []struct {
						History []EpochStats `json:"history"`
					} `json:"runs"`
				}
				if err := json.Unmarshal(b, &back); err != nil {
					t.Fatal(err)
				}
				for k, r := range s.Runs {
					if !slices.Equal(back.Runs[k].History, r.History) {
						t.Errorf("run %d: history read back %+v, want %+v", k, back.Runs[k].History, r.History)
					}
				}
			})
		}
	}
}

// TestHistoryJSON: accuracies only in classification, NaN as null.
func TestHistoryJSON(t *testing.T) {
	h := []EpochStats{{Epoch: 0, TrainLoss: 1, TrainAcc: 0.5, ValLoss: math.NaN(), ValMetric: 0.25}}
	b, err := json.Marshal(RunStats{Metric: MetricROCAUC, History: h})
	if err != nil {
		t.Fatal(err)
	}
	want := `"history":[{"epoch":0,"train_loss":1,"train_acc":0.5,"val_loss":null,"val_acc":0,"test_loss":0,"test_acc":0,"train_metric":0,"val_metric":0.25,"test_metric":0}]`
	if !strings.Contains(string(b), want) {
		t.Errorf("classification: %s\nwant %s", b, want)
	}
	b, err = json.Marshal(RunStats{Metric: MetricMAE, History: h})
	if err != nil {
		t.Fatal(err)
	}
	want = `"history":[{"epoch":0,"train_loss":1,"val_loss":null,"test_loss":0,"train_metric":0,"val_metric":0.25,"test_metric":0}]`
	if !strings.Contains(string(b), want) {
		t.Errorf("regression: %s\nwant %s", b, want)
	}
}
