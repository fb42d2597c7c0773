package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func writeFiles(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// wantParseError checks that err is a *graphs.ParseError for file base at line
// (line < 0: any line) wrapping kind.
func wantParseError(t *testing.T, err error, base string, line int, kind error) {
	t.Helper()
	var pe *graphs.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("err = %v, want *graphs.ParseError", err)
	}
	if filepath.Base(pe.Path) != base || (line >= 0 && pe.Line != line) || !errors.Is(err, kind) {
		t.Errorf("err = %v, want %s:%d wrapping %v", err, base, line, kind)
	}
	if line > 0 && !strings.Contains(err.Error(), fmt.Sprintf("%s:%d: ", base, line)) {
		t.Errorf("message %q lacks file:line", err)
	}
}

// A valid toy TU dataset: graph 1 = path 1-2-3, graph 2 = edge 4-5.
var tuToy = map[string]string{
	"T_A.txt":               "1, 2\n2, 1\n2, 3\n3, 2\n4, 5\n5, 4\n",
	"T_graph_indicator.txt": "1\n1\n1\n2\n2\n",
	"T_graph_labels.txt":    "-1\n1\n",
	"T_node_labels.txt":     "3\n1\n2\n1\n1\n",
	"T_edge_labels.txt":     "0\n0\n1\n1\n2\n2\n",
}

func TestReadTUToy(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, tuToy)
	ds, err := ReadTU(dir, "T", TUOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Graphs) != 2 || ds.Graphs[0].NumEdges() != 2 || ds.Graphs[1].NumEdges() != 1 ||
		ds.NumFeatures != 3 || ds.NumClasses != 2 || ds.Y[0] != 0 || ds.Y[1] != 1 || ds.NumEdgeFeatures != 3 {
		t.Fatalf("toy dataset: %+v", ds.Stats())
	}
	// Node 1 has label 3 → one-hot position 3−1 = 2.
	if ds.X[0*3+2] != 1 || ds.X[1*3+0] != 1 {
		t.Errorf("X = %v", ds.X)
	}
	// Edge 2→3 (local 1→2) has label 1: in row 2, neighbour 1.
	off, _, _ := ds.Graphs[0].CSR()
	if ex := ds.EdgeX[0][off[2]*3 : off[2]*3+3]; ex[1] != 1 {
		t.Errorf("edge features of row 2: %v", ex)
	}
}

func TestReadTUErrors(t *testing.T) {
	tests := []struct {
		name   string
		change map[string]string
		file   string
		line   int
		kind   error
	}{
		{"id out of range", map[string]string{"T_A.txt": "1, 2\n2, 9\n"}, "T_A.txt", 2, graphs.ErrNodeID},
		{"id zero", map[string]string{"T_A.txt": "0, 1\n"}, "T_A.txt", 1, graphs.ErrNodeID},
		{"edge across graphs", map[string]string{"T_A.txt": "1, 2\n3, 4\n"}, "T_A.txt", 2, graphs.ErrNodeID},
		{"three columns", map[string]string{"T_A.txt": "1, 2\n2, 1, 5\n"}, "T_A.txt", 2, graphs.ErrShape},
		{"non-numeric", map[string]string{"T_A.txt": "1, 2\n2, x\n"}, "T_A.txt", 2, graphs.ErrFormat},
		{"truncated line", map[string]string{"T_A.txt": "1, 2\n2,"}, "T_A.txt", 2, graphs.ErrFormat},
		{"unsorted indicator", map[string]string{"T_graph_indicator.txt": "1\n2\n1\n2\n2\n"}, "T_graph_indicator.txt", 3, graphs.ErrFormat},
		{"indicator beyond labels", map[string]string{"T_graph_indicator.txt": "1\n1\n1\n2\n3\n"}, "T_graph_indicator.txt", 5, graphs.ErrFormat},
		{"node labels too short", map[string]string{"T_node_labels.txt": "1\n2\n"}, "T_node_labels.txt", -1, graphs.ErrShape},
		{"edge labels too short", map[string]string{"T_edge_labels.txt": "1\n"}, "T_edge_labels.txt", -1, graphs.ErrShape},
		{"huge node label", map[string]string{"T_node_labels.txt": "1\n1\n1\n1\n99999999999\n"}, "T_node_labels.txt", -1, graphs.ErrTooLarge},
		{"overflow", map[string]string{"T_A.txt": "1, 99999999999999999999\n"}, "T_A.txt", 1, graphs.ErrFormat},
		// An empty indicator names itself, not the first edge of T_A.txt.
		{"empty indicator", map[string]string{"T_graph_indicator.txt": ""}, "T_graph_indicator.txt", 0, graphs.ErrShape},
		{"blank indicator", map[string]string{"T_graph_indicator.txt": "\n\n"}, "T_graph_indicator.txt", 0, graphs.ErrShape},
		{"one-hot wider than the files", map[string]string{"T_node_labels.txt": "1\n1\n1\n1\n60000\n"}, "T_node_labels.txt", 0, graphs.ErrTooLarge},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, tuToy)
			writeFiles(t, dir, tc.change)
			ds, err := ReadTU(dir, "T", TUOptions{})
			if ds != nil {
				t.Fatalf("got a dataset with error %v", err)
			}
			wantParseError(t, err, tc.file, tc.line, tc.kind)
		})
	}
	dir := t.TempDir()
	writeFiles(t, dir, tuToy)
	os.Remove(filepath.Join(dir, "T_graph_labels.txt"))
	if _, err := ReadTU(dir, "T", TUOptions{}); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "T_graph_labels.txt") {
		t.Errorf("missing labels: %v", err)
	}
}

