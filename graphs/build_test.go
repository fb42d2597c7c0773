package graphs_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func ExampleFromEdges() {
	g, err := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g.NumNodes(), g.NumEdges(), g.Degree(1), g.Neighbours(1))
	// Output: 3 2 2 [0 2]
}

func rows(g graphs.Graph) [][]int32 {
	out := make([][]int32, g.NumNodes())
	for i := range out {
		out[i] = append([]int32{}, g.Neighbours(i)...)
	}
	return out
}

func TestFromEdges(t *testing.T) {
	tests := []struct {
		name    string
		n       int
		edges   []graphs.Edge
		flags   graphs.Flags
		rows    [][]int32
		weights [][]float64
		edgesN  int
		loops   int
	}{
		{name: "empty", n: 0, rows: [][]int32{}},
		{name: "isolated", n: 2, rows: [][]int32{nil, nil}},
		{name: "path undirected", n: 3, edges: []graphs.Edge{{U: 0, V: 1}, {U: 2, V: 1}},
			rows: [][]int32{{1}, {0, 2}, {1}}, edgesN: 2},
		{name: "duplicates merged", n: 2, edges: []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 0}, {U: 0, V: 1}},
			rows: [][]int32{{1}, {0}}, edgesN: 1},
		{name: "loops dropped", n: 2, edges: []graphs.Edge{{U: 0, V: 0}, {U: 0, V: 1}},
			rows: [][]int32{{1}, {0}}, edgesN: 1},
		{name: "loops kept", n: 2, edges: []graphs.Edge{{U: 0, V: 0}, {U: 0, V: 1}}, flags: graphs.KeepSelfLoops,
			rows: [][]int32{{0, 1}, {0}}, edgesN: 2, loops: 1},
		{name: "directed rows are receivers", n: 3, edges: []graphs.Edge{{U: 0, V: 2}, {U: 1, V: 2}, {U: 2, V: 0}}, flags: graphs.Directed,
			rows: [][]int32{{2}, nil, {0, 1}}, edgesN: 3},
		{name: "weighted sum", n: 2, edges: []graphs.Edge{{U: 0, V: 1, W: 2}, {U: 1, V: 0, W: 0.5}}, flags: graphs.Weighted,
			rows: [][]int32{{1}, {0}}, weights: [][]float64{{2.5}, {2.5}}, edgesN: 1},
		{name: "weighted max", n: 2, edges: []graphs.Edge{{U: 0, V: 1, W: 2}, {U: 1, V: 0, W: 0.5}}, flags: graphs.Weighted | graphs.MergeMax,
			rows: [][]int32{{1}, {0}}, weights: [][]float64{{2}, {2}}, edgesN: 1},
		{name: "weighted min directed", n: 2, edges: []graphs.Edge{{U: 0, V: 1, W: 2}, {U: 0, V: 1, W: -1}}, flags: graphs.Weighted | graphs.MergeMin | graphs.Directed,
			rows: [][]int32{nil, {0}}, weights: [][]float64{nil, {-1}}, edgesN: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := graphs.FromEdges(tt.n, tt.edges, tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			if got := rows(g); !reflect.DeepEqual(got, tt.rows) {
				// nil and empty rows compare unequal in DeepEqual; normalise
				for i := range got {
					if len(got[i]) == 0 {
						got[i] = nil
					}
				}
				if !reflect.DeepEqual(got, tt.rows) {
					t.Errorf("rows = %v, want %v", got, tt.rows)
				}
			}
			if tt.weights != nil {
				for i, want := range tt.weights {
					if got := g.Weights(i); len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
						t.Errorf("weights(%d) = %v, want %v", i, got, want)
					}
				}
			}
			if g.NumEdges() != tt.edgesN || g.NumSelfLoops() != tt.loops {
				t.Errorf("edges, loops = %d, %d; want %d, %d", g.NumEdges(), g.NumSelfLoops(), tt.edgesN, tt.loops)
			}
		})
	}
}

