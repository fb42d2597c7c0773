package generators

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// chungLuWeights returns n weights spanning two orders of magnitude, the
// largest making p_ij = min(1, w_i w_j/S) saturate, in a shuffled order
// unless sorted.
func chungLuWeights(n int, sorted bool) []float64 {
	w := make([]float64, n)
	for i := range w {
		w[i] = 60 / math.Pow(float64(i+1), 0.7)
	}
	if !sorted {
		rng := newRand(77)
		rng.Shuffle(n, func(i, j int) { w[i], w[j] = w[j], w[i] })
	}
	return w
}

// TestChungLuCounts checks one graph per case against exact moments: with
// p_ij = min(1, w_i w_j / S), |E| = Σ_{i<j} Bernoulli(p_ij) has mean Σ p_ij
// and variance Σ p_ij(1−p_ij); the degree sum over a node set R counts pair
// {i,j} c_ij = [i∈R] + [j∈R] times, so its mean is Σ c_ij p_ij and its
// variance Σ c_ij² p_ij(1−p_ij).
func TestChungLuCounts(t *testing.T) {
	for _, sorted := range []bool{true, false} {
		for _, n := range []int{400, 3000} {
			w := chungLuWeights(n, sorted)
			g, err := ChungLu(w, newRand(uint64(n)))
			if err != nil {
				t.Fatal(err)
			}
			checkSimple(t, g, n, false)
			s := 0.0
			for _, x := range w {
				s += x
			}
			var em, ev float64
			const groups = 4
			var gm, gv [groups]float64
			for i := range n {
				for j := range i {
					p := math.Min(1, w[i]*w[j]/s)
					em += p
					ev += p * (1 - p)
					a, b := i*groups/n, j*groups/n
					if a == b {
						gm[a] += 2 * p
						gv[a] += 4 * p * (1 - p)
					} else {
						gm[a] += p
						gv[a] += p * (1 - p)
						gm[b] += p
						gv[b] += p * (1 - p)
					}
				}
			}
			if z := zscore(float64(g.NumEdges()), em, ev); math.Abs(z) > zMax {
				t.Errorf("n=%d sorted=%v: %d edges, want %.1f: z=%.2f", n, sorted, g.NumEdges(), em, z)
			}
			var sum [groups]float64
			for i := range n {
				sum[i*groups/n] += float64(g.Degree(i))
			}
			for a := range groups {
				if z := zscore(sum[a], gm[a], gv[a]); math.Abs(z) > zMax {
					t.Errorf("n=%d sorted=%v: degree sum of group %d %v, want %.1f: z=%.2f", n, sorted, a, sum[a], gm[a], z)
				}
			}
		}
	}
}

// TestChungLuTriangles compares the mean triangle count over 200 replicates
// with the exact Σ_{i<j<k} p_ij p_jk p_ik.
func TestChungLuTriangles(t *testing.T) {
	const n, reps = 60, 200
	w := chungLuWeights(n, false)
	for i := range w {
		w[i] /= 3
	}
	s := 0.0
	for _, x := range w {
		s += x
	}
	p := func(i, j int) float64 { return math.Min(1, w[i]*w[j]/s) }
	want := 0.0
	for i := range n {
		for j := range i {
			for k := range j {
				want += p(i, j) * p(j, k) * p(i, k)
			}
		}
	}
	tri := make([]float64, reps)
	for r := range reps {
		g, err := ChungLu(w, newRand(uint64(r)))
		if err != nil {
			t.Fatal(err)
		}
		tri[r] = float64(triangles(g))
	}
	m, se := meanSE(tri)
	if z := zscore(m, want, se*se); math.Abs(z) > zMax {
		t.Errorf("triangles: mean %.2f, want %.2f: z=%.2f", m, want, z)
	}
}

