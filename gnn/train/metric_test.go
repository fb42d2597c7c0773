package train

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

var updateSklearn = flag.Bool("update-sklearn", false, "regenerate testdata/metrics_sklearn.json with /usr/bin/python3 and scikit-learn")

// oneHot returns logits whose arg-max is pred.
func oneHot(pred []int32, classes int) []float64 {
	z := make([]float64, len(pred)*classes)
	for i, p := range pred {
		z[i*classes+int(p)] = 1
	}
	return z
}

// TestMetricsByHand checks the metrics on cases computed by hand, ties
// included.
func TestMetricsByHand(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		name          string
		score, target []float64
		tasks         int
		auc, ap       float64
	}{
		// scikit-learn's documentation example: 3 of 4 pairs ordered, and
		// AP = ½·1 + ½·⅔.
		{"sklearn example", []float64{0.1, 0.4, 0.35, 0.8}, []float64{0, 0, 1, 1}, 1, 0.75, 0.5 + 1.0/3},
		// All scores tied: every pair counts ½; one threshold, P = ½, R = 1.
		{"all tied", []float64{1, 1, 1, 1}, []float64{0, 1, 0, 1}, 1, 0.5, 0.5},
		// Pairs (0.5,0.5) ½, (0.5,0.2) 1, (0.9,0.5) 1, (0.9,0.2) 1: 3.5/4.
		// AP: s ≥ 0.9: P 1, R ½; s ≥ 0.5: P ⅔, R ½ (no new positive).
		{"one tie across classes", []float64{0.5, 0.5, 0.2, 0.9}, []float64{1, 0, 0, 1}, 1, 0.875, 0.5 + 0.5*2.0/3},
		// AP: s ≥ 0.5 gives TP 2, FP 1: P ⅔, R 1.
		{"positives tied with a negative", []float64{0.5, 0.5, 0.5, 0.1}, []float64{1, 0, 1, 0}, 1, (1 + 0.5 + 1 + 0.5) / 4, 2.0 / 3},
		// AP: s ≥ 0.9: P ½, R ½; s ≥ 0.2: P ½, R 1.
		{"two tied pairs", []float64{0.9, 0.9, 0.2, 0.2}, []float64{1, 0, 0, 1}, 1, 0.5, 0.5},
		{"perfect", []float64{-3, -1, 2, 5}, []float64{0, 0, 1, 1}, 1, 1, 1},
		{"reversed", []float64{3, 1, -2, -5}, []float64{0, 0, 1, 1}, 1, 0, 0.5*1.0/3 + 0.5*2.0/4},
		// Three tasks, row-major: task 0 is "one tie across classes"; task 1
		// has positives only and is skipped; task 2 leaves out its NaN row:
		// positive 0.3 against negatives 0.3 (½) and 0.1 (1): 0.75; AP:
		// s ≥ 0.3 gives P ½, R 1.
		{"OGB tasks", []float64{
			0.5, 7, 0.3,
			0.5, 8, 9,
			0.2, 9, 0.3,
			0.9, 1, 0.1,
		}, []float64{
			1, 1, 1,
			0, 1, nan,
			0, 1, 0,
			1, 1, 0,
		}, 3, (0.875 + 0.75) / 2, (0.5 + 0.5*2.0/3 + 0.5) / 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			auc, err := ROCAUC(tc.score, tc.target, tc.tasks)
			if err != nil || math.Abs(auc-tc.auc) > 1e-15 {
				t.Errorf("ROCAUC = %v, %v; want %v", auc, err, tc.auc)
			}
			ap, err := AveragePrecision(tc.score, tc.target, tc.tasks)
			if err != nil || math.Abs(ap-tc.ap) > 1e-15 {
				t.Errorf("AveragePrecision = %v, %v; want %v", ap, err, tc.ap)
			}
		})
	}
	for _, tc := range []struct {
		name        string
		pred, label []int32
		classes     int
		rows        []int32
		want        float64
	}{
		// scikit-learn's documentation example: F1 0.8, 0, 0.
		{"sklearn example", []int32{0, 2, 1, 0, 0, 1}, []int32{0, 1, 2, 0, 1, 2}, 3, nil, 0.8 / 3},
		// Class 2 only predicted: F1 ⅔, 1, 0; class 3 absent from both.
		{"class only predicted", []int32{0, 2, 1}, []int32{0, 0, 1}, 4, nil, (2.0/3 + 1) / 3},
		{"perfect", []int32{1, 0, 1}, []int32{1, 0, 1}, 2, nil, 1},
		{"rows", []int32{0, 2, 1, 0, 0, 1}, []int32{0, 1, 2, 0, 1, 2}, 3, []int32{0, 3}, 1},
		{"no rows", []int32{0, 1}, []int32{0, 1}, 2, []int32{}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := MacroF1(oneHot(tc.pred, tc.classes), tc.classes, tc.label, tc.rows); math.Abs(got-tc.want) > 1e-15 {
				t.Errorf("MacroF1 = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestMetricErrors(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	for _, tc := range []struct {
		name          string
		score, target []float64
		tasks         int
		want          error
	}{
		{"tasks 0", []float64{1}, []float64{1}, 0, graphs.ErrShape},
		{"lengths", []float64{1, 2}, []float64{1}, 1, graphs.ErrShape},
		{"not a multiple of tasks", []float64{1, 2, 3}, []float64{1, 0, 1}, 2, graphs.ErrShape},
		{"target 2", []float64{1, 2}, []float64{0, 2}, 1, graphs.ErrParameter},
		{"NaN score", []float64{nan, 2}, []float64{0, 1}, 1, graphs.ErrParameter},
		{"infinite score", []float64{inf, 2}, []float64{0, 1}, 1, graphs.ErrParameter},
		{"one class", []float64{1, 2}, []float64{1, 1}, 1, graphs.ErrParameter},
		{"unlabelled only", []float64{1, 2}, []float64{nan, nan}, 1, graphs.ErrParameter},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ROCAUC(tc.score, tc.target, tc.tasks); !errors.Is(err, tc.want) {
				t.Errorf("ROCAUC: %v, want %v", err, tc.want)
			}
			if _, err := AveragePrecision(tc.score, tc.target, tc.tasks); !errors.Is(err, tc.want) {
				t.Errorf("AveragePrecision: %v, want %v", err, tc.want)
			}
		})
	}
	// A NaN score of an unlabelled sample is not read.
	if v, err := ROCAUC([]float64{nan, 1, 2}, []float64{nan, 0, 1}, 1); err != nil || v != 1 {
		t.Errorf("NaN score of an unlabelled row: %v, %v", v, err)
	}
}

