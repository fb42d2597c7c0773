package train

import (
	"cmp"
	"fmt"
	"math"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// Metric is the score a run reports besides its losses and, with
// SelectValMetric, the criterion of its best epoch. The zero value is
// MetricAccuracy.
type Metric int

const (
	// MetricAccuracy is the fraction of samples whose arg-max class is the
	// label (Accuracy).
	MetricAccuracy Metric = iota
	// MetricROCAUC is the area under the ROC curve of a binary task
	// (ROCAUC), scored by z_1 − z_0, the logit of the softmax probability
	// of class 1: OGB's metric for ogbg-molbace and ogbg-molhiv.
	MetricROCAUC
	// MetricAP is the average precision of a binary task
	// (AveragePrecision), scored by z_1 − z_0.
	MetricAP
	// MetricMacroF1 is the unweighted mean over classes of the F1 score
	// (MacroF1).
	MetricMacroF1
	// MetricMAE is the mean absolute error of a regression
	// (MeanAbsoluteError), lower is better; the only regression metric,
	// which a regression run reports when its Metric is MetricAccuracy.
	MetricMAE
)

var metricNames = [...]string{"accuracy", "roc-auc", "ap", "macro-f1", "mae"}

// String returns the metric's name: accuracy, roc-auc, ap, macro-f1 or
// mae.
func (m Metric) String() string {
	if m < 0 || int(m) >= len(metricNames) {
		return fmt.Sprintf("Metric(%d)", int(m))
	}
	return metricNames[m]
}

// ParseMetric returns the metric named s (as String writes it). Errors
// wrap graphs.ErrParameter.
func ParseMetric(s string) (Metric, error) {
	for k, name := range metricNames {
		if s == name {
			return Metric(k), nil
		}
	}
	return 0, fmt.Errorf("train: ParseMetric: %q is not one of %v: %w", s, metricNames, graphs.ErrParameter)
}

// MarshalText writes the metric's name, so JSON shows it as a string.
func (m Metric) MarshalText() ([]byte, error) {
	if m < 0 || int(m) >= len(metricNames) {
		return nil, fmt.Errorf("train: Metric(%d): %w", int(m), graphs.ErrParameter)
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a name written by MarshalText.
func (m *Metric) UnmarshalText(b []byte) error {
	v, err := ParseMetric(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// binary reports whether the metric needs exactly two classes.
func (m Metric) binary() bool { return m == MetricROCAUC || m == MetricAP }

// regression reports whether m is a regression metric.
func (m Metric) regression() bool { return m == MetricMAE }

// better reports whether value v of m beats b (lower for an error, higher
// otherwise).
func (m Metric) better(v, b float64) bool {
	if m.regression() {
		return v < b
	}
	return v > b
}

// check validates m for classes classes.
func (m Metric) check(fn string, classes int) error {
	if m < MetricAccuracy || m > MetricMacroF1 {
		return fmt.Errorf("train: %s: metric=%d: %w", fn, int(m), graphs.ErrParameter)
	}
	if m.binary() && classes != 2 {
		return fmt.Errorf("train: %s: metric=%v needs a binary task, labels give %d classes: %w", fn, m, classes, graphs.ErrParameter)
	}
	return nil
}

// score returns metric m of the listed rows (nil: all) of logits
// (n×classes) against labels y, NaN where it is undefined (ROC-AUC or AP
// of rows of one class, non-finite scores). For MetricAccuracy it is
// Accuracy.
func (m Metric) score(logits []float64, classes int, y []int32, rows []int32) float64 {
	switch m {
	case MetricAccuracy:
		return Accuracy(logits, classes, y, rows)
	case MetricMacroF1:
		return MacroF1(logits, classes, y, rows)
	}
	count := len(rows)
	if rows == nil {
		count = len(y)
	}
	score, target := make([]float64, 0, count), make([]float64, 0, count)
	for r := range count {
		i := r
		if rows != nil {
			i = int(rows[r])
		}
		score = append(score, logits[2*i+1]-logits[2*i])
		target = append(target, float64(y[i]))
	}
	f := ROCAUC
	if m == MetricAP {
		f = AveragePrecision
	}
	v, err := f(score, target, 1)
	if err != nil {
		return math.NaN()
	}
	return v
}

// ROCAUC returns the area under the ROC curve of binary scores, averaged
// over tasks as OGB's evaluator does (ogb/graphproppred/evaluate.py,
// rocauc): score and target are n×tasks row-major; targets are 1
// (positive), 0 (negative) or NaN (unlabelled, left out); a task whose
// labelled targets are all of one class is skipped; the result is the
// mean over the other tasks. Each task's area is scikit-learn's
// roc_auc_score, the Mann–Whitney statistic
//
//	AUC = (1/(P·N)) Σ_{i positive} Σ_{j negative} (1[s_i > s_j] + ½·1[s_i = s_j]),
//
// ties counted one half (the trapezoidal rule of the ROC curve), computed
// by counting over the scores sorted once, exactly in integers up to the
// final division. Errors wrap graphs.ErrShape (lengths) or
// graphs.ErrParameter (a target other than 0, 1, NaN; a NaN or infinite
// score of a labelled sample, which scikit-learn refuses; no task with
// both classes, where OGB raises). Cost O(n log n) per task.
func ROCAUC(score, target []float64, tasks int) (float64, error) {
	return perTask("ROCAUC", score, target, tasks, rocAUC)
}

// AveragePrecision returns scikit-learn's average_precision_score of
// binary scores, averaged over tasks as ROCAUC (targets 1, 0 or NaN;
// tasks of one class skipped):
//
//	AP = Σ_k (R_k − R_{k−1}) P_k,
//
// over the distinct scores t_1 > t_2 > … (ties enter together), P_k and
// R_k the precision and recall of the prediction s ≥ t_k, R_0 = 0: the
// area under the precision–recall step curve, without interpolation.
// Errors as ROCAUC. Cost O(n log n) per task.
func AveragePrecision(score, target []float64, tasks int) (float64, error) {
	return perTask("AveragePrecision", score, target, tasks, averagePrecision)
}

// perTask checks the input, runs f on every task with both classes among
// its labelled samples (sorted by score, ascending) and averages.
func perTask(fn string, score, target []float64, tasks int, f func(s []labelled, pos, neg int) float64) (float64, error) {
	if tasks <= 0 || len(score) != len(target) || len(score)%tasks != 0 {
		return 0, fmt.Errorf("train: %s: len(score)=%d len(target)=%d tasks=%d: %w", fn, len(score), len(target), tasks, graphs.ErrShape)
	}
	n := len(score) / tasks
	var sum float64
	used := 0
	buf := make([]labelled, 0, n)
	for k := range tasks {
		buf = buf[:0]
		pos, neg := 0, 0
		for i := range n {
			t, s := target[i*tasks+k], score[i*tasks+k]
			switch {
			case math.IsNaN(t):
				continue
			case t != 0 && t != 1:
				return 0, fmt.Errorf("train: %s: target[%d]=%v is not 0, 1 or NaN: %w", fn, i*tasks+k, t, graphs.ErrParameter)
			case math.IsNaN(s) || math.IsInf(s, 0):
				return 0, fmt.Errorf("train: %s: score[%d]=%v is not finite: %w", fn, i*tasks+k, s, graphs.ErrParameter)
			case t == 1:
				pos++
			default:
				neg++
			}
			buf = append(buf, labelled{s, t == 1})
		}
		if pos == 0 || neg == 0 {
			continue
		}
		slices.SortFunc(buf, func(a, b labelled) int { return cmp.Compare(a.score, b.score) })
		sum += f(buf, pos, neg)
		used++
	}
	if used == 0 {
		return 0, fmt.Errorf("train: %s: no task has both a positive and a negative labelled sample: %w", fn, graphs.ErrParameter)
	}
	return sum / float64(used), nil
}

type labelled struct {
	score float64
	pos   bool
}

// rocAUC is the Mann–Whitney statistic of s (sorted ascending): twice U is
// an integer, Σ over groups of equal scores of pos·(2·negatives below +
// neg in the group).
func rocAUC(s []labelled, pos, neg int) float64 {
	var twiceU, below int64
	for lo := 0; lo < len(s); {
		hi := lo
		var p, q int64
		for ; hi < len(s) && s[hi].score == s[lo].score; hi++ {
			if s[hi].pos {
				p++
			} else {
				q++
			}
		}
		twiceU += p * (2*below + q)
		below += q
		lo = hi
	}
	return float64(twiceU) / (2 * float64(pos) * float64(neg))
}

// averagePrecision walks s (sorted ascending) from the top score down,
// one group of equal scores at a time.
func averagePrecision(s []labelled, pos, _ int) float64 {
	var ap float64
	tp, fp := 0, 0
	for hi := len(s); hi > 0; {
		lo := hi - 1
		for lo > 0 && s[lo-1].score == s[hi-1].score {
			lo--
		}
		dtp := 0
		for _, x := range s[lo:hi] {
			if x.pos {
				dtp++
			} else {
				fp++
			}
		}
		tp += dtp
		if dtp > 0 {
			ap += float64(dtp) / float64(pos) * float64(tp) / float64(tp+fp)
		}
		hi = lo
	}
	return ap
}

// MacroF1 returns scikit-learn's f1_score(average="macro") of the arg-max
// predictions (first on ties) of the listed rows (nil: all) of logits
// (n×classes) against the labels y: the mean, over every class that
// occurs among the labels or the predictions of these rows, of
// F1_c = 2·TP_c / (2·TP_c + FP_c + FN_c). It returns 0 for no rows or
// mismatched lengths, as Accuracy. Cost O(n·classes).
func MacroF1(logits []float64, classes int, y []int32, rows []int32) float64 {
	n := len(y)
	count := len(rows)
	if rows == nil {
		count = n
	}
	if count == 0 || classes <= 0 || len(logits) != n*classes {
		return 0
	}
	tp, fp, fn := make([]int, classes), make([]int, classes), make([]int, classes)
	for r := range count {
		i := r
		if rows != nil {
			i = int(rows[r])
		}
		if i < 0 || i >= n || y[i] < 0 || int(y[i]) >= classes {
			continue
		}
		p, c := argmax(logits[i*classes:(i+1)*classes]), int(y[i])
		if p == c {
			tp[c]++
		} else {
			fp[p]++
			fn[c]++
		}
	}
	var sum float64
	present := 0
	for c := range classes {
		if d := 2*tp[c] + fp[c] + fn[c]; d > 0 {
			sum += float64(2*tp[c]) / float64(d)
			present++
		}
	}
	if present == 0 {
		return 0
	}
	return sum / float64(present)
}
