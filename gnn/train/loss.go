package train

import (
	"fmt"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// SquaredError returns ℓ = ½ (1/B) Σ_{i∈rows} Σ_k (ŷ_ik − y_ik)² over the B
// rows listed in rows (nil: all rows), the squared error of
// docs/mathematics.md §2.2 (and the loss ℓ of the online SGD of §3.3), and
// sets grad = ∂ℓ/∂ŷ (zero outside rows). pred, target and grad have the
// same length, a multiple of d. Cost O(len(pred)). Errors wrap
// graphs.ErrShape or graphs.ErrNodeID (a row out of range).
func SquaredError(grad, pred, target []float64, d int, rows []int32) (float64, error) {
	if d <= 0 || len(pred)%d != 0 || len(target) != len(pred) || len(grad) != len(pred) {
		return 0, fmt.Errorf("train: SquaredError: len(pred)=%d len(target)=%d len(grad)=%d d=%d: %w", len(pred), len(target), len(grad), d, graphs.ErrShape)
	}
	n := len(pred) / d
	clear(grad)
	if rows == nil {
		if n == 0 {
			return 0, nil
		}
		var s float64
		inv := 1 / float64(n)
		for e := range pred {
			r := pred[e] - target[e]
			s += r * r
			grad[e] = r * inv
		}
		return 0.5 * s * inv, nil
	}
	if len(rows) == 0 {
		return 0, nil
	}
	inv := 1 / float64(len(rows))
	var s float64
	for _, i := range rows {
		if i < 0 || int(i) >= n {
			return 0, fmt.Errorf("train: SquaredError: row %d not in [0,%d): %w", i, n, graphs.ErrNodeID)
		}
		for e := int(i) * d; e < int(i+1)*d; e++ {
			r := pred[e] - target[e]
			s += r * r
			grad[e] += r * inv
		}
	}
	return 0.5 * s * inv, nil
}

// MeanSquaredError returns ℓ = (1/(B·d)) Σ_{i∈rows} Σ_k (ŷ_ik − y_ik)²,
// the mean over the B listed rows (nil: all rows) and their d columns, as
// torch.nn.functional.mse_loss (reduction "mean") on those rows: the loss
// of regression, and sets grad = ∂ℓ/∂ŷ = 2(ŷ − y)/(B·d) (zero outside
// rows). pred, target and grad have the same length, a multiple of d; only
// listed rows of target are read. Cost O(B·d). Errors wrap graphs.ErrShape
// or graphs.ErrNodeID (a row out of range).
func MeanSquaredError(grad, pred, target []float64, d int, rows []int32) (float64, error) {
	if d <= 0 || len(pred)%d != 0 || len(target) != len(pred) || len(grad) != len(pred) {
		return 0, fmt.Errorf("train: MeanSquaredError: len(pred)=%d len(target)=%d len(grad)=%d d=%d: %w", len(pred), len(target), len(grad), d, graphs.ErrShape)
	}
	n := len(pred) / d
	clear(grad)
	count := len(rows)
	if rows == nil {
		count = n
	}
	if count == 0 {
		return 0, nil
	}
	inv := 1 / float64(count*d)
	var s float64
	for r := range count {
		i := r
		if rows != nil {
			if i = int(rows[r]); i < 0 || i >= n {
				return 0, fmt.Errorf("train: MeanSquaredError: row %d not in [0,%d): %w", i, n, graphs.ErrNodeID)
			}
		}
		for e := i * d; e < (i+1)*d; e++ {
			res := pred[e] - target[e]
			s += res * res
			grad[e] += 2 * res * inv
		}
	}
	return s * inv, nil
}

// MeanAbsoluteError returns (1/(B·d)) Σ_{i∈rows} Σ_k |ŷ_ik − y_ik| over the
// B listed rows (nil: all rows) of pred and target (n×d), scikit-learn's
// mean_absolute_error on those rows, and 0 for no rows. Errors as
// MeanSquaredError.
func MeanAbsoluteError(pred, target []float64, d int, rows []int32) (float64, error) {
	if d <= 0 || len(pred)%d != 0 || len(target) != len(pred) {
		return 0, fmt.Errorf("train: MeanAbsoluteError: len(pred)=%d len(target)=%d d=%d: %w", len(pred), len(target), d, graphs.ErrShape)
	}
	n := len(pred) / d
	count := len(rows)
	if rows == nil {
		count = n
	}
	if count == 0 {
		return 0, nil
	}
	var s float64
	for r := range count {
		i := r
		if rows != nil {
			if i = int(rows[r]); i < 0 || i >= n {
				return 0, fmt.Errorf("train: MeanAbsoluteError: row %d not in [0,%d): %w", i, n, graphs.ErrNodeID)
			}
		}
		for e := i * d; e < (i+1)*d; e++ {
			s += math.Abs(pred[e] - target[e])
		}
	}
	return s / float64(count*d), nil
}

// CrossEntropy returns the softmax cross-entropy averaged over the listed
// rows (nil: all rows), ℓ = (1/B) Σ_{i∈rows} (log Σ_c e^{z_ic} − z_{i,y_i}),
// as torch.nn.functional.cross_entropy on the masked logits, and sets
// grad = ∂ℓ/∂z = (softmax(z_i) − onehot(y_i))/B on listed rows, 0 elsewhere.
// logits and grad are n×classes; y has n labels in [0, classes). Cost
// O(n·classes). Errors wrap graphs.ErrShape, graphs.ErrNodeID or
// graphs.ErrParameter (a label out of range).
func CrossEntropy(grad, logits []float64, classes int, y []int32, rows []int32) (float64, error) {
	if classes <= 0 || len(logits)%classes != 0 || len(grad) != len(logits) || len(y) != len(logits)/classes {
		return 0, fmt.Errorf("train: CrossEntropy: len(logits)=%d len(grad)=%d len(y)=%d classes=%d: %w", len(logits), len(grad), len(y), classes, graphs.ErrShape)
	}
	n := len(y)
	clear(grad)
	count := len(rows)
	if rows == nil {
		count = n
	}
	if count == 0 {
		return 0, nil
	}
	inv := 1 / float64(count)
	var s float64
	for r := 0; r < count; r++ {
		i := r
		if rows != nil {
			i = int(rows[r])
			if i < 0 || i >= n {
				return 0, fmt.Errorf("train: CrossEntropy: row %d not in [0,%d): %w", i, n, graphs.ErrNodeID)
			}
		}
		c := int(y[i])
		if c < 0 || c >= classes {
			return 0, fmt.Errorf("train: CrossEntropy: label y[%d]=%d not in [0,%d): %w", i, c, classes, graphs.ErrParameter)
		}
		z := logits[i*classes : (i+1)*classes]
		m := math.Inf(-1)
		for _, v := range z {
			m = max(m, v)
		}
		var sum float64
		for _, v := range z {
			sum += math.Exp(v - m)
		}
		lse := m + math.Log(sum)
		s += lse - z[c]
		g := grad[i*classes : (i+1)*classes]
		for k, v := range z {
			g[k] += math.Exp(v-lse) * inv
		}
		g[c] -= inv
	}
	return s * inv, nil
}

// Accuracy returns the fraction of listed rows (nil: all) whose arg-max
// logit (first on ties) equals the label, and 0 for no rows.
func Accuracy(logits []float64, classes int, y []int32, rows []int32) float64 {
	n := len(y)
	count := len(rows)
	if rows == nil {
		count = n
	}
	if count == 0 || classes <= 0 || len(logits) != n*classes {
		return 0
	}
	hit := 0
	for r := 0; r < count; r++ {
		i := r
		if rows != nil {
			i = int(rows[r])
		}
		if i < 0 || i >= n {
			continue
		}
		if argmax(logits[i*classes:(i+1)*classes]) == int(y[i]) {
			hit++
		}
	}
	return float64(hit) / float64(count)
}

func argmax(z []float64) int {
	b := 0
	for k, v := range z {
		if v > z[b] {
			b = k
		}
	}
	return b
}
