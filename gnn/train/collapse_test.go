package train

import (
	"context"
	"math"
	"reflect"
	"testing"

	"github.com/gnnwb/gnnwb/gnn"
)

// TestWatch replays training losses and constant-prediction flags through
// the collapse detector and checks the verdict against the definition of
// Collapse.
func TestWatch(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	ones := func(n int) []float64 {
		l := make([]float64, n)
		for i := range l {
			l[i] = 1
		}
		return l
	}
	flags := func(n int, from int) []bool { // constant from epoch from on
		c := make([]bool, n)
		for i := from; i < n; i++ {
			c[i] = true
		}
		return c
	}
	for _, tc := range []struct {
		name     string
		loss     []float64
		constant []bool // nil: never
		want     *Collapse
		epochs   int // epochs run before halting
	}{
		{"healthy", []float64{1, 0.5, 0.2, 0.1}, nil, nil, 4},
		{"NaN at 2 halts", []float64{1, 0.5, nan, 0.1}, nil, &Collapse{2, CollapseNonFinite}, 3},
		{"+Inf at 0 halts", []float64{inf, 1}, nil, &Collapse{0, CollapseNonFinite}, 1},
		{"-Inf halts", []float64{1, math.Inf(-1), 1}, nil, &Collapse{1, CollapseNonFinite}, 2},
		{"1000x is not exploded", []float64{2, 2000, 1}, nil, nil, 3},
		{"above 1000x at 1 stays flagged", []float64{2, 2000.001, 1, 0.5}, nil, &Collapse{1, CollapseExploded}, 4},
		{"exploded then NaN keeps the first reason", []float64{1, 5000, nan, 1}, nil, &Collapse{1, CollapseExploded}, 3},
		{"zero initial loss never explodes", []float64{0, 1e9, 1e12}, nil, nil, 3},
		{"constant last 10 of 15", ones(15), flags(15, 5), &Collapse{5, CollapseConstant}, 15},
		{"constant last 9 of 15", ones(15), flags(15, 6), nil, 15},
		{"constant throughout", ones(12), flags(12, 0), &Collapse{0, CollapseConstant}, 12},
		{"constant for a while, then recovered", ones(30), append(flags(25, 0), false, false, false, false, false), nil, 30},
		{"exploded wins over constant", append([]float64{1, 1e4}, ones(13)...), flags(15, 0), &Collapse{1, CollapseExploded}, 15},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := &checkpoint{}
			for e, l := range tc.loss {
				if st.Halted {
					break
				}
				es := EpochStats{Epoch: e, TrainLoss: l}
				if e == 0 {
					st.Loss0 = l
				}
				st.History = append(st.History, es)
				st.watch(es, tc.constant != nil && tc.constant[e])
				st.Epoch++
			}
			if got := st.collapse(); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("collapse %+v, want %+v", got, tc.want)
			}
			if st.Epoch != tc.epochs {
				t.Errorf("%d epochs run, want %d", st.Epoch, tc.epochs)
			}
		})
	}
}

func TestSameness(t *testing.T) {
	for _, tc := range []struct {
		name        string
		pred, label []int
		want        bool
	}{
		{"none", nil, nil, false},
		{"one sample", []int{1}, []int{0}, false},
		{"constant, labels differ", []int{1, 1, 1}, []int{0, 1, 0}, true},
		{"constant, labels all equal", []int{1, 1, 1}, []int{1, 1, 1}, false},
		{"varied", []int{1, 0, 1}, []int{0, 1, 0}, false},
		{"varied, last differs", []int{2, 2, 0}, []int{0, 1, 2}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s sameness
			for k := range tc.pred {
				s.add(tc.pred[k], tc.label[k])
			}
			if got := s.constant(); got != tc.want {
				t.Errorf("constant() = %v, want %v", got, tc.want)
			}
		})
	}
}

