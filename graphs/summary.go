package graphs

import (
	"fmt"
	"io"
)

// Summary holds a graph's basic statistics, as printed by `gnnwb stats`.
type Summary struct {
	Nodes     int  `json:"nodes"`      // n
	Edges     int  `json:"edges"`      // NumEdges
	SelfLoops int  `json:"self_loops"` // NumSelfLoops
	Directed  bool `json:"directed"`
	Weighted  bool `json:"weighted"`
	// Triangles and Clustering are those of the underlying undirected
	// simple graph (Triangles, GlobalClustering).
	Triangles  int64   `json:"triangles"`
	Clustering float64 `json:"clustering"`
	// Components counts (weakly) connected components; isolated nodes are
	// components of their own.
	Components int         `json:"components"`
	Degree     DegreeStats `json:"degree"`
}

// DegreeStats summarises the row lengths (Degree: in-degree for a directed
// graph, self loops counted once). Mean is entries/n, and all three are 0
// for the empty graph.
type DegreeStats struct {
	Min  int     `json:"min"`
	Mean float64 `json:"mean"`
	Max  int     `json:"max"`
}

// Summarize computes g's Summary. Cost: that of Triangles (O(m·sqrt(m)),
// the dominant term) plus ConnectedComponents; the error is Triangles'.
func Summarize(g Graph) (Summary, error) {
	s := Summary{
		Nodes:     g.NumNodes(),
		Edges:     g.NumEdges(),
		SelfLoops: g.NumSelfLoops(),
		Directed:  g.Directed(),
		Weighted:  g.Weighted(),
	}
	off, nb := simpleStructure(g)
	s.Triangles = trianglesCSR(off, nb)
	var triples int64
	for i := 0; i+1 < len(off); i++ {
		d := int64(off[i+1] - off[i])
		triples += d * (d - 1) / 2
	}
	if triples > 0 {
		s.Clustering = 3 * float64(s.Triangles) / float64(triples)
	}
	_, s.Components = ConnectedComponents(g)
	if n := s.Nodes; n > 0 {
		s.Degree.Min = g.Degree(0)
		for i := range n {
			d := g.Degree(i)
			s.Degree.Min = min(s.Degree.Min, d)
			s.Degree.Max = max(s.Degree.Max, d)
		}
		s.Degree.Mean = float64(g.NumEntries()) / float64(n)
	}
	return s, nil
}

// WriteText writes s as aligned "name  value" lines, for people, e.g.
//
//	nodes       34
//	edges       78
//	self loops  0
//	directed    false
//	weighted    false
//	triangles   45
//	clustering  0.255682
//	components  1
//	degree      min 1, mean 4.58824, max 17
//
// The error is w's.
func (s Summary) WriteText(w io.Writer) error {
	_, err := fmt.Fprintf(w, "nodes       %d\nedges       %d\nself loops  %d\ndirected    %t\nweighted    %t\ntriangles   %d\nclustering  %.6g\ncomponents  %d\ndegree      min %d, mean %.6g, max %d\n",
		s.Nodes, s.Edges, s.SelfLoops, s.Directed, s.Weighted, s.Triangles, s.Clustering, s.Components,
		s.Degree.Min, s.Degree.Mean, s.Degree.Max)
	return err
}
