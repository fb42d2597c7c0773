package graphio_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// edgesOf lists g's edges as "u-v:w" (u→v, or u ≤ v when undirected) by
// the ids, sorted, for comparisons that do not depend on node order.
func edgesOf(g graphs.Graph, ids []string) []string {
	id := func(i int) string {
		if ids == nil {
			return fmt.Sprint(i)
		}
		return ids[i]
	}
	var out []string
	for v := range g.NumNodes() {
		for k, u := range g.Neighbours(v) {
			w := 1.0
			if ws := g.Weights(v); ws != nil {
				w = ws[k]
			}
			a, b := id(int(u)), id(v)
			if !g.Directed() {
				if int(u) > v {
					continue
				}
				if a > b {
					a, b = b, a
				}
			}
			out = append(out, fmt.Sprintf("%s-%s:%g", a, b, w))
		}
	}
	slices.Sort(out)
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name     string
		format   graphio.Format
		opt      graphio.Options
		in       string
		ids      []string // nil: 0..n−1
		edges    string   // edgesOf joined by " "
		directed bool
		weighted bool
	}{
		{"edgelist as given", graphio.EdgeList, graphio.Options{}, "# Nodes: 4\n0 1\n2 1\n", nil, "0-1:1 1-2:1", false, false},
		{"edgelist sparse ids", graphio.EdgeList, graphio.Options{}, "# Nodes: 3 Edges: 2\n10 7\n7 26196\n", []string{"7", "10", "26196"}, "10-7:1 26196-7:1", false, false},
		{"edgelist long comment", graphio.EdgeList, graphio.Options{}, "#" + strings.Repeat("x", 70000) + "\n# Nodes: 3\n1 2\n", nil, "1-2:1", false, false},
		{"snap always maps", graphio.SNAP, graphio.Options{}, "1 2\n2 3\n", []string{"1", "2", "3"}, "1-2:1 2-3:1", false, false},
		{"snap directed weighted", graphio.SNAP, graphio.Options{Directed: true}, "5 9 0.5\n9 5 2\n", []string{"5", "9"}, "5-9:0.5 9-5:2", true, true},
		{"networkx dict", graphio.NetworkX, graphio.Options{}, "a b {'weight': 1.5, 'color': 'red'}\nb c {}\n# c d\nc d {\"weight\": 2e-3}  # tail\n", []string{"a", "b", "c", "d"}, "a-b:1.5 b-c:1 c-d:0.002", false, true},
		{"networkx columns", graphio.NetworkX, graphio.Options{Directed: true}, "x y 3\ny x 4 red\n", []string{"x", "y"}, "x-y:3 y-x:4", true, true},
		{"networkx plain", graphio.NetworkX, graphio.Options{KeepSelfLoops: true}, "1 2\n2 2\n", []string{"1", "2"}, "1-2:1 2-2:1", false, false},
		{"networkx nested data", graphio.NetworkX, graphio.Options{}, "a b {'l': [1, (2, 3), {'k': None}], 'weight': -1, 'ok': True}\n", []string{"a", "b"}, "a-b:-1", false, true},
		{"graphml", graphio.GraphML, graphio.Options{}, `<?xml version="1.0"?><graphml><key id="d0" for="edge" attr.name="weight" attr.type="double"><default>2</default></key><key id="n" for="node" attr.name="weight" attr.type="int"/>
<graph edgedefault="undirected"><node id="a"><data key="n">9</data></node><node id="z"/><edge source="a" target="b"><data key="d0">1.5</data></edge>
<edge source="b" target="a"/></graph><graph><node id="q"/></graph></graphml>`, []string{"a", "z", "b"}, "a-b:3.5", false, true},
		{"graphml directed", graphio.GraphML, graphio.Options{Directed: true}, `<graphml><graph edgedefault="directed"><edge source="1" target="2"/><edge source="2" target="1"/></graph></graphml>`, []string{"1", "2"}, "1-2:1 2-1:1", true, false},
		{"nodelink links", graphio.NodeLink, graphio.Options{}, `{"directed": false, "multigraph": false, "graph": {"name": [1, {"x": 2}]}, "nodes": [{"id": "a"}, {"id": 7}], "links": [{"weight": 1.5, "source": "a", "target": 7}, {"source": 7, "target": "c", "weight": 2}]}`, []string{"a", "7", "c"}, "7-a:1.5 7-c:2", false, true},
		{"nodelink edges first", graphio.NodeLink, graphio.Options{}, "{\"edges\": [{\"source\": \"b\", \"target\": \"a\"}],\n \"directed\": true, \"nodes\": [{\"id\": \"a\"}, {\"id\": \"b\"}, {\"id\": \"c\"}]}", []string{"a", "b", "c"}, "b-a:1", true, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Format = tc.format
			g, ids, err := graphio.Parse(strings.NewReader(tc.in), "in", opt)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(ids, tc.ids) || (ids == nil) != (tc.ids == nil) {
				t.Errorf("ids %q, want %q", ids, tc.ids)
			}
			if got := strings.Join(edgesOf(g, ids), " "); got != tc.edges {
				t.Errorf("edges %q, want %q", got, tc.edges)
			}
			if g.Directed() != tc.directed || g.Weighted() != tc.weighted {
				t.Errorf("directed %v weighted %v, want %v %v", g.Directed(), g.Weighted(), tc.directed, tc.weighted)
			}
			// Every format round-trips what it reads.
			var b bytes.Buffer
			if err := graphio.Encode(&b, tc.format, g, ids); err != nil {
				t.Fatal(err)
			}
			opt.Directed = g.Directed()
			h, ids2, err := graphio.Parse(&b, "out", opt)
			if err != nil {
				t.Fatalf("%v in\n%s", err, b.String())
			}
			if !graphs.Equal(g, h) && tc.format != graphio.SNAP && tc.format != graphio.EdgeList {
				t.Errorf("round trip: %v, want %v", h, g)
			}
			if got, want := edgesOf(h, ids2), edgesOf(g, ids); !slices.Equal(got, want) {
				t.Errorf("round trip edges %q, want %q\n%s", got, want, b.String())
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		format graphio.Format
		opt    graphio.Options
		in     string
		line   int
		kind   error
	}{
		{"edgelist letters", graphio.EdgeList, graphio.Options{}, "0 1\na b\n", 2, graphs.ErrFormat},
		{"networkx one field", graphio.NetworkX, graphio.Options{}, "a b\nc\n", 2, graphs.ErrFormat},
		{"networkx bad weight", graphio.NetworkX, graphio.Options{}, "a b {'weight': 'x'}\n", 1, graphs.ErrFormat},
		{"networkx nan", graphio.NetworkX, graphio.Options{}, "a b nan\n", 1, graphs.ErrFormat},
		{"networkx unclosed", graphio.NetworkX, graphio.Options{}, "\na b {'weight': 1\n", 2, graphs.ErrFormat},
		{"networkx deep", graphio.NetworkX, graphio.Options{}, "a b {'x': " + strings.Repeat("[", 100) + strings.Repeat("]", 100) + "}\n", 1, graphs.ErrFormat},
		{"graphml syntax", graphio.GraphML, graphio.Options{}, "<graphml>\n<graph>\n<node id='a'>\n</graph>", 4, graphs.ErrFormat},
		{"graphml unknown key", graphio.GraphML, graphio.Options{}, "<graphml><graph>\n<edge source='a' target='b'><data key='w'>1</data></edge></graph></graphml>", 2, graphs.ErrFormat},
		{"graphml mixed", graphio.GraphML, graphio.Options{}, "<graphml><graph>\n<edge source='a' target='b'/>\n<edge source='a' target='c' directed='true'/></graph></graphml>", 3, graphs.ErrUnsupported},
		{"graphml hyperedge", graphio.GraphML, graphio.Options{}, "<graphml><graph><hyperedge/></graph></graphml>", 1, graphs.ErrUnsupported},
		{"graphml not directed", graphio.GraphML, graphio.Options{Directed: true}, "<graphml><graph/></graphml>", 1, graphs.ErrParameter},
		{"graphml no graph", graphio.GraphML, graphio.Options{}, "<graphml/>", 1, graphs.ErrFormat},
		{"nodelink multigraph", graphio.NodeLink, graphio.Options{}, `{"multigraph": true, "nodes": [], "edges": []}`, 1, graphs.ErrUnsupported},
		{"nodelink no source", graphio.NodeLink, graphio.Options{}, "{\"nodes\": [],\n\"edges\": [\n{\"target\": 1}]}", 3, graphs.ErrFormat},
		{"nodelink list id", graphio.NodeLink, graphio.Options{}, `{"nodes": [{"id": [1]}], "edges": []}`, 1, graphs.ErrUnsupported},
		{"nodelink both keys", graphio.NodeLink, graphio.Options{}, `{"nodes": [], "edges": [], "links": []}`, 1, graphs.ErrFormat},
		{"nodelink truncated", graphio.NodeLink, graphio.Options{}, "{\"nodes\": [\n", 2, graphs.ErrFormat},
		{"nodelink trailing", graphio.NodeLink, graphio.Options{}, `{"nodes": [], "edges": []} {}`, 1, graphs.ErrFormat},
		{"nodelink no edges", graphio.NodeLink, graphio.Options{}, `{"nodes": []}`, 1, graphs.ErrFormat},
		{"nodelink weight", graphio.NodeLink, graphio.Options{}, `{"nodes": [], "edges": [{"source": 1, "target": 2, "weight": "x"}]}`, 1, graphs.ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opt := tc.opt
			opt.Format = tc.format
			_, _, err := graphio.Parse(strings.NewReader(tc.in), "f", opt)
			var pe *graphs.ParseError
			if !errors.As(err, &pe) || pe.Path != "f" || pe.Line != tc.line || !errors.Is(err, tc.kind) {
				t.Fatalf("err %v (%#v), want a ParseError at f:%d wrapping %v", err, pe, tc.line, tc.kind)
			}
		})
	}
}

