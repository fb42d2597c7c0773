package graphio_test

import (
	"bytes"
	"errors"
	"runtime/metrics"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// fuzzParse checks that data either fails with a *graphs.ParseError or
// gives a valid graph whose ids are one per node, that costs no more nodes
// than the input has bytes (integer edge lists with a "# Nodes:" header
// aside), and that Encode and Parse bring back with the same ids and edges
// (when Encode accepts the ids), in the same order for GraphML and
// NodeLink.
func fuzzParse(t *testing.T, f graphio.Format, data []byte, opts uint8) {
	opt := graphio.Options{Format: f, Directed: opts&1 != 0, KeepSelfLoops: opts&2 != 0}
	var (
		g   graphs.Graph
		ids []string
		err error
	)
	fixed := uint64(allocFixed)
	if f == graphio.EdgeList {
		fixed = edgeListFixed
	}
	if got, limit := heapAllocs(func() { g, ids, err = graphio.Parse(bytes.NewReader(data), "fuzz", opt) }), allocFactor*uint64(len(data))+fixed; got > limit {
		t.Fatalf("%d bytes of input made the reader allocate %d bytes, more than %d·%d + %d", len(data), got, allocFactor, len(data), fixed)
	}
	if err != nil {
		var pe *graphs.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is not a *graphs.ParseError", err)
		}
		return
	}
	off, nb, ws := g.CSR()
	if _, err := graphs.FromCSR(off, nb, ws, g.Directed()); err != nil {
		t.Fatalf("invalid graph: %v", err)
	}
	if ids != nil && len(ids) != g.NumNodes() {
		t.Fatalf("%d ids for %d nodes", len(ids), g.NumNodes())
	}
	if ids == nil && f != graphio.EdgeList {
		t.Fatalf("no ids from %s", f)
	}
	if f != graphio.EdgeList && g.NumNodes() > len(data) {
		t.Fatalf("%d nodes from %d bytes", g.NumNodes(), len(data))
	}
	var b bytes.Buffer
	if err := graphio.Encode(&b, f, g, ids); err != nil {
		if !errors.Is(err, graphs.ErrParameter) {
			t.Fatalf("Encode: %v", err)
		}
		return
	}
	opt.Directed = g.Directed()
	opt.KeepSelfLoops = true
	h, ids2, err := graphio.Parse(&b, "again", opt)
	if err != nil {
		t.Fatalf("reading back: %v\n%s", err, b.Bytes())
	}
	if got, want := edgesOf(h, ids2), edgesOf(g, ids); !slices.Equal(got, want) {
		t.Fatalf("round trip edges %q, want %q", got, want)
	}
	if (f == graphio.GraphML || f == graphio.NodeLink) && !slices.Equal(ids, ids2) {
		t.Fatalf("round trip ids %q, want %q", ids2, ids)
	}
}

// allocFactor and allocFixed cap what one input may make a reader
// allocate in all (every allocation counted, freed or not): allocFactor
// bytes per byte of input plus allocFixed for fixed buffers. An EdgeList
// file may declare up to 2^20 nodes in a few bytes ("# Nodes: N", as
// graphs.ParseEdgeList allows), 8 bytes each in several arrays.
const (
	allocFactor   = 64
	allocFixed    = 4 << 20
	edgeListFixed = 96 << 20
)

// heapAllocs returns the bytes allocated on the heap while f ran.
func heapAllocs(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

func FuzzParseEdgeList(f *testing.F) {
	f.Add([]byte("# Nodes: 4 Edges: 2\n0 1\n2\t3\n"), uint8(0))
	f.Add([]byte("# Nodes: 2\n10 20 0.5\n20 10 1\n"), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) { fuzzParse(t, graphio.EdgeList, data, opts) })
}

func FuzzParseSNAP(f *testing.F) {
	f.Add([]byte("# FromNodeId\tToNodeId\n3466\t937\n937 3466\n5 5\n"), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) { fuzzParse(t, graphio.SNAP, data, opts) })
}

func FuzzParseNetworkX(f *testing.F) {
	f.Add([]byte("a b {'weight': 1.5}\nb c {}\n"), uint8(0))
	f.Add([]byte("1 2 3.5\n# x\n2 3 {\"weight\": 2, 'l': [1, (2,)]}\n"), uint8(3))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) { fuzzParse(t, graphio.NetworkX, data, opts) })
}

func FuzzParseGraphML(f *testing.F) {
	f.Add([]byte(`<graphml><key id="d0" for="edge" attr.name="weight" attr.type="double"/><graph edgedefault="undirected"><node id="a"/><edge source="a" target="b"><data key="d0">1.5</data></edge></graph></graphml>`), uint8(0))
	f.Add([]byte(`<graphml><graph edgedefault="directed"><edge source="1" target="2"/></graph></graphml>`), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) { fuzzParse(t, graphio.GraphML, data, opts) })
}

func FuzzParseNodeLink(f *testing.F) {
	f.Add([]byte(`{"directed": false, "multigraph": false, "graph": {}, "nodes": [{"id": "a"}, {"id": 1}], "links": [{"source": "a", "target": 1, "weight": 2}]}`), uint8(0))
	f.Add([]byte(`{"edges": [{"source": 2, "target": 1}], "directed": true, "nodes": [{"id": 1}]}`), uint8(1))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) { fuzzParse(t, graphio.NodeLink, data, opts) })
}
