package datasets

import (
	"errors"
	"fmt"
	"log"
	"reflect"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestPerClassSplit(t *testing.T) {
	// Class sizes 6, 9, 5; two unlabelled nodes (−1) that must stay out.
	var y []int32
	for c, n := range []int{6, 9, 5} {
		for range n {
			y = append(y, int32(c))
		}
	}
	y = append(y, -1, -1)
	train, val, test, err := PerClassSplit(y, 2, 1, 7)
	if err != nil {
		t.Fatal(err)
	}
	if len(train) != 6 || len(val) != 3 || len(test) != 20-9 {
		t.Fatalf("sizes %d/%d/%d, want 6/3/11", len(train), len(val), len(test))
	}
	seen := make([]int, len(y))
	perClass := map[string][]int{"train": make([]int, 3), "val": make([]int, 3)}
	for name, part := range map[string][]int32{"train": train, "val": val, "test": test} {
		for k, i := range part {
			if k > 0 && part[k-1] >= i {
				t.Fatalf("%s not sorted ascending: %v", name, part)
			}
			seen[i]++
			if pc, ok := perClass[name]; ok {
				pc[y[i]]++
			}
		}
	}
	for i, s := range seen {
		if (y[i] >= 0) != (s == 1) || s > 1 {
			t.Fatalf("node %d (label %d) appears %d times", i, y[i], s)
		}
	}
	if !reflect.DeepEqual(perClass["train"], []int{2, 2, 2}) || !reflect.DeepEqual(perClass["val"], []int{1, 1, 1}) {
		t.Fatalf("per-class counts %v", perClass)
	}
	// Same seed, same split; another seed, another split.
	tr2, _, _, _ := PerClassSplit(y, 2, 1, 7)
	tr3, _, _, _ := PerClassSplit(y, 2, 1, 8)
	if !reflect.DeepEqual(train, tr2) || reflect.DeepEqual(train, tr3) {
		t.Fatalf("seed 7: %v and %v; seed 8: %v", train, tr2, tr3)
	}
	for _, c := range []struct{ tr, va int }{{0, 1}, {2, -1}, {3, 2}} {
		if _, _, _, err := PerClassSplit(y, c.tr, c.va, 1); !errors.Is(err, graphs.ErrParameter) {
			t.Fatalf("train %d val %d: %v", c.tr, c.va, err)
		}
	}
}

func ExamplePerClassSplit() {
	// Two classes of five nodes; node 10 is unlabelled.
	y := []int32{0, 0, 0, 0, 0, 1, 1, 1, 1, 1, -1}
	train, val, test, err := PerClassSplit(y, 2, 1, 1)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(train), len(val), len(test))
	// Output: 4 2 4
}
