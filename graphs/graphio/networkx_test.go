package graphio_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// nxScript makes the test graphs with NetworkX and writes them ("write
// DIR"), or reads the files gnnwb wrote ("read DIR"), and prints each
// graph as canonical JSON: direction, nodes in NetworkX's order, edges as
// sorted "u|v|repr(weight)" (u, v sorted for undirected graphs).
const nxScript = `
import inspect, json, os, sys
import networkx as nx

def graphs():
    g = nx.Graph()
    g.add_node("erin")
    g.add_edge("alice", "bob", weight=1.5)
    g.add_edge("bob", "carol", weight=2.0)
    g.add_edge("carol", "carol", weight=0.25)
    g.add_edge("dave", "alice", weight=1e-07)
    g.add_edge("bob", "dave", weight=3)  # an int: GraphML gets a second weight key
    d = nx.DiGraph()
    d.add_edges_from([("10", "1"), ("1", "2"), ("2", "1"), ("2", "2")])
    u = nx.Graph()
    u.add_node("a<b&\"c'")
    u.add_edges_from([("Zürich", "Köln"), ("東京", "Zürich"), ("Köln", "a<b&\"c'")])
    return {"weighted": g, "directed": d, "unicode": u}

def canon(G):
    edges = []
    for a, b, w in G.edges(data="weight", default=1):
        a, b = str(a), str(b)
        if not G.is_directed() and b < a:
            a, b = b, a
        edges.append("%s|%s|%r" % (a, b, float(w)))
    return {"directed": G.is_directed(), "nodes": [str(n) for n in G.nodes], "edges": sorted(edges)}

def read(fmt, path, directed):
    create = nx.DiGraph if directed else nx.Graph
    if fmt == "networkx":
        return nx.read_edgelist(path, create_using=create)
    if fmt == "graphml":
        return nx.read_graphml(path)
    with open(path) as f:
        data = json.load(f)
    k = "edges" if "edges" in data else "links"
    params = inspect.signature(nx.node_link_graph).parameters
    key = {"edges": k} if "edges" in params else {"link": k}
    return nx.node_link_graph(data, **key)

mode, d = sys.argv[1], sys.argv[2]
out = {}
for name, G in graphs().items():
    for fmt in ("networkx", "graphml", "nodelink"):
        path = os.path.join(d, name + "." + fmt)
        if mode == "write":
            H = G.copy()
            if fmt == "networkx":
                H.remove_nodes_from(list(nx.isolates(H)))
                nx.write_edgelist(H, path)
            elif fmt == "graphml":
                nx.write_graphml(H, path)
            else:
                with open(path, "w") as f:
                    json.dump(nx.node_link_data(H), f)
            # what NetworkX itself reads back (its order of first appearance)
            out[name + "." + fmt] = canon(read(fmt, path, G.is_directed()))
        else:
            out[name + "." + fmt] = canon(read(fmt, path + ".gnnwb", G.is_directed()))
json.dump(out, sys.stdout)
`

type canonGraph struct {
	Directed bool     `json:"directed"`
	Nodes    []string `json:"nodes"`
	Edges    []string `json:"edges"`
}

func canonOf(g graphs.Graph, ids []string) canonGraph {
	c := canonGraph{Directed: g.Directed(), Nodes: ids}
	for v := range g.NumNodes() {
		for k, u := range g.Neighbours(v) {
			w := 1.0
			if ws := g.Weights(v); ws != nil {
				w = ws[k]
			}
			a, b := ids[u], ids[v]
			if !g.Directed() {
				if int(u) > v {
					continue
				}
				if b < a {
					a, b = b, a
				}
			}
			c.Edges = append(c.Edges, a+"|"+b+"|"+string(appendRepr(nil, w)))
		}
	}
	slices.Sort(c.Edges)
	return c
}

// appendRepr is Python's repr of a float, for the comparison.
func appendRepr(b []byte, x float64) []byte {
	var buf strings.Builder
	g, _ := graphs.FromEdges(2, []graphs.Edge{{U: 0, V: 1, W: x}}, graphs.Weighted)
	graphio.Encode(&buf, graphio.NetworkX, g, nil)
	s := buf.String() // "0 1 {'weight': REPR}\n"
	s = s[strings.Index(s, ": ")+2 : strings.LastIndex(s, "}")]
	return append(b, s...)
}

// networkx returns Debian's python3 with NetworkX, or skips the test.
func networkx(t *testing.T) string {
	t.Helper()
	const py = "/usr/bin/python3"
	if _, err := os.Stat(py); err != nil {
		t.Skip("no /usr/bin/python3: install Debian's python3-networkx for the round trips with NetworkX")
	}
	if err := exec.Command(py, "-c", "import networkx").Run(); err != nil {
		t.Skip("/usr/bin/python3 has no networkx: install Debian's python3-networkx for the round trips with NetworkX")
	}
	return py
}

func runNX(t *testing.T, py, mode, dir string) map[string]canonGraph {
	t.Helper()
	cmd := exec.Command(py, "-c", nxScript, mode, dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("python %s: %v", mode, err)
	}
	var res map[string]canonGraph
	if err := json.Unmarshal(out, &res); err != nil {
		t.Fatalf("python %s: %v: %s", mode, err, out)
	}
	return res
}

// TestNetworkXRoundTrip: NetworkX writes → gnnwb reads → the graph
// NetworkX reads (same nodes in the same order, same edges and weights);
// gnnwb writes → NetworkX reads → the same graph again.
func TestNetworkXRoundTrip(t *testing.T) {
	py := networkx(t)
	dir := t.TempDir()
	want := runNX(t, py, "write", dir)
	if len(want) != 9 {
		t.Fatalf("python wrote %d graphs", len(want))
	}
	for name, w := range want {
		f, _ := graphio.ParseFormat(name[strings.LastIndexByte(name, '.')+1:])
		path := filepath.Join(dir, name)
		g, ids, err := graphio.Read(path, graphio.Options{Format: f, Directed: w.Directed, KeepSelfLoops: true})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := canonOf(g, ids); !equalCanon(got, w) {
			t.Errorf("%s: gnnwb read\n%+v\nNetworkX read\n%+v", name, got, w)
		}
		if err := graphio.Write(path+".gnnwb", f, g, ids); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	back := runNX(t, py, "read", dir)
	for name, w := range want {
		if got := back[name]; !equalCanon(got, w) {
			t.Errorf("%s: NetworkX read gnnwb's file as\n%+v\nwant\n%+v", name, got, w)
		}
	}
}

func equalCanon(a, b canonGraph) bool {
	return a.Directed == b.Directed && slices.Equal(a.Nodes, b.Nodes) && slices.Equal(a.Edges, b.Edges)
}
