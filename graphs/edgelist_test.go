package graphs_test

import (
	"bytes"
	"errors"
	"fmt"
	"log"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/dataroot"
)

// sharedDatasets returns the data root (dataroot.Find: $GNNWB_DATA, else the
// folder continuous integration provides), or skips the test when it is
// absent, saying which variable to set.
func sharedDatasets(t testing.TB) string {
	t.Helper()
	d, err := dataroot.Find()
	if err != nil {
		t.Skipf("%v; skipping real-data test", err)
	}
	return d
}

// datasetFile returns the path of a file under the data root, skipping the
// test if it is missing.
func datasetFile(t testing.TB, rel ...string) string {
	t.Helper()
	p := filepath.Join(append([]string{sharedDatasets(t)}, rel...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("dataset file %s absent: %v", p, err)
	}
	return p
}

func TestParseEdgeList(t *testing.T) {
	type want struct {
		n, edges, loops int
		directed        bool
		weighted        bool
		rows            [][]int32
		weights         [][]float64
		ids             []int64
	}
	tests := []struct {
		name  string
		input string
		opt   graphs.EdgeListOptions
		want  want
	}{
		{name: "empty", input: "", want: want{rows: [][]int32{}}},
		{name: "only comments", input: "# hello\n#\n\n", want: want{rows: [][]int32{}}},
		{name: "header isolated", input: "# Nodes: 3 Edges: 0\n", want: want{n: 3, rows: [][]int32{nil, nil, nil}}},
		{name: "single node header", input: "# Nodes: 1\n", want: want{n: 1, rows: [][]int32{nil}}},
		{name: "path", input: "0 1\n1\t2\n", want: want{n: 3, edges: 2, rows: [][]int32{{1}, {0, 2}, {1}}}},
		{name: "CRLF tabs no final newline", input: "# c\r\n0\t1\r\n\r\n2\t1", want: want{n: 3, edges: 2, rows: [][]int32{{1}, {0, 2}, {1}}}},
		{name: "extra blanks", input: "  \t 0   1 \t\n\t\n", want: want{n: 2, edges: 1, rows: [][]int32{{1}, {0}}}},
		{name: "header extra spaces tabs", input: "#\tNodes:\t\t4   Edges: 1\n0 3\n", want: want{n: 4, edges: 1, rows: [][]int32{{3}, nil, nil, {0}}}},
		{name: "both ways one edge", input: "0 1\n1 0\n", want: want{n: 2, edges: 1, rows: [][]int32{{1}, {0}}}},
		{name: "loop dropped node kept", input: "0 1\n3 3\n", want: want{n: 4, edges: 1, rows: [][]int32{{1}, {0}, nil, nil}}},
		{name: "loop kept", input: "0 1\n1 1\n", opt: graphs.EdgeListOptions{KeepSelfLoops: true},
			want: want{n: 2, edges: 2, loops: 1, rows: [][]int32{{1}, {0, 1}}}},
		{name: "directed", input: "0 1\n2 1\n1 0\n", opt: graphs.EdgeListOptions{Directed: true},
			want: want{n: 3, edges: 3, directed: true, rows: [][]int32{{1}, {0, 2}, nil}}},
		{name: "weighted sum", input: "0 1 0.5\n1 0 2\n", want: want{n: 2, edges: 1, weighted: true,
			rows: [][]int32{{1}, {0}}, weights: [][]float64{{2.5}, {2.5}}}},
		{name: "weighted max", input: "0 1 0.5\n1 0 2\n", opt: graphs.EdgeListOptions{MergeMax: true}, want: want{n: 2, edges: 1, weighted: true,
			rows: [][]int32{{1}, {0}}, weights: [][]float64{{2}, {2}}}},
		{name: "weighted directed min", input: "0 1 -1e3\n0 1 2\n", opt: graphs.EdgeListOptions{Directed: true, MergeMin: true},
			want: want{n: 2, edges: 1, directed: true, weighted: true, rows: [][]int32{nil, {0}}, weights: [][]float64{nil, {-1000}}}},
		{name: "relabel", input: "# Nodes: 2\n100 7\n9000000000 7\n", opt: graphs.EdgeListOptions{Relabel: true},
			want: want{n: 3, edges: 2, rows: [][]int32{{1, 2}, {0}, {0}}, ids: []int64{7, 100, 9000000000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, ids, err := graphs.ParseEdgeListIDs(strings.NewReader(tt.input), "test.txt", tt.opt)
			if err != nil {
				t.Fatal(err)
			}
			w := tt.want
			if g.NumNodes() != w.n || g.NumEdges() != w.edges || g.NumSelfLoops() != w.loops || g.Directed() != w.directed || g.Weighted() != w.weighted {
				t.Errorf("got %v with %d loops", g, g.NumSelfLoops())
			}
			got := rows(g)
			for i := range got {
				if len(got[i]) == 0 {
					got[i] = nil
				}
				if w.weights != nil && !slices.Equal(g.Weights(i), w.weights[i]) {
					t.Errorf("row %d weights %v, want %v", i, g.Weights(i), w.weights[i])
				}
			}
			if fmt.Sprint(got) != fmt.Sprint(w.rows) {
				t.Errorf("rows %v, want %v", got, w.rows)
			}
			if !slices.Equal(ids, w.ids) || (w.ids == nil) != (ids == nil) {
				t.Errorf("ids %v, want %v", ids, w.ids)
			}
		})
	}
}

func TestParseEdgeListErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
		opt   graphs.EdgeListOptions
		line  int
		kind  error
	}{
		{"one field", "0 1\n2\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"four fields", "0 1 2 3\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"letters", "# x\n0 a\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"plus sign", "+1 2\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"float id", "1.0 2\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"negative", "0 1\n-1 2\n", graphs.EdgeListOptions{}, 2, graphs.ErrNodeID},
		{"lone minus", "- 2\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"overflow", "99999999999999999999 1\n", graphs.EdgeListOptions{Relabel: true}, 1, graphs.ErrNodeID},
		{"above int32", "2147483647 1\n", graphs.EdgeListOptions{}, 1, graphs.ErrNodeID},
		{"id beyond header", "# Nodes: 3 Edges: 1\n0 1\n\n1 3\n", graphs.EdgeListOptions{}, 4, graphs.ErrNodeID},
		{"missing weight", "0 1 1.5\n1 2 2\n2 3\n", graphs.EdgeListOptions{}, 3, graphs.ErrFormat},
		{"unexpected weight", "0 1\n1 2 2\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"bad weight", "0 1 x\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"NaN weight", "0 1 NaN\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"Inf weight", "0 1 1\n1 2 -Inf\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"huge weight", "0 1 1e400\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"bad header", "# Nodes: many\n", graphs.EdgeListOptions{}, 1, graphs.ErrFormat},
		{"header after edges", "0 1\n# Nodes: 5\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"conflicting headers", "# Nodes: 5\n# Nodes: 6\n", graphs.EdgeListOptions{}, 2, graphs.ErrFormat},
		{"header too large", "# Nodes: 3000000000\n", graphs.EdgeListOptions{}, 1, graphs.ErrTooLarge},
		{"sparse header", "# Nodes: 2000000\n0 1\n", graphs.EdgeListOptions{}, 1, graphs.ErrTooLarge},
		{"sparse id", "0 1\n1 2000000000\n", graphs.EdgeListOptions{}, 2, graphs.ErrTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := graphs.ParseEdgeList(strings.NewReader(tt.input), "in.txt", tt.opt)
			var pe *graphs.ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if pe.Path != "in.txt" || pe.Line != tt.line || !errors.Is(err, tt.kind) {
				t.Errorf("err = %v (line %d), want line %d wrapping %v", err, pe.Line, tt.line, tt.kind)
			}
			if prefix := fmt.Sprintf("in.txt:%d: ", tt.line); !strings.HasPrefix(err.Error(), prefix) {
				t.Errorf("message %q does not start with %q", err, prefix)
			}
		})
	}
	if _, err := graphs.ParseEdgeList(strings.NewReader("0 1\n"), "x", graphs.EdgeListOptions{MergeMax: true, MergeMin: true}); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("MergeMax+MergeMin: err = %v, want ErrParameter", err)
	}
	if _, err := graphs.ReadEdgeList(filepath.Join(t.TempDir(), "absent.txt"), graphs.EdgeListOptions{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("absent file: err = %v, want ErrNotExist", err)
	}
}

// errReader fails after its content.
type errReader struct{ s *strings.Reader }

var errBroken = errors.New("broken pipe")

func (r errReader) Read(p []byte) (int, error) {
	if r.s.Len() == 0 {
		return 0, errBroken
	}
	return r.s.Read(p)
}

func TestParseEdgeListReadError(t *testing.T) {
	_, err := graphs.ParseEdgeList(errReader{strings.NewReader("0 1\n1 2\n")}, "pipe", graphs.EdgeListOptions{})
	var pe *graphs.ParseError
	if !errors.Is(err, errBroken) || !errors.As(err, &pe) || pe.Line != 3 {
		t.Errorf("err = %v, want the reader's error at line 3", err)
	}
}

func TestParseEdgeListLongLines(t *testing.T) {
	input := "# " + strings.Repeat("comment ", 40000) + "\n" +
		"0" + strings.Repeat(" ", 200000) + "1" + strings.Repeat("\t", 70000) + "2.5\r\n" +
		"1 2 1\n"
	g, err := graphs.ParseEdgeList(strings.NewReader(input), "long", graphs.EdgeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if w, ok := g.Weight(0, 1); g.NumNodes() != 3 || g.NumEdges() != 2 || !ok || w != 2.5 {
		t.Errorf("got %v, weight(0,1) = %v %v", g, w, ok)
	}
	_, err = graphs.ParseEdgeList(strings.NewReader("0 1\n"+strings.Repeat("7", 100000)+" 1\n"), "long", graphs.EdgeListOptions{})
	var pe *graphs.ParseError
	if !errors.As(err, &pe) || pe.Line != 2 || !errors.Is(err, graphs.ErrNodeID) || len(err.Error()) > 200_100 {
		t.Errorf("err = %.200v", err)
	}
}

func TestEncodeEdgeList(t *testing.T) {
	g := mustGraph(t, 5, []graphs.Edge{{U: 2, V: 1, W: 0.1}, {U: 0, V: 1, W: 1e300}, {U: 3, V: 3, W: -2}}, graphs.Weighted|graphs.KeepSelfLoops)
	var b bytes.Buffer
	if err := graphs.EncodeEdgeList(&b, g); err != nil {
		t.Fatal(err)
	}
	want := "# Undirected graph\n# Nodes: 5 Edges: 3\n0\t1\t1e+300\n1\t2\t0.1\n3\t3\t-2\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	d := mustGraph(t, 3, []graphs.Edge{{U: 2, V: 0}, {U: 0, V: 2}, {U: 1, V: 0}, {U: 1, V: 1}}, graphs.Directed|graphs.KeepSelfLoops)
	b.Reset()
	if err := graphs.EncodeEdgeList(&b, d); err != nil {
		t.Fatal(err)
	}
	want = "# Directed graph\n# Nodes: 3 Edges: 4\n0\t2\n1\t0\n1\t1\n2\t0\n"
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
}

// roundTrip encodes g and parses it back.
func roundTrip(t testing.TB, g graphs.Graph) graphs.Graph {
	t.Helper()
	var b bytes.Buffer
	if err := graphs.EncodeEdgeList(&b, g); err != nil {
		t.Fatal(err)
	}
	h, err := graphs.ParseEdgeList(&b, "roundtrip", graphs.EdgeListOptions{Directed: g.Directed(), KeepSelfLoops: true})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestEdgeListRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 5))
	fs := fixtures(t)
	// weights that need all 17 digits
	odd := make([]graphs.Edge, 50)
	for k := range odd {
		odd[k] = graphs.Edge{U: rng.IntN(20), V: rng.IntN(20), W: rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))}
	}
	fs = append(fs, fixture{"odd weights", mustGraph(t, 20, odd, graphs.Weighted|graphs.Directed|graphs.KeepSelfLoops)})
	for _, f := range fs {
		t.Run(f.name, func(t *testing.T) {
			if f.g.Weighted() && f.g.NumEntries() == 0 {
				t.Skip("a weighted graph without edges reads back unweighted (documented)")
			}
			if h := roundTrip(t, f.g); !graphs.Equal(f.g, h) {
				t.Errorf("round trip changed the graph: %v -> %v", f.g, h)
			}
		})
	}
	// through a file
	path := filepath.Join(t.TempDir(), "g.txt")
	g := fs[len(fs)-1].g
	if err := graphs.WriteEdgeList(path, g); err != nil {
		t.Fatal(err)
	}
	h, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{Directed: true, KeepSelfLoops: true})
	if err != nil || !graphs.Equal(g, h) {
		t.Errorf("file round trip: %v, %v", h, err)
	}
}

