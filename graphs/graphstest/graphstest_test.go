package graphstest_test

import (
	"math"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/aggregation"
	"github.com/gnnwb/gnnwb/graphs/graphstest"
)

func TestRandom(t *testing.T) {
	for _, k := range graphstest.Kinds() {
		g := graphstest.Random(t, 9, 0.4, k, 1)
		if g.NumNodes() != 9 || g.Directed() != k.Directed || g.Weighted() != k.Weighted {
			t.Fatalf("%s: n=%d directed=%v weighted=%v", k.Name, g.NumNodes(), g.Directed(), g.Weighted())
		}
		if g.NumSelfLoops() != 3 || g.Degree(8) != 0 {
			t.Fatalf("%s: %d loops, degree of the last node %d; want 3 and 0", k.Name, g.NumSelfLoops(), g.Degree(8))
		}
		if h := graphstest.Random(t, 9, 0.4, k, 1); h.NumEntries() != g.NumEntries() {
			t.Fatalf("%s: not deterministic", k.Name)
		}
	}
}

// On the path 0 – 1 – 2 the GCN matrix with loops added where missing is
// D̃^−½ (A + I) D̃^−½ with degrees 2, 3, 2, worked out by hand.
func TestAggregationPath(t *testing.T) {
	g, err := graphs.FromEdges(3, []graphs.Edge{{U: 0, V: 1}, {U: 1, V: 2}}, graphs.Undirected)
	if err != nil {
		t.Fatal(err)
	}
	S := graphstest.Aggregation(g, aggregation.GCN, 1)
	s6 := 1 / math.Sqrt(6)
	want := []float64{0.5, s6, 0, s6, 1.0 / 3, s6, 0, s6, 0.5}
	for e, w := range want {
		if got := S.RawMatrix().Data[e]; math.Abs(got-w) > 1e-15 {
			t.Fatalf("S[%d] = %v, want %v", e, got, w)
		}
	}
}