func TestParseMetric(t *testing.T) {
	for _, m := range []Metric{MetricAccuracy, MetricROCAUC, MetricAP, MetricMacroF1} {
		got, err := ParseMetric(m.String())
		if err != nil || got != m {
			t.Errorf("ParseMetric(%q) = %v, %v", m.String(), got, err)
		}
		b, err := json.Marshal(m)
		var back Metric
		if err != nil || json.Unmarshal(b, &back) != nil || back != m {
			t.Errorf("JSON %s: %v, back %v", b, err, back)
		}
	}
	if _, err := ParseMetric("auc"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("ParseMetric(auc): %v", err)
	}
	if _, err := json.Marshal(Metric(99)); err == nil {
		t.Error("Metric(99) marshalled")
	}
}

// sklearnCase is one case of testdata/metrics_sklearn.json: binary scores
// and targets (−1: unlabelled) of tasks tasks, or predicted and true
// classes, with scikit-learn's values.
type sklearnCase struct {
	Name    string    `json:"name"`
	Tasks   int       `json:"tasks,omitempty"`
	Score   []float64 `json:"score,omitempty"`
	Target  []float64 `json:"target,omitempty"`
	Pred    []int32   `json:"pred,omitempty"`
	Label   []int32   `json:"label,omitempty"`
	Classes int       `json:"classes,omitempty"`
	// scikit-learn's results: OGB's per-task loop around roc_auc_score and
	// average_precision_score, or f1_score(average="macro").
	ROCAUC  float64 `json:"roc_auc,omitempty"`
	AP      float64 `json:"ap,omitempty"`
	MacroF1 float64 `json:"macro_f1,omitempty"`
}

// sklearnScript computes, for the cases read from stdin, the values of
// sklearnCase, with OGB's evaluator loop for the binary metrics.
const sklearnScript = `
import json, sys
import numpy as np
import sklearn
from sklearn.metrics import roc_auc_score, average_precision_score, f1_score

def ogb(metric, y_true, y_pred):
    vals = []
    for i in range(y_true.shape[1]):
        if np.sum(y_true[:, i] == 1) > 0 and np.sum(y_true[:, i] == 0) > 0:
            is_labeled = y_true[:, i] == y_true[:, i]
            vals.append(metric(y_true[is_labeled, i], y_pred[is_labeled, i]))
    return sum(vals) / len(vals)

cases = json.load(sys.stdin)
for c in cases:
    if c.get("tasks"):
        t = np.array(c["target"], dtype=float).reshape(-1, c["tasks"])
        t[t < 0] = np.nan
        s = np.array(c["score"], dtype=float).reshape(-1, c["tasks"])
        c["roc_auc"] = ogb(roc_auc_score, t, s)
        c["ap"] = ogb(average_precision_score, t, s)
    else:
        c["macro_f1"] = f1_score(c["label"], c["pred"], average="macro")
json.dump({"sklearn": sklearn.__version__, "cases": cases}, sys.stdout, indent=1)
`

type sklearnFile struct {
	Sklearn string        `json:"sklearn"`
	Cases   []sklearnCase `json:"cases"`
}

