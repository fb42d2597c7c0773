package graphs_test

import (
	"bytes"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// FuzzParseEdgeList checks that any input either fails with an error or
// gives a valid graph that round-trips through EncodeEdgeList and
// ParseEdgeList to an Equal graph. opts selects EdgeListOptions bits:
// 1 Directed, 2 KeepSelfLoops, 4 Relabel, 8 MergeMax, 16 MergeMin.
func FuzzParseEdgeList(f *testing.F) {
	f.Add([]byte("# Nodes: 4 Edges: 2\n0 1\n2\t3\n"), uint8(0))
	f.Add([]byte("0 1 0.5\r\n1 1 2\r\n"), uint8(3))
	f.Add([]byte("10 20\n20 10\n7 7\n"), uint8(6))
	f.Add([]byte("0 1 1\n0 1 -3e-7\n"), uint8(9))
	f.Add([]byte("#Nodes:\t3\n\n  2 0 1e308\n"), uint8(17))
	f.Fuzz(func(t *testing.T, data []byte, opts uint8) {
		opt := graphs.EdgeListOptions{
			Directed:      opts&1 != 0,
			KeepSelfLoops: opts&2 != 0,
			Relabel:       opts&4 != 0,
			MergeMax:      opts&8 != 0,
			MergeMin:      opts&16 != 0 && opts&8 == 0,
		}
		g, ids, err := graphs.ParseEdgeListIDs(bytes.NewReader(data), "fuzz", opt)
		if err != nil {
			return
		}
		if (!opt.Relabel && ids != nil) || (opt.Relabel && len(ids) != g.NumNodes()) {
			t.Fatalf("ids %v for %v", ids, g)
		}
		off, nb, ws := g.CSR()
		if _, err := graphs.FromCSR(off, nb, ws, g.Directed()); err != nil {
			t.Fatalf("invalid graph: %v", err)
		}
		var b bytes.Buffer
		if err := graphs.EncodeEdgeList(&b, g); err != nil {
			t.Fatal(err)
		}
		text := b.String()
		h, err := graphs.ParseEdgeList(&b, "encoded", graphs.EdgeListOptions{Directed: g.Directed(), KeepSelfLoops: true})
		if err != nil {
			t.Fatalf("re-parse: %v\n%s", err, text)
		}
		if g.Weighted() && g.NumEntries() == 0 {
			// documented: no weight column, so it reads back unweighted
			if h.Weighted() || h.NumNodes() != g.NumNodes() || h.NumEntries() != 0 {
				t.Fatalf("empty weighted graph %v read back as %v", g, h)
			}
			return
		}
		if !graphs.Equal(g, h) {
			t.Fatalf("round trip: %v -> %v\n%s", g, h, text)
		}
	})
}
