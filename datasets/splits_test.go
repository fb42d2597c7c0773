package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestStratifiedFolds(t *testing.T) {
	// 7 samples of class 0, 23 of class 1, 3 of class 2 (fewer than k).
	var y []int32
	for c, n := range []int{7, 23, 3} {
		for range n {
			y = append(y, int32(c))
		}
	}
	const k = 5
	folds, err := StratifiedFolds(y, k, 0.1, 42)
	if err != nil {
		t.Fatal(err)
	}
	testCount := make([]int, len(y))
	for f, fd := range folds {
		seen := make([]int, len(y))
		for _, part := range [][]int32{fd.Train, fd.Val, fd.Test} {
			for _, i := range part {
				seen[i]++
			}
		}
		for i, s := range seen {
			if s != 1 {
				t.Fatalf("fold %d: sample %d appears %d times", f, i, s)
			}
		}
		for _, i := range fd.Test {
			testCount[i]++
		}
		// Stratification: class c has ⌊n_c/k⌋ or ⌈n_c/k⌉ test members.
		per := map[int32]int{}
		for _, i := range fd.Test {
			per[y[i]]++
		}
		for c, n := range []int{7, 23, 3} {
			if p := per[int32(c)]; p < n/k || p > (n+k-1)/k {
				t.Errorf("fold %d class %d: %d test members, want %d..%d", f, c, p, n/k, (n+k-1)/k)
			}
		}
		if d := len(fd.Test) - len(y)/k; d < 0 || d > 1 {
			t.Errorf("fold %d: %d test samples, want %d or %d", f, len(fd.Test), len(y)/k, len(y)/k+1)
		}
		// Validation: round(0.1 × remaining) per class.
		if len(fd.Val) < 2 || len(fd.Val) > 4 {
			t.Errorf("fold %d: %d validation samples", f, len(fd.Val))
		}
	}
	for i, c := range testCount {
		if c != 1 {
			t.Fatalf("sample %d is in %d test folds, want 1", i, c)
		}
	}
	again, _ := StratifiedFolds(y, k, 0.1, 42)
	if !reflect.DeepEqual(folds, again) {
		t.Error("same seed gave different folds")
	}
	other, _ := StratifiedFolds(y, k, 0.1, 43)
	if reflect.DeepEqual(folds, other) {
		t.Error("seeds 42 and 43 gave identical folds")
	}
}

func TestStratifiedFoldsErrors(t *testing.T) {
	tests := []struct {
		name string
		y    []int32
		k    int
		val  float64
	}{
		{"k=1", []int32{0, 1, 0}, 1, 0.1},
		{"k>n", []int32{0, 1}, 3, 0.1},
		{"val=1", []int32{0, 1, 0}, 2, 1},
		{"val NaN", []int32{0, 1, 0}, 2, nan()},
		{"negative label", []int32{0, -1, 0}, 2, 0.1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := StratifiedFolds(tc.y, tc.k, tc.val, 1); !errors.Is(err, graphs.ErrParameter) {
				t.Errorf("err = %v, want ErrParameter", err)
			}
		})
	}
}

func nan() float64 { z := 0.0; return z / z }

func TestWriteReadSplits(t *testing.T) {
	y := []int32{0, 0, 0, 1, 1, 1, 1, 0, 1, 0, 1, 1}
	folds, err := StratifiedFolds(y, 3, 0.1, 7)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := filepath.Join(dir, "splits.json")
	s := Splits{Dataset: "toy", Seed: 7, K: 3, ValFraction: 0.1, Method: "stratified", Folds: folds}
	if err := WriteSplits(p, s); err != nil {
		t.Fatal(err)
	}
	got, err := ReadSplits(p)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, s) {
		t.Errorf("round trip changed the splits:\n%+v\n%+v", got, s)
	}
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want only splits.json", len(ents))
	}
	// A corrupt file is a ParseError.
	os.WriteFile(p, []byte(`{"folds":[{"train":[0,0],"val":[],"test":[1]}]}`), 0o644)
	var pe *graphs.ParseError
	if _, err := ReadSplits(p); !errors.As(err, &pe) {
		t.Errorf("ReadSplits(corrupt) = %v, want *graphs.ParseError", err)
	}
}