func TestReadSNAPErrors(t *testing.T) {
	tests := []struct {
		name, edges, labels string
		file                string
		line                int
		kind                error
	}{
		{"one column", "# c\n0 1\n2\n", "", "e.txt", 3, graphs.ErrShape},
		{"negative id", "0 1\r\n-2 1\r\n", "", "e.txt", 2, graphs.ErrNodeID},
		{"float id", "0 1\n1.5 2\n", "", "e.txt", 2, graphs.ErrFormat},
		{"label twice", "0 1\n", "0 1\n0 2\n1 0\n", "l.txt", 2, graphs.ErrFormat},
		{"unlabelled node", "0 1\n1 2\n", "0 1\n1 0\n", "l.txt", 0, graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, map[string]string{"e.txt": tc.edges, "l.txt": tc.labels})
			lab := ""
			if tc.labels != "" {
				lab = filepath.Join(dir, "l.txt")
			}
			_, err := ReadSNAP(filepath.Join(dir, "e.txt"), lab, false)
			wantParseError(t, err, tc.file, tc.line, tc.kind)
		})
	}
	// CRLF, comments, non-contiguous ids, duplicates and loops.
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"e.txt": "# Nodes: 3\r\n10\t20\r\n20\t10\r\n20 20\r\n% x\r\n10 30\r\n10 30\r\n"})
	ds, err := ReadSNAP(filepath.Join(dir, "e.txt"), "", true)
	if err != nil {
		t.Fatal(err)
	}
	if ds.Graph.NumNodes() != 3 || ds.Graph.NumEdges() != 3 || !ds.Meta.Relabelled || ds.Meta.SelfLoops != 1 || ds.Meta.Duplicates != 1 || ds.IDs[2] != 30 {
		t.Errorf("%v meta %+v ids %v", ds.Graph, ds.Meta, ds.IDs)
	}
}

func TestReadGMLErrors(t *testing.T) {
	tests := []struct {
		name, text string
		line       int
		kind       error
	}{
		{"unknown endpoint", "graph [\n node [ id 1 ]\n edge [ source 1 target 2 ]\n]\n", 3, graphs.ErrNodeID},
		{"duplicate node", "graph [ node [ id 1 ] node [ id 1 ] ]", 0, graphs.ErrFormat},
		{"unbalanced", "graph [\n node [ id 1 ]\n", 3, graphs.ErrFormat},
		{"extra bracket", "graph [ ]\n]\n", 2, graphs.ErrFormat},
		{"string id", "graph [\n node [ id \"a\" ]\n]", 2, graphs.ErrFormat},
		{"no graph", "Creator \"x\"\n", 0, graphs.ErrFormat},
		{"node without id", "graph [\n node [ label \"x\" ]\n]", 2, graphs.ErrFormat},
		{"unterminated string", "graph [\n node [ label \"x ]\n]", 2, graphs.ErrFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readGML(strings.NewReader(tc.text), "k.gml")
			wantParseError(t, err, "k.gml", tc.line, tc.kind)
		})
	}
	ds, err := readGML(strings.NewReader("# c\ngraph [ directed 1 node [ id 5 label \"a b\" graphics [ x 1.5 ] ] node [ id 7 ] edge [ source 7 target 5 value 2.5 ] ]"), "k.gml")
	if err != nil {
		t.Fatal(err)
	}
	if !ds.Graph.Directed() || !ds.Graph.HasEdge(1, 0) || ds.Graph.NumEdges() != 1 {
		t.Errorf("%v", ds.Graph)
	}
}

