package datasets

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func writeTemp(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReadNodeLabels(t *testing.T) {
	p := writeTemp(t, "labels.txt", "# node label\n3 1\r\n0 0\n\n% unlabelled: 2\n1\t1\n4 3\n")
	y, err := ReadNodeLabels(p, 5)
	if err != nil {
		t.Fatal(err)
	}
	if want := []int32{0, 1, -1, 1, 3}; !slices.Equal(y, want) {
		t.Fatalf("y = %v, want %v", y, want)
	}
}

func TestReadNodeLabelsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		n, line    int
		kind       error
		msg        string
	}{
		{"three fields", "0 1\n1 1 1\n", 3, 2, graphs.ErrShape, "3 fields"},
		{"one field", "0\n", 3, 1, graphs.ErrShape, "1 fields"},
		{"bad id", "0 0\n1 0\nx 1\n", 3, 3, graphs.ErrFormat, `"x" is not an integer`},
		{"id too large", "0 0\n\n3 1\n", 3, 3, graphs.ErrNodeID, "node id 3 not in [0,3)"},
		{"negative id", "-1 0\n", 3, 1, graphs.ErrNodeID, "node id -1"},
		{"negative label", "0 -2\n", 3, 1, graphs.ErrFormat, "label -2"},
		{"label too large", "0 3\n", 3, 1, graphs.ErrFormat, "label 3 of node 0"},
		{"float label", "0 1.5\n", 3, 1, graphs.ErrFormat, `"1.5"`},
		{"twice", "0 1\n2 0\n0 1\n", 3, 3, graphs.ErrFormat, "node 0 labelled twice"},
		{"empty", "# nothing\n", 3, 0, graphs.ErrFormat, "no labelled node"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "l.txt", tc.text)
			y, err := ReadNodeLabels(p, tc.n)
			var pe *graphs.ParseError
			if y != nil || !errors.As(err, &pe) || !errors.Is(err, tc.kind) {
				t.Fatalf("y=%v err=%v, want a *graphs.ParseError wrapping %v", y, err, tc.kind)
			}
			if pe.Path != p || pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %q (line %d), want %s:%d ... %q", err, pe.Line, p, tc.line, tc.msg)
			}
		})
	}
	_, err := ReadNodeLabels(filepath.Join(t.TempDir(), "none.txt"), 3)
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "none.txt") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestReadNodeFeatures(t *testing.T) {
	p := writeTemp(t, "x.txt", "# node f1 f2\n2 0.5 -1e-3\n0 1 2\r\n\n1  3\t4.25\n")
	X, d, err := ReadNodeFeatures(p, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := []float64{1, 2, 3, 4.25, 0.5, -1e-3}; d != 2 || !slices.Equal(X, want) {
		t.Fatalf("X = %v d = %d, want %v, 2", X, d, want)
	}
}

func TestReadNodeFeaturesErrors(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		n, line    int
		kind       error
		msg        string
	}{
		{"no features", "0\n", 2, 1, graphs.ErrShape, "want node f1"},
		{"ragged", "0 1 2\n1 3\n", 2, 2, graphs.ErrShape, "1 features, want 2"},
		{"bad number", "0 1\n1 x\n", 2, 2, graphs.ErrFormat, `feature 1: "x"`},
		{"nan", "0 NaN\n1 1\n", 2, 1, graphs.ErrFormat, "not a finite number"},
		{"inf", "0 1\n1 -Inf\n", 2, 2, graphs.ErrFormat, "not a finite number"},
		{"bad id", "0 1\n2 1\n", 2, 2, graphs.ErrNodeID, "node id 2 not in [0,2)"},
		{"twice", "1 1\n1 2\n", 2, 2, graphs.ErrFormat, "node 1 listed twice"},
		{"missing node", "1 1\n", 2, 0, graphs.ErrShape, "node 0 has no feature line"},
		{"empty", "", 2, 0, graphs.ErrShape, "no feature line"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "x.txt", tc.text)
			X, _, err := ReadNodeFeatures(p, tc.n)
			var pe *graphs.ParseError
			if X != nil || !errors.As(err, &pe) || !errors.Is(err, tc.kind) {
				t.Fatalf("X=%v err=%v, want a *graphs.ParseError wrapping %v", X, err, tc.kind)
			}
			if pe.Path != p || pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err %q (line %d), want %s:%d ... %q", err, pe.Line, p, tc.line, tc.msg)
			}
		})
	}
	defer smallDense()()
	_, _, err := parseNodeFeatures(strings.NewReader("0 1 2 3 4 5 6 7 8\n"), "big", 1<<20, 0)
	if !errors.Is(err, graphs.ErrTooLarge) {
		t.Fatalf("8 × 2^20 features above the dense limit 2^22: %v", err)
	}
}