func TestFromEdgesRefuses(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		edges []graphs.Edge
		flags graphs.Flags
		kind  error
	}{
		{"negative n", -1, nil, 0, graphs.ErrParameter},
		{"too many nodes", math.MaxInt32 + 1, nil, 0, graphs.ErrTooLarge},
		{"id too large", 3, []graphs.Edge{{U: 0, V: 3}}, 0, graphs.ErrNodeID},
		{"negative id", 3, []graphs.Edge{{U: -1, V: 0}}, 0, graphs.ErrNodeID},
		{"NaN weight", 3, []graphs.Edge{{U: 0, V: 1, W: math.NaN()}}, graphs.Weighted, graphs.ErrParameter},
		{"Inf weight", 3, []graphs.Edge{{U: 0, V: 1, W: math.Inf(1)}}, graphs.Weighted, graphs.ErrParameter},
		{"two merges", 3, nil, graphs.MergeMax | graphs.MergeMin, graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := graphs.FromEdges(tt.n, tt.edges, tt.flags)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
		})
	}
}

// randomLower samples a random lower triangle split into blocks of size bs.
func randomLower(n, bs int, p float64, weighted bool, seed uint64) ([]graphs.LowerBlock, []graphs.Edge) {
	rng := rand.New(rand.NewPCG(seed, 0))
	var blocks []graphs.LowerBlock
	var edges []graphs.Edge
	for lo := 0; lo < n; lo += bs {
		hi := min(lo+bs, n)
		bl := graphs.NewLowerBlock(lo, hi)
		if weighted {
			bl.Weights = []float64{}
		}
		for i := lo; i < hi; i++ {
			c := 0
			for j := 0; j < i; j++ {
				if rng.Float64() < p {
					w := rng.Float64()
					c++
					bl.Neighbours = append(bl.Neighbours, int32(j))
					if weighted {
						bl.Weights = append(bl.Weights, w)
					}
					edges = append(edges, graphs.Edge{U: i, V: j, W: w})
				}
			}
			bl.SetCount(i-lo, c)
		}
		blocks = append(blocks, bl)
	}
	return blocks, edges
}

func TestFromLowerBlocksMatchesFromEdges(t *testing.T) {
	for _, tt := range []struct {
		name     string
		n, bs    int
		p        float64
		weighted bool
	}{
		{"one block", 50, 64, 0.2, false},
		{"many blocks", 300, 7, 0.1, false},
		{"weighted", 200, 16, 0.3, true},
		{"sparse", 500, 100, 0.001, false},
		{"complete", 40, 3, 1, true},
		{"rows of 255 or more entries", 700, 256, 0.9, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			for _, procs := range []int{1, 2, 4} {
				prev := runtime.GOMAXPROCS(procs)
				blocks, edges := randomLower(tt.n, tt.bs, tt.p, tt.weighted, 7)
				g, err := graphs.FromLowerBlocks(tt.n, blocks)
				runtime.GOMAXPROCS(prev)
				if err != nil {
					t.Fatal(err)
				}
				flags := graphs.Undirected
				if tt.weighted {
					flags |= graphs.Weighted
				}
				want, err := graphs.FromEdges(tt.n, edges, flags)
				if err != nil {
					t.Fatal(err)
				}
				if !graphs.Equal(g, want) {
					t.Fatalf("GOMAXPROCS=%d: FromLowerBlocks differs from FromEdges", procs)
				}
			}
		})
	}
}

