package graphs_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// mustGraph builds a graph or fails the test.
func mustGraph(t testing.TB, n int, edges []graphs.Edge, flags graphs.Flags) graphs.Graph {
	t.Helper()
	g, err := graphs.FromEdges(n, edges, flags)
	if err != nil {
		t.Fatal(err)
	}
	return g
}

// randomGraph draws about m random edges on n nodes (self loops included
// when flags keep them) with weights in {0.5, 1, 1.5, 2, 2.5}.
func randomGraph(t testing.TB, rng *rand.Rand, n, m int, flags graphs.Flags) graphs.Graph {
	t.Helper()
	var edges []graphs.Edge
	if n > 0 {
		for range m {
			edges = append(edges, graphs.Edge{U: rng.IntN(n), V: rng.IntN(n), W: float64(1+rng.IntN(5)) / 2})
		}
	}
	return mustGraph(t, n, edges, flags|graphs.MergeMax)
}

// dense returns g's adjacency A[u][v] = weight of u→v (0 when absent).
func dense(g graphs.Graph) [][]float64 {
	n := g.NumNodes()
	a := make([][]float64, n)
	for i := range a {
		a[i] = make([]float64, n)
	}
	for v := range n {
		ws := g.Weights(v)
		for k, u := range g.Neighbours(v) {
			w := 1.0
			if ws != nil {
				w = ws[k]
			}
			a[u][v] = w
		}
	}
	return a
}

// simpleAdj returns the adjacency of g's underlying undirected simple graph.
func simpleAdj(g graphs.Graph) [][]bool {
	n := g.NumNodes()
	a := make([][]bool, n)
	for i := range a {
		a[i] = make([]bool, n)
	}
	for v := range n {
		for _, u := range g.Neighbours(v) {
			if int(u) != v {
				a[u][v], a[v][u] = true, true
			}
		}
	}
	return a
}

// naiveTriangles counts triples a < b < c joined pairwise: O(n³).
func naiveTriangles(g graphs.Graph) (tri int64, triples int64) {
	a := simpleAdj(g)
	n := len(a)
	for x := range n {
		d := int64(0)
		for y := range n {
			if a[x][y] {
				d++
			}
		}
		triples += d * (d - 1) / 2
		for y := x + 1; y < n; y++ {
			if !a[x][y] {
				continue
			}
			for z := y + 1; z < n; z++ {
				if a[x][z] && a[y][z] {
					tri++
				}
			}
		}
	}
	return tri, triples
}

// naiveComponents labels components by repeated BFS from the smallest
// unlabelled node, on the underlying undirected graph.
func naiveComponents(g graphs.Graph) ([]int32, int) {
	a := simpleAdj(g)
	n := len(a)
	lab := make([]int32, n)
	for i := range lab {
		lab[i] = -1
	}
	c := 0
	for s := range n {
		if lab[s] >= 0 {
			continue
		}
		queue := []int{s}
		lab[s] = int32(c)
		for len(queue) > 0 {
			x := queue[0]
			queue = queue[1:]
			for y := range n {
				if a[x][y] && lab[y] < 0 {
					lab[y] = int32(c)
					queue = append(queue, y)
				}
			}
		}
		c++
	}
	return lab, c
}

// fixture is a small named graph used by several table tests.
type fixture struct {
	name string
	g    graphs.Graph
}

