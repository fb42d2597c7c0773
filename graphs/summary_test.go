package graphs_test

import (
	"bytes"
	"encoding/json"
	"log"
	"os"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestSummarize(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(f.name, func(t *testing.T) {
			s, err := graphs.Summarize(f.g)
			if err != nil {
				t.Fatal(err)
			}
			tri, _ := graphs.Triangles(f.g)
			c, _ := graphs.GlobalClustering(f.g)
			_, comps := graphs.ConnectedComponents(f.g)
			g := f.g
			want := graphs.Summary{Nodes: g.NumNodes(), Edges: g.NumEdges(), SelfLoops: g.NumSelfLoops(),
				Directed: g.Directed(), Weighted: g.Weighted(), Triangles: tri, Clustering: c, Components: comps}
			if h := g.DegreeHistogram(); len(h) > 0 {
				want.Degree.Max = len(h) - 1
				for h[want.Degree.Min] == 0 {
					want.Degree.Min++
				}
				want.Degree.Mean = float64(g.NumEntries()) / float64(g.NumNodes())
			}
			if s != want {
				t.Errorf("Summarize = %+v, want %+v", s, want)
			}
		})
	}
}

func TestSummaryJSON(t *testing.T) {
	g := mustGraph(t, 3, []graphs.Edge{{U: 0, V: 1}, {U: 2, V: 2}}, graphs.KeepSelfLoops)
	s, err := graphs.Summarize(g)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"nodes":3,"edges":2,"self_loops":1,"directed":false,"weighted":false,"triangles":0,"clustering":0,"components":2,"degree":{"min":1,"mean":1,"max":1}}`
	if string(b) != want {
		t.Errorf("JSON\n%s\nwant\n%s", b, want)
	}
	empty, _ := graphs.Summarize(graphs.Graph{})
	if empty != (graphs.Summary{}) {
		t.Errorf("empty graph: %+v", empty)
	}
}

func TestSummaryWriteText(t *testing.T) {
	s, err := graphs.Summarize(readKarate(t))
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := s.WriteText(&b); err != nil {
		t.Fatal(err)
	}
	// the example in WriteText's doc comment
	want := `nodes       34
edges       78
self loops  0
directed    false
weighted    false
triangles   45
clustering  0.255682
components  1
degree      min 1, mean 4.58824, max 17
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	if !strings.HasSuffix(b.String(), "\n") {
		t.Error("no final newline")
	}
}

func ExampleSummarize() {
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}, {U: 2, V: 0}}, graphs.Undirected)
	if err != nil {
		log.Fatal(err)
	}
	s, err := graphs.Summarize(g)
	if err != nil {
		log.Fatal(err)
	}
	if err := s.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// nodes       4
	// edges       3
	// self loops  0
	// directed    false
	// weighted    false
	// triangles   1
	// clustering  1
	// components  2
	// degree      min 0, mean 1.5, max 2
}