// sklearnInputs draws the cases of testdata/metrics_sklearn.json: scores
// rounded to one decimal (many ties) or not, 10 to 60 samples, and a
// three-task case with unlabelled targets and a task of one class.
func sklearnInputs() []sklearnCase {
	rng := rand.New(rand.NewPCG(16, 2))
	var cs []sklearnCase
	for k, n := range []int{10, 17, 33, 60} {
		c := sklearnCase{Name: "binary", Tasks: 1}
		for range n {
			s := rng.NormFloat64()
			if k%2 == 0 {
				s = math.Round(s*10) / 10
			}
			c.Score = append(c.Score, s)
			c.Target = append(c.Target, float64(rng.IntN(2)))
		}
		cs = append(cs, c)
	}
	c := sklearnCase{Name: "tasks", Tasks: 3}
	for range 25 {
		for task := range 3 {
			c.Score = append(c.Score, math.Round(rng.NormFloat64()*4)/4)
			switch {
			case rng.IntN(5) == 0:
				c.Target = append(c.Target, -1)
			case task == 1:
				c.Target = append(c.Target, 0)
			default:
				c.Target = append(c.Target, float64(rng.IntN(2)))
			}
		}
	}
	cs = append(cs, c)
	for _, n := range []int{12, 40} {
		c := sklearnCase{Name: "classes", Classes: 4}
		for range n {
			y := int32(rng.IntN(3)) // class 3 only ever predicted
			p := y
			if rng.IntN(2) == 0 {
				p = int32(rng.IntN(4))
			}
			c.Label, c.Pred = append(c.Label, y), append(c.Pred, p)
		}
		cs = append(cs, c)
	}
	return cs
}

// checkAgainst compares our metrics with the scikit-learn values of cs.
func checkAgainst(t *testing.T, cs []sklearnCase) {
	t.Helper()
	for k, c := range cs {
		if c.Tasks > 0 {
			target := make([]float64, len(c.Target))
			for i, v := range c.Target {
				target[i] = v
				if v < 0 {
					target[i] = math.NaN()
				}
			}
			auc, err := ROCAUC(c.Score, target, c.Tasks)
			if err != nil || math.Abs(auc-c.ROCAUC) > 1e-12 {
				t.Errorf("case %d (%s): ROCAUC %v, %v; scikit-learn %v", k, c.Name, auc, err, c.ROCAUC)
			}
			ap, err := AveragePrecision(c.Score, target, c.Tasks)
			if err != nil || math.Abs(ap-c.AP) > 1e-12 {
				t.Errorf("case %d (%s): AveragePrecision %v, %v; scikit-learn %v", k, c.Name, ap, err, c.AP)
			}
			continue
		}
		if f := MacroF1(oneHot(c.Pred, c.Classes), c.Classes, c.Label, nil); math.Abs(f-c.MacroF1) > 1e-12 {
			t.Errorf("case %d (%s): MacroF1 %v; scikit-learn %v", k, c.Name, f, c.MacroF1)
		}
	}
}

// runSklearn runs sklearnScript on cs, or skips the test.
func runSklearn(t *testing.T, cs []sklearnCase) sklearnFile {
	t.Helper()
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skipf("%s not found: skipping the live comparison with scikit-learn", python)
	}
	if err := exec.Command(python, "-c", "import sklearn, numpy").Run(); err != nil {
		t.Skipf("scikit-learn not importable by %s (%v): skipping the live comparison (apt-get install python3-sklearn)", python, err)
	}
	in, err := json.Marshal(cs)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(python, "-c", sklearnScript)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", python, err, stderr.String())
	}
	var f sklearnFile
	if err := json.Unmarshal(out, &f); err != nil {
		t.Fatal(err)
	}
	return f
}

const sklearnPath = "testdata/metrics_sklearn.json"

// TestMetricsSklearnRecorded compares the metrics with the values
// scikit-learn gave on the committed vectors (regenerate with
// go test -run Sklearn -update-sklearn).
func TestMetricsSklearnRecorded(t *testing.T) {
	b, err := os.ReadFile(sklearnPath)
	if err != nil {
		t.Fatal(err)
	}
	var f sklearnFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Cases) != len(sklearnInputs()) {
		t.Fatalf("%d cases, want %d", len(f.Cases), len(sklearnInputs()))
	}
	checkAgainst(t, f.Cases)
}

// TestMetricsSklearnLive runs scikit-learn on the committed vectors, when
// it is installed, and compares.
func TestMetricsSklearnLive(t *testing.T) {
	cs := sklearnInputs()
	if !*updateSklearn {
		b, err := os.ReadFile(sklearnPath)
		if err != nil {
			t.Fatal(err)
		}
		var f sklearnFile
		if err := json.Unmarshal(b, &f); err != nil {
			t.Fatal(err)
		}
		cs = f.Cases
	}
	f := runSklearn(t, cs)
	t.Logf("scikit-learn %s", f.Sklearn)
	checkAgainst(t, f.Cases)
	if *updateSklearn {
		b, err := json.MarshalIndent(f, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.FromSlash(sklearnPath), append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