func fixtures(t testing.TB) []fixture {
	rng := rand.New(rand.NewPCG(1, 2))
	return []fixture{
		{"empty", graphs.Graph{}},
		{"single node", mustGraph(t, 1, nil, 0)},
		{"single loop", mustGraph(t, 1, []graphs.Edge{{U: 0, V: 0}}, graphs.KeepSelfLoops)},
		{"isolated", mustGraph(t, 5, []graphs.Edge{{U: 1, V: 3}}, 0)},
		{"triangle", mustGraph(t, 3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 0}}, 0)},
		{"K4 with loops", mustGraph(t, 4, []graphs.Edge{{U: 0, V: 1}, {U: 0, V: 2}, {U: 0, V: 3}, {U: 1, V: 2}, {U: 1, V: 3}, {U: 2, V: 3}, {U: 2, V: 2}}, graphs.KeepSelfLoops)},
		{"directed cycle", mustGraph(t, 3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 0}}, graphs.Directed)},
		{"directed both ways", mustGraph(t, 3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 0}, {U: 1, V: 2}, {U: 0, V: 2}}, graphs.Directed)},
		{"random undirected", randomGraph(t, rng, 30, 120, graphs.KeepSelfLoops)},
		{"random weighted", randomGraph(t, rng, 25, 90, graphs.KeepSelfLoops|graphs.Weighted)},
		{"random directed weighted", randomGraph(t, rng, 25, 150, graphs.KeepSelfLoops|graphs.Weighted|graphs.Directed)},
		{"random sparse directed", randomGraph(t, rng, 40, 30, graphs.Directed)},
	}
}

func TestTrianglesAndClustering(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			got, err := graphs.Triangles(f.g)
			if err != nil {
				t.Fatal(err)
			}
			want, triples := naiveTriangles(f.g)
			if got != want {
				t.Errorf("Triangles = %d, naive %d", got, want)
			}
			c, err := graphs.GlobalClustering(f.g)
			if err != nil {
				t.Fatal(err)
			}
			wantC := 0.0
			if triples > 0 {
				wantC = 3 * float64(want) / float64(triples)
			}
			if c != wantC {
				t.Errorf("GlobalClustering = %v, naive %v", c, wantC)
			}
		})
	}
}

func TestTrianglesKnown(t *testing.T) {
	// K_n has C(n,3) triangles and clustering 1.
	for _, n := range []int{3, 4, 10, 40} {
		var edges []graphs.Edge
		for u := range n {
			for v := u + 1; v < n; v++ {
				edges = append(edges, graphs.Edge{U: u, V: v})
			}
		}
		g := mustGraph(t, n, edges, 0)
		tri, _ := graphs.Triangles(g)
		if want := int64(n * (n - 1) * (n - 2) / 6); tri != want {
			t.Errorf("K%d: %d triangles, want %d", n, tri, want)
		}
		if c, _ := graphs.GlobalClustering(g); c != 1 {
			t.Errorf("K%d: clustering %v, want 1", n, c)
		}
	}
}

func TestTrianglesDeterministic(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	g := randomGraph(t, rng, 60000, 400000, 0)
	prev := runtime.GOMAXPROCS(1)
	t1, _ := graphs.Triangles(g)
	l1, c1 := graphs.ConnectedComponents(g)
	runtime.GOMAXPROCS(4)
	t4, _ := graphs.Triangles(g)
	l4, c4 := graphs.ConnectedComponents(g)
	runtime.GOMAXPROCS(prev)
	if t1 != t4 || c1 != c4 || !slices.Equal(l1, l4) {
		t.Errorf("GOMAXPROCS 1 vs 4: triangles %d vs %d, components %d vs %d", t1, t4, c1, c4)
	}
	// 400000 random pairs on 60000 nodes: after dropping ≈ 7 loops and ≈ 44
	// duplicates, p ≈ 399949 / C(60000,2) = 2.2220e-4, and
	// E[triangles] = p³·C(n,3) ≈ 395 (docs/mathematics.md §1), with variance ≈ the
	// mean for sparse graphs (almost independent rare triangles): sd ≈ 19.9.
	mean := math.Pow(399949/(60000*59999/2.0), 3) * 60000 * 59999 * 59998 / 6
	if z := (float64(t1) - mean) / math.Sqrt(mean); math.Abs(z) > 5 {
		t.Errorf("triangles %d, expected %.1f: z = %.2f", t1, mean, z)
	}
}

func TestConnectedComponents(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			lab, c := graphs.ConnectedComponents(f.g)
			want, wc := naiveComponents(f.g)
			if c != wc || len(lab) != len(want) || (len(lab) > 0 && !slices.Equal(lab, want)) {
				t.Errorf("components %d %v, naive %d %v", c, lab, wc, want)
			}
		})
	}
}