func TestFromLowerBlocksRefuses(t *testing.T) {
	ok := func() []graphs.LowerBlock {
		return []graphs.LowerBlock{{Lo: 0, Hi: 2, Counts: []uint8{0, 1}, Neighbours: []int32{0}}, {Lo: 2, Hi: 3, Counts: []uint8{2}, Neighbours: []int32{0, 1}}}
	}
	tests := []struct {
		name string
		n    int
		edit func(b []graphs.LowerBlock) []graphs.LowerBlock
		kind error
	}{
		{"gap", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Lo = 3; return b }, graphs.ErrShape},
		{"short", 4, func(b []graphs.LowerBlock) []graphs.LowerBlock { return b }, graphs.ErrShape},
		{"upper entry", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[0].Neighbours[0] = 1; return b }, graphs.ErrShape},
		{"unsorted", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Neighbours = []int32{1, 0}; return b }, graphs.ErrShape},
		{"count overrun", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Counts[0] = 3; return b }, graphs.ErrShape},
		{"count short", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Counts[0] = 1; return b }, graphs.ErrShape},
		{"large count missing", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Counts[0] = graphs.LargeCount; return b }, graphs.ErrShape},
		{"large count too small", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock {
			b[1].Counts[0] = graphs.LargeCount
			b[1].Large = []int32{2}
			return b
		}, graphs.ErrShape},
		{"unused large count", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Large = []int32{300}; return b }, graphs.ErrShape},
		{"mixed weights", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock { b[1].Weights = []float64{1, 1}; return b }, graphs.ErrShape},
		{"NaN weight", 3, func(b []graphs.LowerBlock) []graphs.LowerBlock {
			b[0].Weights = []float64{1}
			b[1].Weights = []float64{1, math.NaN()}
			return b
		}, graphs.ErrParameter},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := graphs.FromLowerBlocks(tt.n, tt.edit(ok()))
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
		})
	}
	g, err := graphs.FromLowerBlocks(3, ok())
	if err != nil || g.NumEdges() != 3 {
		t.Fatalf("valid blocks: %v, %v", g, err)
	}
	g, err = graphs.FromLowerBlocks(0, []graphs.LowerBlock{{Counts: []uint8{}}})
	if err != nil || g.NumNodes() != 0 {
		t.Fatalf("one empty block: %v, %v", g, err)
	}
}

func TestFromCSR(t *testing.T) {
	g, err := graphs.FromCSR([]int{0, 1, 2}, []int32{1, 0}, []float64{2, 2}, false)
	if err != nil || g.NumEdges() != 1 {
		t.Fatalf("valid: %v %v", g, err)
	}
	for _, tt := range []struct {
		name string
		off  []int
		nb   []int32
		w    []float64
		dir  bool
		kind error
	}{
		{"no offsets", nil, nil, nil, false, graphs.ErrShape},
		{"bad start", []int{1, 1}, []int32{0}, nil, true, graphs.ErrShape},
		{"bad end", []int{0, 2}, []int32{0}, nil, true, graphs.ErrShape},
		{"decreasing", []int{0, 2, 1, 2}, []int32{0, 1}, nil, true, graphs.ErrShape},
		{"id range", []int{0, 1}, []int32{1}, nil, true, graphs.ErrNodeID},
		{"unsorted", []int{0, 2, 2}, []int32{1, 0}, nil, true, graphs.ErrShape},
		{"duplicate", []int{0, 2, 2}, []int32{1, 1}, nil, true, graphs.ErrShape},
		{"asymmetric", []int{0, 1, 1}, []int32{1}, nil, false, graphs.ErrShape},
		{"asymmetric below the diagonal", []int{0, 0, 1}, []int32{0}, nil, false, graphs.ErrShape},
		{"asymmetric weights", []int{0, 1, 2}, []int32{1, 0}, []float64{1, 2}, false, graphs.ErrShape},
		{"weights length", []int{0, 1, 2}, []int32{1, 0}, []float64{1}, false, graphs.ErrShape},
		{"NaN weight", []int{0, 1, 1}, []int32{1}, []float64{math.NaN()}, true, graphs.ErrParameter},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := graphs.FromCSR(tt.off, tt.nb, tt.w, tt.dir)
			if !errors.Is(err, tt.kind) {
				t.Fatalf("err = %v, want %v", err, tt.kind)
			}
		})
	}
}

func TestLowerBlockCounts(t *testing.T) {
	b := graphs.NewLowerBlock(10, 15)
	want := []int{0, 254, 255, 7, 100000}
	for r, c := range want {
		b.SetCount(r, c)
	}
	for r, c := range want {
		if got := b.Count(r); got != c {
			t.Errorf("Count(%d) = %d, want %d", r, got, c)
		}
	}
	if len(b.Large) != 2 {
		t.Errorf("Large = %v, want the two counts of 255 and more", b.Large)
	}
}
