package graphs_test

import (
	"errors"
	"fmt"
	"log"
	"math"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	dgraph "github.com/dominikbraun/graph"
	"gonum.org/v1/gonum/graph"
	"gonum.org/v1/gonum/graph/simple"
	"gonum.org/v1/gonum/graph/topo"

	"github.com/gnnwb/gnnwb/graphs"
)

// readKarate extracts the edges of Newman's karate.gml: the numbers after
// "source" and "target" in each edge block, made 0-based (ids are 1..34).
func readKarate(t testing.TB) graphs.Graph {
	t.Helper()
	data, err := os.ReadFile(datasetFile(t, "karate", "karate.gml"))
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Fields(string(data))
	var edges []graphs.Edge
	var src int
	for k := 0; k+1 < len(f); k++ {
		switch f[k] {
		case "source", "target":
			v, err := strconv.Atoi(f[k+1])
			if err != nil {
				t.Fatalf("karate.gml: %s %q: %v", f[k], f[k+1], err)
			}
			if f[k] == "source" {
				src = v
			} else {
				edges = append(edges, graphs.Edge{U: src - 1, V: v - 1})
			}
		}
	}
	return mustGraph(t, 34, edges, graphs.Undirected)
}

// gonumTriangles counts triangles through the gonum view only: pairs of
// neighbours w > v > u of u joined by an edge.
func gonumTriangles(g graph.Undirected) int64 {
	var tri int64
	nodes := g.Nodes()
	for nodes.Next() {
		u := nodes.Node().ID()
		nu := graph.NodesOf(g.From(u))
		for _, v := range nu {
			if v.ID() <= u {
				continue
			}
			for _, w := range nu {
				if w.ID() > v.ID() && g.HasEdgeBetween(v.ID(), w.ID()) {
					tri++
				}
			}
		}
	}
	return tri
}

// markerTriangles counts triangles with a marker array: for each edge
// u < v, the common neighbours w > v. Independent of Triangles' ordering.
func markerTriangles(g graphs.Graph) int64 {
	n := g.NumNodes()
	mark := make([]bool, n)
	var tri int64
	for u := range n {
		for _, w := range g.Neighbours(u) {
			mark[w] = true
		}
		for _, v := range g.Neighbours(u) {
			if int(v) <= u {
				continue
			}
			for _, w := range g.Neighbours(int(v)) {
				if w > v && mark[w] {
					tri++
				}
			}
		}
		for _, w := range g.Neighbours(u) {
			mark[w] = false
		}
	}
	return tri
}

// sameComponents checks labels against gonum's topo.ConnectedComponents.
func sameComponents(t *testing.T, g graphs.Graph) {
	t.Helper()
	view, err := graphs.AsGonumUndirected(g)
	if err != nil {
		t.Fatal(err)
	}
	cc := topo.ConnectedComponents(view)
	labels, count := graphs.ConnectedComponents(g)
	if count != len(cc) {
		t.Fatalf("%d components, gonum %d", count, len(cc))
	}
	seen := make([]bool, count)
	for _, c := range cc {
		l := labels[c[0].ID()]
		if seen[l] {
			t.Fatalf("label %d used by two gonum components", l)
		}
		seen[l] = true
		for _, nd := range c {
			if labels[nd.ID()] != l {
				t.Fatalf("node %d label %d, component of node %d has %d", nd.ID(), labels[nd.ID()], c[0].ID(), l)
			}
		}
	}
}