func TestSubgraph(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			n := f.g.NumNodes()
			rng := rand.New(rand.NewPCG(3, uint64(n)))
			nodes := rng.Perm(n)[:n-n/3]
			s, err := f.g.Subgraph(nodes)
			if err != nil {
				t.Fatal(err)
			}
			if s.NumNodes() != len(nodes) || s.Directed() != f.g.Directed() || s.Weighted() != f.g.Weighted() {
				t.Fatalf("subgraph %v of %v", s, f.g)
			}
			loops := 0
			entries := 0
			for a := range nodes {
				for b := range nodes {
					w1, ok1 := s.Weight(a, b)
					w2, ok2 := f.g.Weight(nodes[a], nodes[b])
					if ok1 != ok2 || w1 != w2 {
						t.Fatalf("edge %d→%d: (%v,%v), g's %d→%d: (%v,%v)", a, b, w1, ok1, nodes[a], nodes[b], w2, ok2)
					}
					if ok1 {
						entries++
						if a == b {
							loops++
						}
					}
				}
			}
			if s.NumEntries() != entries || s.NumSelfLoops() != loops {
				t.Errorf("entries %d loops %d, want %d %d", s.NumEntries(), s.NumSelfLoops(), entries, loops)
			}
			// rows must be valid CSR
			off, nb, ws := s.CSR()
			if _, err := graphs.FromCSR(slices.Clone(off), slices.Clone(nb), slices.Clone(ws), s.Directed()); err != nil {
				t.Errorf("subgraph CSR invalid: %v", err)
			}
		})
	}
}

func TestSubgraphErrors(t *testing.T) {
	g := mustGraph(t, 4, []graphs.Edge{{U: 0, V: 1}}, 0)
	for _, tc := range []struct {
		name  string
		nodes []int
	}{
		{"negative", []int{0, -1}},
		{"too large", []int{4}},
		{"repeated", []int{1, 2, 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := g.Subgraph(tc.nodes); !errors.Is(err, graphs.ErrNodeID) {
				t.Errorf("err = %v, want ErrNodeID", err)
			}
		})
	}
}

func TestDegreeHistogram(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			h := f.g.DegreeHistogram()
			sum, entries := 0, 0
			for d, c := range h {
				sum += c
				entries += d * c
			}
			if sum != f.g.NumNodes() || entries != f.g.NumEntries() {
				t.Errorf("histogram %v sums to %d nodes, %d entries; want %d, %d", h, sum, entries, f.g.NumNodes(), f.g.NumEntries())
			}
			if len(h) > 0 && h[len(h)-1] == 0 {
				t.Errorf("histogram %v ends with 0", h)
			}
		})
	}
	g := mustGraph(t, 5, []graphs.Edge{{U: 0, V: 1}, {U: 0, V: 2}, {U: 3, V: 3}}, graphs.KeepSelfLoops)
	if h := g.DegreeHistogram(); !reflect.DeepEqual(h, []int{1, 3, 1}) {
		t.Errorf("histogram %v, want [1 3 1]", h)
	}
}

