package datasets

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
)

// Fold is one outer fold of a cross-validation: disjoint index sets whose
// union is every sample, each sorted ascending.
type Fold struct {
	Train []int32 `json:"train"`
	Val   []int32 `json:"val"`
	Test  []int32 `json:"test"`
}

// Splits is a reusable set of folds, written as JSON by WriteSplits.
type Splits struct {
	Dataset     string  `json:"dataset"`
	Seed        uint64  `json:"seed"`
	K           int     `json:"k"`
	ValFraction float64 `json:"val_fraction"`
	Method      string  `json:"method"`
	Folds       []Fold  `json:"folds"`
}

// StratifiedFolds returns the k-fold stratified cross-validation of Errica
// et al. (A Fair Comparison of Graph Neural Networks for Graph
// Classification, ICLR 2020): an outer stratified k-fold split (k = 10
// there) and, inside each outer training part, a stratified holdout of
// valFrac (0.1 there) for model selection.
//
// Algorithm (deterministic for a seed; rng = rand.New(rand.NewPCG(seed, 0))):
// the members of each class c (ascending) are shuffled with rng
// (Fisher–Yates, classes in ascending order); the j-th shuffled member of
// class c goes to test fold (o_c + j) mod k, where o_c is the running total
// of the sizes of classes < c, so every fold gets ⌊n_c/k⌋ or ⌈n_c/k⌉ of each
// class and fold sizes differ by at most one. In fold f, of the members of
// class c outside the test fold, in shuffled order, the first
// round(valFrac·count) go to Val and the rest to Train.
//
// It does not reproduce scikit-learn's StratifiedKFold bit for bit (that
// depends on NumPy's generator), only its stratification. Errors: k < 2,
// k > len(y), valFrac outside [0, 1), negative labels. Cost O(n·k).
func StratifiedFolds(y []int32, k int, valFrac float64, seed uint64) ([]Fold, error) {
	if k < 2 || k > len(y) {
		return nil, fmt.Errorf("datasets: StratifiedFolds: k=%d not in [2, %d]: %w", k, len(y), graphs.ErrParameter)
	}
	if !(valFrac >= 0 && valFrac < 1) {
		return nil, fmt.Errorf("datasets: StratifiedFolds: valFrac=%v not in [0,1): %w", valFrac, graphs.ErrParameter)
	}
	C := 0
	for i, c := range y {
		if c < 0 {
			return nil, fmt.Errorf("datasets: StratifiedFolds: y[%d]=%d is negative: %w", i, c, graphs.ErrParameter)
		}
		C = max(C, int(c)+1)
	}
	members := make([][]int32, C)
	for i, c := range y {
		members[c] = append(members[c], int32(i))
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	fold := make([]int, len(y))
	o := 0
	for c := range members {
		m := members[c]
		rng.Shuffle(len(m), func(a, b int) { m[a], m[b] = m[b], m[a] })
		for j, i := range m {
			fold[i] = (o + j) % k
		}
		o += len(m)
	}
	out := make([]Fold, k)
	for f := range out {
		for _, m := range members {
			rest := 0
			for _, i := range m {
				if fold[i] != f {
					rest++
				}
			}
			nVal := int(math.Round(valFrac * float64(rest)))
			for _, i := range m {
				switch {
				case fold[i] == f:
					out[f].Test = append(out[f].Test, i)
				case nVal > 0:
					out[f].Val = append(out[f].Val, i)
					nVal--
				default:
					out[f].Train = append(out[f].Train, i)
				}
			}
		}
		slices.Sort(out[f].Train)
		slices.Sort(out[f].Val)
		slices.Sort(out[f].Test)
	}
	return out, nil
}

// WriteSplits writes s as indented JSON to path atomically (temporary file
// in the same directory, then rename): a reader sees the old file or the
// whole new one. s is not modified.
func WriteSplits(path string, s Splits) error {
	return atomicfile.Write(path, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", " ")
		return enc.Encode(s)
	})
}

// ReadSplits reads a file written by WriteSplits and checks that every fold
// is a partition of 0..n−1 for one n. Errors are *graphs.ParseError.
func ReadSplits(path string) (Splits, error) {
	var s Splits
	b, err := readInput(path)
	if err != nil {
		return s, &graphs.ParseError{Path: path, Err: err}
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return s, &graphs.ParseError{Path: path, Err: fmt.Errorf("%w: %w", err, graphs.ErrFormat)}
	}
	n := -1
	for f, fd := range s.Folds {
		size := len(fd.Train) + len(fd.Val) + len(fd.Test)
		if n >= 0 && size != n {
			return s, perr(path, 0, graphs.ErrShape, "fold %d covers %d samples, fold 0 covers %d", f, size, n)
		}
		n = size
		seen := make([]bool, n)
		for _, part := range [][]int32{fd.Train, fd.Val, fd.Test} {
			for _, i := range part {
				if i < 0 || int(i) >= n || seen[i] {
					return s, perr(path, 0, graphs.ErrFormat, "fold %d: index %d out of range or repeated", f, i)
				}
				seen[i] = true
			}
		}
	}
	return s, nil
}

// readInput reads the whole of path (openInput), with one allocation of
// its size when it is known.
func readInput(path string) ([]byte, error) {
	f, err := openInput(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := readAllInto(make([]byte, 0, fileSize(f)+1), f)
	if err != nil {
		return nil, err
	}
	return b, nil
}

// ErricaSplits is StratifiedFolds with the settings of Errica et al. (ICLR
// 2020) — k = 10 outer folds, a 10% stratified validation holdout — packed
// as Splits for WriteSplits, with Dataset = name and Method
// "errica2020-stratified-10fold". Errors as StratifiedFolds.
func ErricaSplits(name string, y []int32, seed uint64) (Splits, error) {
	folds, err := StratifiedFolds(y, 10, 0.1, seed)
	if err != nil {
		return Splits{}, err
	}
	return Splits{Dataset: name, Seed: seed, K: 10, ValFraction: 0.1, Method: "errica2020-stratified-10fold", Folds: folds}, nil
}