func TestRealGraphs(t *testing.T) {
	t.Run("karate", func(t *testing.T) {
		g := readKarate(t)
		// PROVENANCE.md 4: 34 nodes, 78 edges, deg(1) = 16, deg(34) = 17.
		if g.NumNodes() != 34 || g.NumEdges() != 78 || g.Degree(0) != 16 || g.Degree(33) != 17 {
			t.Fatalf("karate: %v, degrees %d %d", g, g.Degree(0), g.Degree(33))
		}
		tri, _ := graphs.Triangles(g)
		view, _ := graphs.AsGonumUndirected(g)
		// NetworkX: 45 triangles, transitivity 0.2556818181818182 = 135/528.
		if tri != 45 || gonumTriangles(view) != 45 {
			t.Errorf("karate: %d triangles (gonum view %d), want 45", tri, gonumTriangles(view))
		}
		if c, _ := graphs.GlobalClustering(g); c != 3*45.0/528 {
			t.Errorf("karate: clustering %v, want 135/528 = %v", c, 135.0/528)
		}
		sameComponents(t, g)
		checkInterop(t, g)
	})
	t.Run("CA-GrQc", func(t *testing.T) {
		g, err := graphs.ReadEdgeList(datasetFile(t, "snap", "ca-GrQc", "CA-GrQc.txt"), graphs.EdgeListOptions{Relabel: true})
		if err != nil {
			t.Fatal(err)
		}
		tri, _ := graphs.Triangles(g)
		view, _ := graphs.AsGonumUndirected(g)
		// SNAP's page lists 48260 triangles for ca-GrQc.
		if want := gonumTriangles(view); tri != want || tri != 48260 {
			t.Errorf("CA-GrQc: %d triangles, gonum view %d, SNAP 48260", tri, want)
		}
		sameComponents(t, g)
		checkInterop(t, g)
	})
	t.Run("facebook", func(t *testing.T) {
		g, err := graphs.ReadEdgeList(datasetFile(t, "snap", "facebook", "facebook_combined.txt"), graphs.EdgeListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		tri, _ := graphs.Triangles(g)
		// SNAP's page: 1612010 triangles; NetworkX transitivity 0.5192 (4 digits).
		if want := markerTriangles(g); tri != want || tri != 1612010 {
			t.Errorf("facebook: %d triangles, marker count %d, SNAP 1612010", tri, want)
		}
		if c, _ := graphs.GlobalClustering(g); math.Abs(c-0.5192) > 0.5e-4 {
			t.Errorf("facebook: clustering %v, want 0.5192", c)
		}
		sameComponents(t, g)
		d, err := graphs.ToDominikbraun(g)
		if err != nil {
			t.Fatal(err)
		}
		if h, err := graphs.FromDominikbraun(d); err != nil || !graphs.Equal(g, h) {
			t.Errorf("facebook: dominikbraun round trip: %v, %v", h, err)
		}
	})
}

// checkInterop compares the gonum views with g and round-trips g through
// gonum and dominikbraun.
func checkInterop(t *testing.T, g graphs.Graph) {
	t.Helper()
	n := g.NumNodes()
	v := graphs.AsGonum(g)
	if nodes := v.Nodes(); nodes.Len() != n {
		t.Fatalf("Nodes().Len() = %d, want %d", nodes.Len(), n)
	}
	if v.Node(-1) != nil || v.Node(int64(n)) != nil || (n > 0 && v.Node(0) == nil) {
		t.Errorf("Node out of range")
	}
	if v.From(int64(n)).Len() != 0 || v.Edge(0, int64(n)) != nil {
		t.Errorf("From/Edge out of range")
	}
	for u := range n {
		var from []int32
		it := v.From(int64(u))
		for it.Next() {
			from = append(from, int32(it.Node().ID()))
		}
		wantFrom := graphs.Reverse(g).Neighbours(u)
		if !slices.Equal(from, wantFrom) {
			t.Fatalf("From(%d) = %v, want %v", u, from, wantFrom)
		}
		if g.Directed() {
			d := v.(graph.Directed)
			to := graph.NodesOf(d.To(int64(u)))
			if len(to) != g.Degree(u) {
				t.Fatalf("To(%d) has %d nodes, want %d", u, len(to), g.Degree(u))
			}
		}
		for x := range min(n, 12) {
			w, ok := v.Weight(int64(x), int64(u))
			gw, gok := g.Weight(x, u)
			switch {
			case gok:
				if !ok || w != gw {
					t.Fatalf("Weight(%d,%d) = %v %v, want %v", x, u, w, ok, gw)
				}
				if e := v.WeightedEdge(int64(x), int64(u)); e == nil || e.Weight() != gw || e.From().ID() != int64(x) {
					t.Fatalf("WeightedEdge(%d,%d) = %v", x, u, e)
				}
			case x == u:
				if !ok || w != 0 {
					t.Fatalf("Weight(%d,%d) = %v %v, want 0 true", x, u, w, ok)
				}
			default:
				if ok || !math.IsInf(w, 1) || v.Edge(int64(x), int64(u)) != nil {
					t.Fatalf("Weight(%d,%d) = %v %v for a missing edge", x, u, w, ok)
				}
			}
			if v.HasEdgeBetween(int64(x), int64(u)) != (gok || g.HasEdge(u, x)) {
				t.Fatalf("HasEdgeBetween(%d,%d) wrong", x, u)
			}
		}
	}
	h, ids, err := graphs.FromGonum(v)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != n || (n > 0 && (ids[0] != 0 || ids[n-1] != int64(n-1))) {
		t.Errorf("FromGonum ids %v", ids)
	}
	allOnes := !slices.ContainsFunc(weightsOf(g), func(w float64) bool { return w != 1 })
	if !(g.Weighted() && allOnes) && !graphs.Equal(g, h) {
		t.Errorf("FromGonum(AsGonum(g)) = %v, want %v", h, g)
	}
	d, err := graphs.ToDominikbraun(g)
	if err != nil {
		t.Fatal(err)
	}
	if order, _ := d.Order(); order != n {
		t.Errorf("dominikbraun order %d, want %d", order, n)
	}
	// dominikbraun's undirected Size is half its adjacency entries, and a
	// self loop is one entry: it counts (entries)/2 rounded down (v0.23.0
	// undirected.go).
	wantSize := g.NumEdges()
	if !g.Directed() {
		wantSize = g.NumEntries() / 2
	}
	if size, _ := d.Size(); size != wantSize {
		t.Errorf("dominikbraun size %d, want %d", size, wantSize)
	}
	if edges, _ := d.Edges(); len(edges) != g.NumEdges() {
		t.Errorf("dominikbraun has %d edges, want %d", len(edges), g.NumEdges())
	}
	if h, err := graphs.FromDominikbraun(d); err != nil || !graphs.Equal(g, h) {
		t.Errorf("FromDominikbraun(ToDominikbraun(g)) = %v, %v; want %v", h, err, g)
	}
}

func weightsOf(g graphs.Graph) []float64 {
	_, _, ws := g.CSR()
	return ws
}

func TestInteropFixtures(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) { checkInterop(t, f.g) })
	}
}