func TestTransforms(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			g := f.g
			a := dense(g)
			n := g.NumNodes()
			check := func(what string, h graphs.Graph, want func(u, v int) (float64, bool)) {
				t.Helper()
				b := dense(h)
				loops := 0
				for u := range n {
					for v := range n {
						w, ok := want(u, v)
						_, has := h.Weight(u, v)
						if has != ok || (ok && b[u][v] != w) {
							t.Fatalf("%s: %d→%d = (%v,%v), want (%v,%v)", what, u, v, b[u][v], has, w, ok)
						}
						if u == v && has {
							loops++
						}
					}
				}
				if h.NumSelfLoops() != loops {
					t.Errorf("%s: NumSelfLoops %d, want %d", what, h.NumSelfLoops(), loops)
				}
				off, nb, ws := h.CSR()
				if _, err := graphs.FromCSR(slices.Clone(off), slices.Clone(nb), slices.Clone(ws), h.Directed()); err != nil {
					t.Errorf("%s: invalid CSR: %v", what, err)
				}
			}
			r := graphs.Reverse(g)
			check("Reverse", r, func(u, v int) (float64, bool) { w, ok := g.Weight(v, u); return w, ok })
			s, err := graphs.Symmetrize(g)
			if err != nil {
				t.Fatal(err)
			}
			if s.Directed() || s.Weighted() != g.Weighted() {
				t.Errorf("Symmetrize: %v", s)
			}
			check("Symmetrize", s, func(u, v int) (float64, bool) {
				w1, ok1 := g.Weight(u, v)
				w2, ok2 := g.Weight(v, u)
				switch {
				case u == v:
					return w1, ok1
				case !g.Weighted():
					return 1, ok1 || ok2
				case ok1 && ok2:
					if g.Directed() {
						return w1 + w2, true
					}
					return w1, true
				case ok1:
					return w1, true
				default:
					return w2, ok2
				}
			})
			for _, w := range []float64{1, 0.25} {
				l, err := graphs.AddSelfLoops(g, w)
				if err != nil {
					t.Fatal(err)
				}
				if l.Weighted() != (g.Weighted() || w != 1) {
					t.Errorf("AddSelfLoops(%v).Weighted = %v", w, l.Weighted())
				}
				check(fmt.Sprint("AddSelfLoops ", w), l, func(u, v int) (float64, bool) {
					x, ok := g.Weight(u, v)
					if u == v && !ok {
						return w, true
					}
					return x, ok
				})
			}
			check("RemoveSelfLoops", graphs.RemoveSelfLoops(g), func(u, v int) (float64, bool) {
				if u == v {
					return 0, false
				}
				return g.Weight(u, v)
			})
			if !reflect.DeepEqual(dense(g), a) {
				t.Errorf("input modified")
			}
		})
	}
}

func TestTransformErrors(t *testing.T) {
	g := mustGraph(t, 2, []graphs.Edge{{U: 0, V: 1}}, 0)
	for _, w := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, err := graphs.AddSelfLoops(g, w); !errors.Is(err, graphs.ErrParameter) {
			t.Errorf("AddSelfLoops(%v): err = %v, want ErrParameter", w, err)
		}
	}
	big := mustGraph(t, 2, []graphs.Edge{{U: 0, V: 1, W: math.MaxFloat64}, {U: 1, V: 0, W: math.MaxFloat64}}, graphs.Directed|graphs.Weighted)
	if _, err := graphs.Symmetrize(big); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Symmetrize overflow: err = %v, want ErrParameter", err)
	}
}

func ExampleGraph_Subgraph() {
	// The path 0-1-2-3; keep nodes 3, 2, 1 in that order.
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 3}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	s, err := g.Subgraph([]int{3, 2, 1})
	if err != nil {
		log.Fatal(err)
	}
	for i := range s.NumNodes() {
		fmt.Println(i, s.Neighbours(i))
	}
	// Output:
	// 0 [1]
	// 1 [0 2]
	// 2 [1]
}

func ExampleTriangles() {
	// K4 has C(4,3) = 4 triangles; the self loop is ignored.
	var edges []graphs.Edge
	for u := range 4 {
		for v := u; v < 4; v++ {
			edges = append(edges, graphs.Edge{U: u, V: v})
		}
	}
	g, err := graphs.FromEdges(4, edges, graphs.KeepSelfLoops)
	if err != nil {
		log.Fatal(err)
	}
	tri, err := graphs.Triangles(g)
	if err != nil {
		log.Fatal(err)
	}
	c, err := graphs.GlobalClustering(g)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tri, c)
	// Output: 4 1
}

func ExampleConnectedComponents() {
	g, err := graphs.FromEdges(5, []graphs.Edge{{U: 3, V: 4}, {U: 0, V: 2}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	labels, count := graphs.ConnectedComponents(g)
	fmt.Println(labels, count)
	// Output: [0 1 0 2 2] 3
}