func TestChungLuDeterministic(t *testing.T) {
	w := chungLuWeights(40000, false)
	var g [2]graphs.Graph
	for k, procs := range []int{1, 2} {
		withProcs(procs, func() {
			var err error
			if g[k], err = ChungLu(w, newRand(5)); err != nil {
				t.Fatal(err)
			}
		})
	}
	if !graphs.Equal(g[0], g[1]) {
		t.Fatal("ChungLu differs between GOMAXPROCS 1 and 2")
	}
}

func TestChungLuRefusals(t *testing.T) {
	rng := newRand(1)
	tests := []struct {
		name string
		w    []float64
		want error
	}{
		{"negative", []float64{1, -1}, graphs.ErrParameter},
		{"NaN", []float64{math.NaN()}, graphs.ErrParameter},
		{"Inf", []float64{math.Inf(1)}, graphs.ErrParameter},
		{"sum overflows", []float64{math.MaxFloat64, math.MaxFloat64}, graphs.ErrParameter},
		{"beyond memory", slices.Repeat([]float64{1e9}, 100000), graphs.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := ChungLu(tc.w, rng); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
	if _, err := ChungLu([]float64{1}, nil); !errors.Is(err, graphs.ErrParameter) {
		t.Fatalf("nil rng: %v", err)
	}
	for _, w := range [][]float64{nil, {0, 0, 0}, {5}, {1e300, 0}} {
		g, err := ChungLu(w, rng)
		if err != nil || g.NumNodes() != len(w) || g.NumEdges() != 0 {
			t.Errorf("ChungLu(%v) = %v, %v; want %d isolated nodes", w, g, err, len(w))
		}
	}
}

func TestReadWeights(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, text string
		want       []float64
		err        error
		line       string // "file:line" expected in the error
	}{
		{"plain", "1\n2.5\n0\n", []float64{1, 2.5, 0}, nil, ""},
		{"comments and blanks", "# degrees\n\n3 # hub\n  4\t\n", []float64{3, 4}, nil, ""},
		{"empty", "", nil, graphs.ErrFormat, ": the file is empty"}, // a truncated file, not a graph without nodes
		{"not a number", "1\nx\n", nil, graphs.ErrFormat, ":2:"},
		{"two tokens", "1 2\n", nil, graphs.ErrFormat, ":1:"},
		{"negative", "1\n\n-2\n", nil, graphs.ErrParameter, ":3:"},
		{"NaN", "NaN\n", nil, graphs.ErrParameter, ":1:"},
		{"Inf", "1\n+Inf\n", nil, graphs.ErrParameter, ":2:"},
		{"long line", strings.Repeat("1", 2<<20), nil, graphs.ErrFormat, ":1:"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".txt")
			if err := os.WriteFile(path, []byte(tc.text), 0o644); err != nil {
				t.Fatal(err)
			}
			got, err := ReadWeights(path)
			if tc.err != nil {
				if !errors.Is(err, tc.err) || !strings.Contains(err.Error(), path+tc.line) {
					t.Fatalf("err = %v, want %v at %s%s", err, tc.err, path, tc.line)
				}
				return
			}
			if err != nil || len(got) != len(tc.want) {
				t.Fatalf("got %v, %v; want %v", got, err, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("got %v, want %v", got, tc.want)
				}
			}
		})
	}
	if _, err := ReadWeights(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func FuzzReadWeights(f *testing.F) {
	for _, s := range []string{"1\n2\n", "# c\n3.5 # x\n", "-1\n", "1 2\n", "NaN", "1e308\n1e308\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		w, err := parseWeights(strings.NewReader(text), "fuzz")
		if err != nil {
			if !errors.Is(err, graphs.ErrFormat) && !errors.Is(err, graphs.ErrParameter) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		for _, x := range w {
			if !(x >= 0 && x <= math.MaxFloat64) {
				t.Fatalf("accepted weight %v", x)
			}
		}
		if len(w) <= 50 {
			if _, err := ChungLu(w, newRand(1)); err != nil && !errors.Is(err, graphs.ErrParameter) && !errors.Is(err, graphs.ErrTooLarge) {
				t.Fatalf("ChungLu: %v", err)
			}
		}
	})
}