func TestDegreeFeatures(t *testing.T) {
	// a star with centre 0 and leaves 1, 2, 3, and an isolated node 4
	g, err := graphs.FromEdges(5, []graphs.Edge{{U: 0, V: 1}, {U: 0, V: 2}, {U: 0, V: 3}}, graphs.Undirected)
	if err != nil {
		t.Fatal(err)
	}
	X := DegreeFeatures(g)
	leaf := math.Log(2) / math.Log(4)
	want := []float64{1, 1, 1, leaf, 1, leaf, 1, leaf, 1, 0}
	for k := range want {
		if math.Abs(X[k]-want[k]) > 1e-15 {
			t.Fatalf("X = %v, want %v", X, want)
		}
	}
	empty, _ := graphs.FromEdges(2, nil, graphs.Undirected)
	if X := DegreeFeatures(empty); !slices.Equal(X, []float64{1, 0, 1, 0}) {
		t.Fatalf("no edges: X = %v", X)
	}
}

func ExampleReadNodeLabels() {
	dir, _ := os.MkdirTemp("", "labels")
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "labels.txt")
	os.WriteFile(path, []byte("# node label\n0 1\n1 0\n3 1\n"), 0o644)
	y, err := ReadNodeLabels(path, 4)
	fmt.Println(y, err)
	os.WriteFile(path, []byte("0 1\n7 0\n"), 0o644)
	_, err = ReadNodeLabels(path, 4)
	fmt.Println(strings.TrimPrefix(err.Error(), dir+string(filepath.Separator)))
	// Output:
	// [1 0 -1 1] <nil>
	// labels.txt:2: node id 7 not in [0,4): node id out of range
}

func TestOneHotDegree(t *testing.T) {
	// A path 0-1-2 and a star with centre 0 and 3 leaves.
	path, _ := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	star, _ := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 0, V: 2}, {U: 0, V: 3}}, graphs.Undirected)
	X, d, err := OneHotDegree([]graphs.Graph{path, star}, 0)
	if err != nil {
		t.Fatal(err)
	}
	degrees := []int{1, 2, 1, 3, 1, 1, 1}
	if d != 4 || len(X) != 7*4 {
		t.Fatalf("d = %d, len(X) = %d; want 4, 28", d, len(X))
	}
	for i, k := range degrees {
		for j := range d {
			if want := float64(b2i(j == k)); X[i*d+j] != want {
				t.Fatalf("row %d = %v, want a 1 in column %d", i, X[i*d:(i+1)*d], k)
			}
		}
	}
	if got := ScalarDegree([]graphs.Graph{path, star}); !slices.Equal(got, []float64{1, 2, 1, 3, 1, 1, 1}) {
		t.Errorf("ScalarDegree = %v", got)
	}
	if _, d, _ := OneHotDegree([]graphs.Graph{path}, 5); d != 6 {
		t.Errorf("maxDegree 5: d = %d, want 6", d)
	}
	for _, m := range []int{-1, 2} {
		if _, _, err := OneHotDegree([]graphs.Graph{star}, m); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("maxDegree %d: err = %v, want ErrParameter", m, err)
		}
	}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

func TestReadTargets(t *testing.T) {
	p := writeTemp(t, "targets.txt", "# id value\n3 1.5\r\n0 -2\n\n% none: 2\n1\t1e-3\n")
	got, err := ReadTargets(p, 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []float64{-2, 1e-3, math.NaN(), 1.5}
	for i := range want {
		if got[i] != want[i] && !(math.IsNaN(got[i]) && math.IsNaN(want[i])) {
			t.Fatalf("targets %v, want %v", got, want)
		}
	}
	for _, tc := range []struct {
		name, text string
		n, line    int
		kind       error
		msg        string
	}{
		{"three fields", "0 1\n1 1 1\n", 3, 2, graphs.ErrShape, "3 fields"},
		{"bad id", "x 1\n", 3, 1, graphs.ErrFormat, `"x" is not an integer`},
		{"id too large", "3 1\n", 3, 1, graphs.ErrNodeID, "node id 3 not in [0,3)"},
		{"bad value", "0 one\n", 3, 1, graphs.ErrFormat, `"one" is not a finite number`},
		{"NaN value", "0 NaN\n", 3, 1, graphs.ErrFormat, "not a finite number"},
		{"twice", "0 1\n0 1\n", 3, 2, graphs.ErrFormat, "id 0 listed twice"},
		{"empty", "# nothing\n", 3, 0, graphs.ErrFormat, "no target"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := writeTemp(t, "t.txt", tc.text)
			v, err := ReadTargets(p, tc.n)
			var pe *graphs.ParseError
			if v != nil || !errors.As(err, &pe) || !errors.Is(err, tc.kind) || pe.Line != tc.line || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("v=%v err=%v, want a *graphs.ParseError at line %d wrapping %v with %q", v, err, tc.line, tc.kind, tc.msg)
			}
		})
	}
	if _, err := ReadTargets(filepath.Join(t.TempDir(), "none.txt"), 3); !errors.Is(err, ErrMissing) {
		t.Fatalf("missing file: %v", err)
	}
}
