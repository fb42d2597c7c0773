package graphio_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/graphio"
)

// TestMemory reads inputs of a few hundred KB to 1.5 MB in every format, many small
// edges between many distinct string ids (the costliest kind per byte),
// and checks that the reader allocates in all at most memFactor bytes
// per byte of input: no input costs much more memory than it weighs.
func TestMemory(t *testing.T) {
	const memFactor = 40
	const edges = 20000
	g, err := graphs.FromEdges(edges+1, func() []graphs.Edge {
		es := make([]graphs.Edge, edges)
		for k := range es {
			es[k] = graphs.Edge{U: k, V: k + 1, W: 0.5}
		}
		return es
	}(), graphs.Weighted)
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, edges+1)
	for i := range ids {
		ids[i] = fmt.Sprintf("n%d", i)
	}
	for _, f := range graphio.Formats {
		var b bytes.Buffer
		var nids []string
		if f != graphio.EdgeList && f != graphio.SNAP {
			nids = ids
		}
		if err := graphio.Encode(&b, f, g, nids); err != nil {
			t.Fatal(err)
		}
		data := b.Bytes()
		var h graphs.Graph
		got := heapAllocs(func() { h, _, err = graphio.Parse(bytes.NewReader(data), "m", graphio.Options{Format: f}) })
		if err != nil || h.NumEdges() != edges {
			t.Fatalf("%s: %v, %v", f, h, err)
		}
		t.Logf("%s: %d bytes, %d allocated (%.1f per byte)", f, len(data), got, float64(got)/float64(len(data)))
		if got > memFactor*uint64(len(data)) {
			t.Errorf("%s: %d bytes of input made the reader allocate %d bytes, more than %d per byte", f, len(data), got, memFactor)
		}
	}
	// A GraphML or JSON file whose bulk is one attribute or text costs
	// about its size.
	big := strings.Repeat("x", 1<<20)
	for _, tc := range []struct {
		f    graphio.Format
		text string
	}{
		{graphio.NodeLink, `{"graph": {"name": "` + big + `"}, "nodes": [], "edges": []}`},
		{graphio.GraphML, `<graphml><graph><!-- ` + big + ` --><node id="a"/></graph></graphml>`},
		{graphio.NetworkX, "a b {'note': '" + big + "'}\n"},
	} {
		got := heapAllocs(func() { _, _, err = graphio.Parse(strings.NewReader(tc.text), "m", graphio.Options{Format: tc.f}) })
		if err != nil {
			t.Fatalf("%s: %v", tc.f, err)
		}
		t.Logf("%s one large value: %d bytes, %d allocated", tc.f, len(tc.text), got)
		if got > memFactor*uint64(len(tc.text)) {
			t.Errorf("%s: %d bytes made the reader allocate %d", tc.f, len(tc.text), got)
		}
	}
}