func TestFromGonum(t *testing.T) {
	u := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
	u.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(300), T: simple.Node(-5), W: 2.5})
	u.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(10), T: simple.Node(300), W: 1})
	u.AddNode(simple.Node(42))
	g, ids, err := graphs.FromGonum(u)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(ids, []int64{-5, 10, 42, 300}) || g.Directed() || !g.Weighted() || g.NumEdges() != 2 {
		t.Fatalf("got %v ids %v", g, ids)
	}
	if w, _ := g.Weight(0, 3); w != 2.5 {
		t.Errorf("weight(-5,300) = %v, want 2.5", w)
	}
	if w, _ := g.Weight(3, 1); w != 1 {
		t.Errorf("weight(300,10) = %v, want 1", w)
	}
	d := simple.NewDirectedGraph()
	d.SetEdge(simple.Edge{F: simple.Node(1), T: simple.Node(0)})
	d.SetEdge(simple.Edge{F: simple.Node(1), T: simple.Node(2)})
	g, _, err = graphs.FromGonum(d)
	if err != nil {
		t.Fatal(err)
	}
	if !g.Directed() || g.Weighted() || !g.HasEdge(1, 0) || g.HasEdge(0, 1) || g.NumEdges() != 2 {
		t.Errorf("directed: %v", g)
	}
	bad := simple.NewWeightedUndirectedGraph(0, math.Inf(1))
	bad.SetWeightedEdge(simple.WeightedEdge{F: simple.Node(0), T: simple.Node(1), W: math.NaN()})
	if _, _, err := graphs.FromGonum(bad); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("NaN weight: err = %v, want ErrParameter", err)
	}
	if _, err := graphs.AsGonumUndirected(g); !errors.Is(err, graphs.ErrUnsupported) {
		t.Errorf("AsGonumUndirected(directed): err = %v, want ErrUnsupported", err)
	}
}

func TestFromDominikbraunErrors(t *testing.T) {
	d := dgraph.New(dgraph.IntHash)
	_ = d.AddVertex(0)
	_ = d.AddVertex(5)
	if _, err := graphs.FromDominikbraun(d); !errors.Is(err, graphs.ErrNodeID) {
		t.Errorf("vertex 5 of 2: err = %v, want ErrNodeID", err)
	}
	w := dgraph.New(dgraph.IntHash, dgraph.Weighted())
	_ = w.AddVertex(0)
	_ = w.AddVertex(1)
	_ = w.AddEdge(0, 1, dgraph.EdgeWeight(3))
	g, err := graphs.FromDominikbraun(w)
	if err != nil {
		t.Fatal(err)
	}
	if x, _ := g.Weight(1, 0); !g.Weighted() || x != 3 {
		t.Errorf("int weight: %v, weight %v", g, x)
	}
	_ = w.UpdateEdge(0, 1, dgraph.EdgeData(math.Inf(1)))
	if _, err := graphs.FromDominikbraun(w); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("Inf data: err = %v, want ErrParameter", err)
	}
}

func ExampleAsGonum() {
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	// gonum's algorithms run on the view without copying g.
	for _, c := range topo.ConnectedComponents(graphs.AsGonum(g).(graph.Undirected)) {
		fmt.Print(len(c), " ")
	}
	fmt.Println()
	// Output: 3 1
}