// TestCollapse forces collapses (a huge learning rate, features that carry
// nothing, a NaN feature) and checks that healthy runs are not flagged.
func TestCollapse(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 300, 3, 16, 0.08, 0.005, 0.7, 1)
	zero := make([]float64, len(X))
	withNaN := append([]float64(nil), X...)
	withNaN[7] = math.NaN()
	gs, GX, gy, gtr, gva, gte := graphTask(t, 120, 1)
	node := func(lr float64, X []float64) func() (Result, error) {
		return func() (Result, error) {
			cfg := DefaultNodeConfig(gnn.KindGCN)
			cfg.Stop, cfg.Epochs, cfg.LR = StopNone, 50, lr
			return Nodes(context.Background(), cfg, g, gnn.Features{Dense: X}, y, train, val, test)
		}
	}
	graph := func(lr float64, plain bool) func() (Result, error) {
		return func() (Result, error) {
			cfg := DefaultGraphConfig(gnn.KindGIN)
			cfg.Epochs, cfg.LR = 30, lr
			if plain {
				plainGIN(&cfg)
			}
			return Graphs(context.Background(), cfg, gs, GX, gy, gtr, gva, gte)
		}
	}
	for _, tc := range []struct {
		name   string
		run    func() (Result, error)
		want   *Collapse
		epochs int
	}{
		{"nodes healthy", node(0.01, X), nil, 50},
		{"nodes lr 100", node(100, X), &Collapse{1, CollapseExploded}, 50},
		{"nodes zero features", node(0.01, zero), &Collapse{0, CollapseConstant}, 50},
		{"nodes NaN feature", node(0.01, withNaN), &Collapse{0, CollapseNonFinite}, 1},
		{"graphs healthy", graph(0.01, false), nil, 30},
		{"graphs plain GIN healthy", graph(0.01, true), nil, 30},
		{"graphs plain GIN lr 1", graph(1, true), &Collapse{0, CollapseExploded}, 30},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := tc.run()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(res.Collapse, tc.want) {
				t.Errorf("collapse %+v, want %+v", res.Collapse, tc.want)
			}
			if res.Epochs != tc.epochs || len(res.History) != tc.epochs {
				t.Errorf("%d epochs, %d in history, want %d", res.Epochs, len(res.History), tc.epochs)
			}
		})
	}
}

// TestCollapseSummary checks that collapsed runs are counted and that
// Healthy is the summary of the others.
func TestCollapseSummary(t *testing.T) {
	c := &Collapse{Epoch: 3, Reason: CollapseConstant}
	runs := []RunStats{
		{Fold: 0, Seed: 1, TestAcc: 0.9}, {Fold: 0, Seed: 2, TestAcc: 0.5, Collapse: c},
		{Fold: 1, Seed: 1, TestAcc: 0.7}, {Fold: 1, Seed: 2, TestAcc: 0.8},
	}
	s := summarise(runs)
	mean, std := meanStd([]float64{0.9, 0.75}) // per-fold means of the healthy runs
	if s.Collapsed != 1 || s.Healthy == nil || s.Healthy.Runs != 3 || math.Abs(s.Healthy.Mean-0.8) > 1e-15 ||
		math.Abs(s.Healthy.Std-std) > 1e-15 || math.Abs(mean-0.825) > 1e-15 {
		t.Errorf("summary %+v healthy %+v, want 1 collapsed and 3 runs of mean 0.8, std %v", s, s.Healthy, std)
	}
	if all := spread(runs); s.TestMean != all.TestMean || s.TestStd != all.TestStd || math.Abs(s.TestMean-0.725) > 1e-15 {
		t.Errorf("TestMean %v TestStd %v: want every run's, %v and %v", s.TestMean, s.TestStd, all.TestMean, all.TestStd)
	}
	if s := summarise(runs[2:]); s.Collapsed != 0 || s.Healthy != nil {
		t.Errorf("no collapse: %+v", s)
	}
	all := summarise([]RunStats{{TestAcc: 0.5, Collapse: c}})
	if all.Collapsed != 1 || all.Healthy == nil || *all.Healthy != (Spread{}) {
		t.Errorf("all collapsed: %+v %+v", all, all.Healthy)
	}
}

// TestCollapseResume checks that a collapse found across an interruption
// is the one an uninterrupted run finds.
func TestCollapseResume(t *testing.T) {
	g, X, y, train, val, test := plantedPartition(t, 300, 3, 16, 0.08, 0.005, 0.7, 1)
	cfg := DefaultNodeConfig(gnn.KindGCN)
	cfg.Stop, cfg.Epochs = StopNone, 30
	run := nodeRunner(cfg, g, make([]float64, len(X)), y, train, val, test)
	want, err := run(context.Background(), "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := interrupted(t, run, 25, nil)
	sameRun(t, "resumed", got, want)
	if want.Collapse == nil || !reflect.DeepEqual(got.Collapse, want.Collapse) {
		t.Errorf("collapse %+v after resume, %+v without", got.Collapse, want.Collapse)
	}
}

// plainGIN sets cfg to the GIN recipe that was the default before BatchNorm
// and the jumping-knowledge head: 3 layers, pool then Linear–ReLU–Dropout–
// Linear, constant learning rate.
func plainGIN(cfg *GraphConfig) {
	cfg.Model.Layers, cfg.Model.BatchNorm, cfg.Model.Head = 3, false, gnn.HeadMLP
	cfg.LRStep, cfg.LRGamma = 0, 0
}