func TestReadByExtension(t *testing.T) {
	dir := t.TempDir()
	g, err := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1, W: 0.5}, {U: 1, V: 2, W: 2}}, graphs.Weighted)
	if err != nil {
		t.Fatal(err)
	}
	ids := []string{"x", "y", "z"}
	for _, name := range []string{"g.graphml", "g.json", "g.nx"} {
		path := filepath.Join(dir, name)
		if err := graphio.Write(path, "", g, ids); err != nil {
			t.Fatal(err)
		}
		h, hids, err := graphio.Read(path, graphio.Options{})
		if err != nil || !graphs.Equal(g, h) || !slices.Equal(ids, hids) {
			t.Errorf("%s: %v %v %v", name, h, hids, err)
		}
	}
	// A NetworkX edge list named .edgelist reads as one.
	path := filepath.Join(dir, "g.edgelist")
	if err := graphio.Write(path, graphio.NetworkX, g, ids); err != nil {
		t.Fatal(err)
	}
	if h, hids, err := graphio.Read(path, graphio.Options{}); err != nil || !graphs.Equal(g, h) || !slices.Equal(ids, hids) {
		t.Errorf(".edgelist: %v %v %v", h, hids, err)
	}
	// but not when the format is explicit
	if _, _, err := graphio.Read(path, graphio.Options{Format: graphio.EdgeList}); !errors.Is(err, graphs.ErrFormat) {
		t.Errorf("explicit edgelist: %v", err)
	}
	if err := graphio.Write(filepath.Join(dir, "g.txt"), "", g, ids); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("string ids to an integer edge list: %v", err)
	}
	if f := graphio.FormatOf("g.bin"); f != graphio.EdgeList {
		t.Errorf(".bin: %v", f)
	}
	if _, _, err := graphio.Read(filepath.Join(dir, "none.txt"), graphio.Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestEncodeRefuses(t *testing.T) {
	g, _ := graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 1}}, 0)
	for _, tc := range []struct {
		f   graphio.Format
		ids []string
	}{
		{graphio.NetworkX, []string{"a b", "c"}},
		{graphio.NetworkX, []string{"a#", "c"}},
		{graphio.NetworkX, []string{"", "c"}},
		{graphio.GraphML, []string{"\x01", "c"}},
		{graphio.NodeLink, []string{"\xff", "c"}},
		{graphio.SNAP, []string{"-1", "2"}},
		{graphio.EdgeList, []string{"01", "2"}},
		{graphio.GraphML, []string{"a"}},
	} {
		if err := graphio.Encode(&bytes.Buffer{}, tc.f, g, tc.ids); err == nil {
			t.Errorf("%s %q: no error", tc.f, tc.ids)
		}
	}
}

func TestFormats(t *testing.T) {
	for _, f := range graphio.Formats {
		if g, err := graphio.ParseFormat(strings.ToUpper(string(f))); err != nil || g != f {
			t.Errorf("%s: %v %v", f, g, err)
		}
	}
	if _, err := graphio.ParseFormat("gexf"); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("gexf: %v", err)
	}
}