func TestEdgeListSNAP(t *testing.T) {
	t.Run("CA-GrQc", func(t *testing.T) {
		// PROVENANCE.md 5b: 5242 distinct nodes, 28980 lines = both
		// directions of 14496 pairs, 12 of them self loops.
		path := datasetFile(t, "snap", "ca-GrQc", "CA-GrQc.txt")
		g, ids, err := graphs.ReadEdgeListIDs(path, graphs.EdgeListOptions{Relabel: true, KeepSelfLoops: true})
		if err != nil {
			t.Fatal(err)
		}
		if g.NumNodes() != 5242 || g.NumEdges() != 14496 || g.NumSelfLoops() != 12 || len(ids) != 5242 {
			t.Errorf("got %v, %d loops, %d ids; want 5242 nodes, 14496 edges, 12 loops", g, g.NumSelfLoops(), len(ids))
		}
		d, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{Relabel: true, Directed: true, KeepSelfLoops: true})
		if err != nil {
			t.Fatal(err)
		}
		if d.NumEdges() != 28980 {
			t.Errorf("directed: %v, want 28980 edges", d)
		}
		if s, _ := graphs.Symmetrize(d); !graphs.Equal(s, g) {
			// weights absent: symmetrizing the directed reading gives the
			// undirected one
			t.Errorf("Symmetrize(directed) != undirected reading")
		}
		// without Relabel the header's 5242 nodes are too few for ids up to 26196
		_, err = graphs.ReadEdgeList(path, graphs.EdgeListOptions{})
		var pe *graphs.ParseError
		if !errors.As(err, &pe) || !errors.Is(err, graphs.ErrNodeID) || pe.Line != 7 {
			t.Errorf("without Relabel: err = %v, want ErrNodeID at line 7 (8579 ≥ 5242)", err)
		}
		if h := roundTrip(t, g); !graphs.Equal(g, h) {
			t.Errorf("round trip changed CA-GrQc")
		}
	})
	t.Run("facebook", func(t *testing.T) {
		// PROVENANCE.md 5c: 4039 nodes, 88234 edges, no self loops.
		path := datasetFile(t, "snap", "facebook", "facebook_combined.txt")
		g, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if g.NumNodes() != 4039 || g.NumEdges() != 88234 || g.NumSelfLoops() != 0 {
			t.Errorf("got %v", g)
		}
		if h := roundTrip(t, g); !graphs.Equal(g, h) {
			t.Errorf("round trip changed facebook")
		}
	})
	t.Run("email-Eu-core", func(t *testing.T) {
		// PROVENANCE.md 5a: 1005 nodes, 25571 directed edges, 642 self
		// loops, 16064 undirected non-self pairs.
		path := datasetFile(t, "snap", "email-Eu-core", "email-Eu-core.txt")
		d, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{Directed: true, KeepSelfLoops: true})
		if err != nil {
			t.Fatal(err)
		}
		if d.NumNodes() != 1005 || d.NumEdges() != 25571 || d.NumSelfLoops() != 642 {
			t.Errorf("got %v, %d loops", d, d.NumSelfLoops())
		}
		u, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if u.NumEdges() != 16064 {
			t.Errorf("undirected: %v, want 16064 edges", u)
		}
		if h := roundTrip(t, d); !graphs.Equal(d, h) {
			t.Errorf("round trip changed email-Eu-core")
		}
	})
}

