package graphs_test

import (
	"bytes"
	"io"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// benchGraph returns a random undirected graph with n nodes and m random
// pairs (loops dropped, duplicates merged: average degree ≈ 2m/n), built
// once per (n, m) per process with a fixed seed. It does not use package
// generators, which imports graphs.
func benchGraph(b *testing.B, n, m int) graphs.Graph {
	b.Helper()
	benchMu.Lock()
	defer benchMu.Unlock()
	key := [2]int{n, m}
	if g, ok := benchCache[key]; ok {
		return g
	}
	rng := rand.New(rand.NewPCG(uint64(n), uint64(m)))
	edges := make([]graphs.Edge, m)
	for k := range edges {
		edges[k] = graphs.Edge{U: rng.IntN(n), V: rng.IntN(n)}
	}
	g, err := graphs.FromEdges(n, edges, graphs.Undirected)
	if err != nil {
		b.Fatal(err)
	}
	benchCache[key] = g
	return g
}

var (
	benchMu    sync.Mutex
	benchCache = map[[2]int]graphs.Graph{}
)

// 10^6 nodes, average degree 10: the size of igraph's
// transitivity_undirected reference (1.6 s on the project machine).
const benchN, benchM = 1_000_000, 5_000_000

func BenchmarkTriangles(b *testing.B) {
	g := benchGraph(b, benchN, benchM)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := graphs.Triangles(g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkGlobalClustering(b *testing.B) {
	g := benchGraph(b, benchN, benchM)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := graphs.GlobalClustering(g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkConnectedComponents(b *testing.B) {
	g := benchGraph(b, benchN, benchM)
	b.ReportAllocs()
	for b.Loop() {
		graphs.ConnectedComponents(g)
	}
}

// edge lists of 10^6 edges on 2·10^5 nodes
const ioN, ioM = 200_000, 1_000_000

func BenchmarkEncodeEdgeList(b *testing.B) {
	g := benchGraph(b, ioN, ioM)
	var buf bytes.Buffer
	if err := graphs.EncodeEdgeList(&buf, g); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(buf.Len()))
	b.ReportAllocs()
	for b.Loop() {
		if err := graphs.EncodeEdgeList(io.Discard, g); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseEdgeList(b *testing.B) {
	g := benchGraph(b, ioN, ioM)
	var buf bytes.Buffer
	if err := graphs.EncodeEdgeList(&buf, g); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	for _, tc := range []struct {
		name string
		opt  graphs.EdgeListOptions
	}{
		{"plain", graphs.EdgeListOptions{}},
		{"relabel", graphs.EdgeListOptions{Relabel: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(data)))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := graphs.ParseEdgeList(bytes.NewReader(data), "bench", tc.opt); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkSymmetrize(b *testing.B) {
	g := benchGraph(b, ioN, ioM)
	off, nb, _ := g.CSR()
	dg, err := graphs.FromCSR(off, nb, nil, true) // the symmetric CSR read as directed
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := graphs.Symmetrize(dg); err != nil {
			b.Fatal(err)
		}
	}
}