func TestReadLINQSErrors(t *testing.T) {
	good := map[string]string{"c.content": "p1\t1\t0\tA\np2\t0\t1\tB\n", "c.cites": "p1\tp2\n"}
	tests := []struct {
		name   string
		change map[string]string
		file   string
		line   int
		kind   error
	}{
		{"ragged", map[string]string{"c.content": "p1\t1\t0\tA\np2\t0\tB\n"}, "c.content", 2, graphs.ErrShape},
		{"duplicate id", map[string]string{"c.content": "p1\t1\t0\tA\np1\t0\t1\tB\n"}, "c.content", 2, graphs.ErrFormat},
		{"non-numeric feature", map[string]string{"c.content": "p1\t1\t0\tA\np2\tx\t1\tB\n"}, "c.content", 2, graphs.ErrFormat},
		{"cites columns", map[string]string{"c.cites": "p1\tp2\np1\n"}, "c.cites", 2, graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writeFiles(t, dir, good)
			writeFiles(t, dir, tc.change)
			_, err := ReadLINQS(dir, "c")
			wantParseError(t, err, tc.file, tc.line, tc.kind)
		})
	}
}

func TestReadPlanetoidErrors(t *testing.T) {
	src := filepath.Join(sharedDir(t), "planetoid", "raw")
	copyCora := func(t *testing.T) string {
		dir := t.TempDir()
		for _, p := range planetoidParts {
			b, err := os.ReadFile(filepath.Join(src, "ind.cora."+p))
			if err != nil {
				t.Skip(err)
			}
			os.WriteFile(filepath.Join(dir, "ind.cora."+p), b, 0o644)
		}
		return dir
	}
	tests := []struct {
		name   string
		mutate func(dir string)
		file   string
		line   int
		kind   error
	}{
		{"truncated pickle", func(dir string) {
			p := filepath.Join(dir, "ind.cora.allx")
			b, _ := os.ReadFile(p)
			os.WriteFile(p, b[:len(b)/2], 0o644)
		}, "ind.cora.allx", 0, graphs.ErrFormat},
		{"foreign class", func(dir string) {
			os.WriteFile(filepath.Join(dir, "ind.cora.y"), []byte("\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00ls\x85R."), 0o644)
		}, "ind.cora.y", 0, graphs.ErrFormat},
		{"swapped files", func(dir string) {
			b, _ := os.ReadFile(filepath.Join(dir, "ind.cora.y"))
			os.WriteFile(filepath.Join(dir, "ind.cora.x"), b, 0o644)
		}, "ind.cora.x", 0, graphs.ErrShape},
		{"test index text", func(dir string) {
			os.WriteFile(filepath.Join(dir, "ind.cora.test.index"), []byte("2000\nabc\n"), 0o644)
		}, "ind.cora.test.index", 2, graphs.ErrFormat},
		{"test index short", func(dir string) {
			os.WriteFile(filepath.Join(dir, "ind.cora.test.index"), []byte("2000\n2001\n"), 0o644)
		}, "ind.cora.test.index", -1, graphs.ErrShape},
		{"test index inside allx", func(dir string) {
			os.WriteFile(filepath.Join(dir, "ind.cora.test.index"), []byte("5\n"), 0o644)
		}, "ind.cora.test.index", 1, graphs.ErrNodeID},
		{"test index far beyond the rows", func(dir string) {
			var b strings.Builder
			for k := range 999 {
				fmt.Fprintf(&b, "%d\n", 1708+k)
			}
			b.WriteString("1000000\n") // 997,292 padded nodes
			os.WriteFile(filepath.Join(dir, "ind.cora.test.index"), []byte(b.String()), 0o644)
		}, "ind.cora.test.index", 0, graphs.ErrNodeID},
		{"labels of other width", func(dir string) {
			b, _ := os.ReadFile(filepath.Join(src, "ind.citeseer.ty"))
			os.WriteFile(filepath.Join(dir, "ind.cora.ty"), b, 0o644)
		}, "ind.cora.ty", 0, graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := copyCora(t)
			tc.mutate(dir)
			ds, err := ReadPlanetoid(dir, "cora")
			if ds != nil {
				t.Fatal("dataset returned with an error")
			}
			wantParseError(t, err, tc.file, tc.line, tc.kind)
		})
	}
	dir := copyCora(t)
	os.Remove(filepath.Join(dir, "ind.cora.graph"))
	if _, err := ReadPlanetoid(dir, "cora"); !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "ind.cora.graph") {
		t.Errorf("missing graph: %v", err)
	}
}

func TestReadNPZErrors(t *testing.T) {
	p := filepath.Join(sharedDir(t), "gnn-benchmark-npz", "cora.npz")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Skip(err)
	}
	for _, cut := range []int{0, 100, len(b) / 2, len(b) - 10} {
		dir := t.TempDir()
		q := filepath.Join(dir, "cora.npz")
		os.WriteFile(q, b[:cut], 0o644)
		ds, err := ReadNPZ(q)
		if ds != nil || err == nil {
			t.Fatalf("truncated at %d: no error", cut)
		}
		wantParseError(t, err, "cora.npz", 0, graphs.ErrFormat)
	}
}