func ExampleParseEdgeList() {
	text := `# Directed graph (each unordered pair of nodes is saved once)
# Nodes: 5 Edges: 3
0	1
1 2
4	2
`
	g, err := graphs.ParseEdgeList(strings.NewReader(text), "example.txt", graphs.EdgeListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(g)
	fmt.Println(g.Neighbours(2), g.Degree(3))
	_, err = graphs.ParseEdgeList(strings.NewReader("# Nodes: 2\n0 1\n1 2\n"), "bad.txt", graphs.EdgeListOptions{})
	fmt.Println(err)
	// Output:
	// undirected graph: 5 nodes, 3 edges
	// [1 4] 0
	// bad.txt:3: node id 2 ≥ 2 nodes declared at line 1: node id out of range
}

func ExampleReadEdgeList() {
	dir, err := os.MkdirTemp("", "edgelist")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "g.txt")
	g, err := graphs.FromEdges(4, []graphs.Edge{{U: 0, V: 1, W: 0.5}, {U: 2, V: 1, W: 2}}, graphs.Weighted)
	if err != nil {
		log.Fatal(err)
	}
	if err := graphs.WriteEdgeList(path, g); err != nil {
		log.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(text))
	h, err := graphs.ReadEdgeList(path, graphs.EdgeListOptions{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(h, graphs.Equal(g, h))
	// Output:
	// # Undirected graph
	// # Nodes: 4 Edges: 2
	// 0	1	0.5
	// 1	2	2
	// undirected weighted graph: 4 nodes, 2 edges true
}
