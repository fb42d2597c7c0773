package datasets

import (
	"errors"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io"
	"io/fs"
	"math"
	"os"

	"github.com/gnnwb/gnnwb/graphs"
)

// Node label and feature files for a graph of one's own (gnnwb train
// --graph FILE --labels FILE [--features FILE]). Both are text files of
// whitespace-separated fields, one node per line, "\n" or "\r\n" endings;
// blank lines and lines whose first non-blank character is '#' or '%' are
// skipped. Node ids are the graph's: integers in [0, n).

// ReadNodeLabels reads a node label file of lines "node label" for a graph
// of n nodes and returns y with y[i] the label of node i, or −1 when node i
// has no line (an unlabelled node: datasets.PerClassSplit leaves it out of
// every part). Labels are class ids, integers in [0, n) (there are at most
// n classes), used as given: not renumbered, so a label value missing from
// the file is an empty class.
//
// Errors are *graphs.ParseError naming path and line: a line without exactly two
// integer fields (graphs.ErrShape or ErrFormat), a node id outside [0, n)
// (graphs.ErrNodeID), a label outside [0, n) (ErrFormat), a node listed
// twice (ErrFormat), no labelled node at all (ErrFormat, line 0); a missing
// file wraps ErrMissing. n must be in [0, graphs.MaxNodes]. Cost O(n + size
// of the file) time, O(n) memory.
func ReadNodeLabels(path string, n int) ([]int32, error) {
	f, err := openUserFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseNodeLabels(f, path, n)
}

// ReadNodeLabelsIDs is ReadNodeLabels for a graph read with its own node
// ids (graphio.Read): the node field of each line is one of ids, and node
// i is the one with id ids[i]. With ids nil it is ReadNodeLabels(path, n);
// otherwise n must be len(ids). An id not in ids is graphs.ErrNodeID.
func ReadNodeLabelsIDs(path string, n int, ids []string) ([]int32, error) {
	ix, err := newNodeIndex(path, n, ids)
	if err != nil {
		return nil, err
	}
	f, err := openUserFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseNodeLabelsIndex(f, path, ix)
}

func parseNodeLabels(r io.Reader, path string, n int) ([]int32, error) {
	return parseNodeLabelsIndex(r, path, nodeIndex{n: n})
}

func parseNodeLabelsIndex(r io.Reader, path string, ix nodeIndex) ([]int32, error) {
	n := ix.n
	if n < 0 || n > graphs.MaxNodes {
		return nil, perr(path, 0, graphs.ErrParameter, "n=%d not in [0, %d]", n, graphs.MaxNodes)
	}
	y := make([]int32, n)
	for i := range y {
		y[i] = -1
	}
	labelled, err := idValueLines(r, path, ix, "node label", func(node int, value []byte, line int) error {
		c, err := atoi(value)
		if err != nil {
			return &graphs.ParseError{Path: path, Line: line, Err: err}
		}
		if c < 0 || c >= int64(n) {
			return perr(path, line, graphs.ErrFormat, "label %d of node %d not in [0,%d) (labels are class ids, at most n classes)", c, node, n)
		}
		if y[node] >= 0 {
			return perr(path, line, graphs.ErrFormat, "node %d labelled twice", node)
		}
		y[node] = int32(c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	if labelled == 0 {
		return nil, perr(path, 0, graphs.ErrFormat, "no labelled node")
	}
	return y, nil
}

// idValueLines reads the lines "id value" of r (comments and blank lines
// skipped), checks that each has two fields and an id in [0, n), and calls
// set with the id, the value's text and the line number. It returns the
// number of lines read and the first error (a *graphs.ParseError).
func idValueLines(r io.Reader, path string, ix nodeIndex, want string, set func(id int, value []byte, line int) error) (int, error) {
	lr := newLineReader(r, path)
	var flds [][]byte
	count := 0
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if skipLine(line) {
			continue
		}
		flds = fields(flds, line, false)
		if len(flds) != 2 {
			return count, perr(path, lr.line, graphs.ErrShape, "%d fields, want 2 (%s)", len(flds), want)
		}
		id, err := ix.id(flds[0])
		if err != nil {
			return count, &graphs.ParseError{Path: path, Line: lr.line, Err: err}
		}
		if err := set(int(id), flds[1], lr.line); err != nil {
			return count, err
		}
		count++
	}
	return count, lr.Err()
}

// ReadTargets reads a file of regression targets, lines "id value", for n
// samples: the nodes of a graph (id a node id) or the graphs of a graph
// dataset (id the graph's index), in the format of ReadNodeLabels with a
// real value (strconv.ParseFloat syntax, finite) for the label. It returns
// t with t[i] the value of sample i, or NaN when i has no line (a sample
// with no target, which must stay out of every split).
//
// Errors are *graphs.ParseError naming path and line: a line without
// exactly two fields (graphs.ErrShape), an id outside [0, n)
// (graphs.ErrNodeID) or not an integer, a malformed or non-finite value, an
// id listed twice, no line at all (ErrFormat, line 0); a missing file
// wraps ErrMissing. Cost O(n + size of the file).
func ReadTargets(path string, n int) ([]float64, error) {
	f, err := openUserFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseTargets(f, path, n)
}

// ReadTargetsIDs is ReadTargets for the nodes of a graph read with its
// own node ids, as ReadNodeLabelsIDs.
func ReadTargetsIDs(path string, n int, ids []string) ([]float64, error) {
	ix, err := newNodeIndex(path, n, ids)
	if err != nil {
		return nil, err
	}
	f, err := openUserFile(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseTargetsIndex(f, path, ix)
}

func parseTargets(r io.Reader, path string, n int) ([]float64, error) {
	return parseTargetsIndex(r, path, nodeIndex{n: n})
}

func parseTargetsIndex(r io.Reader, path string, ix nodeIndex) ([]float64, error) {
	n := ix.n
	if n < 0 || n > graphs.MaxNodes {
		return nil, perr(path, 0, graphs.ErrParameter, "n=%d not in [0, %d]", n, graphs.MaxNodes)
	}
	t := make([]float64, n)
	for i := range t {
		t[i] = math.NaN()
	}
	count, err := idValueLines(r, path, ix, "id value", func(id int, value []byte, line int) error {
		v, err := atof(value)
		if err != nil {
			return perr(path, line, graphs.ErrFormat, "value of %d: %v", id, err)
		}
		if !math.IsNaN(t[id]) {
			return perr(path, line, graphs.ErrFormat, "id %d listed twice", id)
		}
		t[id] = v
		return nil
	})
	if err != nil {
		return nil, err
	}
	if count == 0 {
		return nil, perr(path, 0, graphs.ErrFormat, "no target")
	}
	return t, nil
}

// ReadNodeFeatures reads a node feature file of lines "node f1 f2 … fd"
// for a graph of n nodes: every node exactly once (in any order), every
// line with the same number d ≥ 1 of finite numbers (strconv.ParseFloat
// syntax). It returns X, n×d row-major (X[i*d+k] = feature k of node i),
// and d.
//
// Errors are *graphs.ParseError naming path and line: a line with another number
// of fields than the first (graphs.ErrShape), a malformed or non-finite
// number (ErrFormat), a node id outside [0, n) (graphs.ErrNodeID), a node
// listed twice (ErrFormat), n×d beyond the dense limit of the loaders
// (graphs.ErrTooLarge), and a node without a line (graphs.ErrShape, line
// 0, naming the node); a missing file wraps ErrMissing. Cost O(n·d + size
// of the file).
func ReadNodeFeatures(path string, n int) ([]float64, int, error) {
	f, err := openUserFile(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return parseNodeFeatures(f, path, n, int64(fileSize(f)))
}

// ReadNodeFeaturesIDs is ReadNodeFeatures for a graph read with its own
// node ids, as ReadNodeLabelsIDs.
func ReadNodeFeaturesIDs(path string, n int, ids []string) ([]float64, int, error) {
	ix, err := newNodeIndex(path, n, ids)
	if err != nil {
		return nil, 0, err
	}
	f, err := openUserFile(path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	return parseNodeFeaturesIndex(f, path, ix, int64(fileSize(f)))
}

// parseNodeFeatures reads the features of n nodes from r, which holds size
// bytes (0: unknown).
func parseNodeFeatures(r io.Reader, path string, n int, size int64) ([]float64, int, error) {
	return parseNodeFeaturesIndex(r, path, nodeIndex{n: n}, size)
}

func parseNodeFeaturesIndex(r io.Reader, path string, ix nodeIndex, size int64) ([]float64, int, error) {
	n := ix.n
	if n < 0 || n > graphs.MaxNodes {
		return nil, 0, perr(path, 0, graphs.ErrParameter, "n=%d not in [0, %d]", n, graphs.MaxNodes)
	}
	var X []float64
	var seen []bool
	d := 0
	lr := newLineReader(r, path)
	var flds [][]byte
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if skipLine(line) {
			continue
		}
		flds = fields(flds, line, false)
		if d == 0 {
			if len(flds) < 2 {
				return nil, 0, perr(path, lr.line, graphs.ErrShape, "%d fields, want node f1 ... fd with d >= 1", len(flds))
			}
			d = len(flds) - 1
			if int64(n)*int64(d) > maxDense {
				return nil, 0, perr(path, lr.line, graphs.ErrTooLarge, "%d nodes × %d features exceed %d elements", n, d, maxDense)
			}
			// Every node needs a line of d+1 fields, each a character and
			// a separator at least: refuse before allocating more than
			// allowanceFixed for n×d features the file cannot hold.
			if need := int64(n) * 2 * int64(d+1); size > 0 && need > size+1 && 8*int64(n)*int64(d) > allowanceFixed {
				return nil, 0, perr(path, lr.line, graphs.ErrShape, "%d nodes × %d features need %d bytes at least, the file has %d", n, d, need-1, size)
			}
			X = make([]float64, n*d)
			seen = make([]bool, n)
		}
		if len(flds) != d+1 {
			return nil, 0, perr(path, lr.line, graphs.ErrShape, "%d features, want %d as on the first line", len(flds)-1, d)
		}
		node, err := ix.id(flds[0])
		if err != nil {
			return nil, 0, &graphs.ParseError{Path: path, Line: lr.line, Err: err}
		}
		if seen[node] {
			return nil, 0, perr(path, lr.line, graphs.ErrFormat, "node %d listed twice", node)
		}
		seen[node] = true
		row := X[int(node)*d : int(node+1)*d]
		for k, f := range flds[1:] {
			v, err := atof(f)
			if err != nil {
				return nil, 0, perr(path, lr.line, graphs.ErrFormat, "feature %d: %v", k+1, err)
			}
			row[k] = v
		}
	}
	if err := lr.Err(); err != nil {
		return nil, 0, err
	}
	if d == 0 && n > 0 {
		return nil, 0, perr(path, 0, graphs.ErrShape, "no feature line for %d nodes", n)
	}
	for i, ok := range seen {
		if !ok {
			return nil, 0, perr(path, 0, graphs.ErrShape, "node %d has no feature line", i)
		}
	}
	return X, d, nil
}

// DegreeFeatures returns the features used for a graph that comes without
// any: two per node, x_i = (1, log(1+d_i) / log(1+d_max)), with d_i the
// degree of node i (entries of its row: the in-degree of a directed graph)
// and d_max the largest degree (the second feature is 0 when there are no
// edges). The constant lets a GNN count (sum) or average neighbours; the
// log-degree, scaled to [0, 1], separates hubs from leaves without letting
// a heavy-tailed degree dominate. Returns n×2 row-major; cost O(n).
func DegreeFeatures(g graphs.Graph) []float64 {
	n := g.NumNodes()
	X := make([]float64, 2*n)
	dmax := 0
	for i := range n {
		dmax = max(dmax, g.Degree(i))
	}
	scale := 0.0
	if dmax > 0 {
		scale = 1 / math.Log1p(float64(dmax))
	}
	for i := range n {
		X[2*i], X[2*i+1] = 1, math.Log1p(float64(g.Degree(i)))*scale
	}
	return X
}

// OneHotDegree returns one-hot node degrees, the features Xu et al. (2019)
// give social graphs that come without any (IMDB-BINARY, IMDB-MULTI) and
// PyTorch Geometric's OneHotDegree transform: the nodes of gs in order,
// graph after graph, node i of degree k (entries of its row: the in-degree
// of a directed graph) a row with a 1 in column k, of d = maxDegree+1
// columns. maxDegree 0 takes the largest degree in gs. Errors wrap
// graphs.ErrParameter when maxDegree is negative or a degree exceeds it,
// graphs.ErrTooLarge when the matrix would exceed 2³¹ elements. Cost
// O(n·d).
func OneHotDegree(gs []graphs.Graph, maxDegree int) (X []float64, d int, err error) {
	if maxDegree < 0 {
		return nil, 0, fmt.Errorf("datasets: OneHotDegree: maxDegree=%d: %w", maxDegree, graphs.ErrParameter)
	}
	n, top := 0, 0
	for _, g := range gs {
		n += g.NumNodes()
		for i := range g.NumNodes() {
			top = max(top, g.Degree(i))
		}
	}
	if maxDegree == 0 {
		maxDegree = top
	}
	if top > maxDegree {
		return nil, 0, fmt.Errorf("datasets: OneHotDegree: a node has degree %d > maxDegree=%d: %w", top, maxDegree, graphs.ErrParameter)
	}
	d = maxDegree + 1
	if int64(n)*int64(d) > maxDense {
		return nil, 0, fmt.Errorf("datasets: OneHotDegree: %d nodes × %d degrees exceed %d elements: %w", n, d, maxDense, graphs.ErrTooLarge)
	}
	X = make([]float64, n*d)
	row := 0
	for _, g := range gs {
		for i := range g.NumNodes() {
			X[row*d+g.Degree(i)] = 1
			row++
		}
	}
	return X, d, nil
}

// ScalarDegree returns one feature per node, its degree (entries of its
// row), for the nodes of gs in order, graph after graph: the node feature
// Errica et al. (2020) give the social datasets (use_node_degree in their
// code). Cost O(n).
func ScalarDegree(gs []graphs.Graph) []float64 {
	n := 0
	for _, g := range gs {
		n += g.NumNodes()
	}
	X := make([]float64, 0, n)
	for _, g := range gs {
		for i := range g.NumNodes() {
			X = append(X, float64(g.Degree(i)))
		}
	}
	return X
}

// openUserFile opens a file the user named; a missing one gives an error
// wrapping ErrMissing and fs.ErrNotExist.
func openUserFile(path string) (*os.File, error) {
	f, err := inputfile.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("datasets: %s does not exist: %w (%w)", path, ErrMissing, fs.ErrNotExist)
	}
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	return f, nil
}

// skipLine reports a blank or comment line.
func skipLine(line []byte) bool {
	t := trimSpace(line)
	return len(t) == 0 || t[0] == '#' || t[0] == '%'
}

// nodeIndex resolves the node field of a line: an integer in [0, n), or,
// when ids is set, one of a graph file's own ids.
type nodeIndex struct {
	n   int
	ids map[string]int32
}

// newNodeIndex indexes ids (nil: the integers 0..n−1).
func newNodeIndex(path string, n int, ids []string) (nodeIndex, error) {
	if ids == nil {
		return nodeIndex{n: n}, nil
	}
	if len(ids) != n {
		return nodeIndex{}, perr(path, 0, graphs.ErrShape, "%d ids for %d nodes", len(ids), n)
	}
	m := make(map[string]int32, n)
	for i, id := range ids {
		m[id] = int32(i)
	}
	return nodeIndex{n: n, ids: m}, nil
}

// id returns the node of field b.
func (x nodeIndex) id(b []byte) (int32, error) {
	if x.ids == nil {
		return nodeID(b, x.n)
	}
	i, ok := x.ids[string(b)]
	if !ok {
		return 0, fmt.Errorf("node %q is not in the graph: %w", b, graphs.ErrNodeID)
	}
	return i, nil
}

// nodeID parses a node id in [0, n).
func nodeID(b []byte, n int) (int32, error) {
	v, err := atoi(b)
	if err != nil {
		return 0, err
	}
	if v < 0 || v >= int64(n) {
		return 0, fmt.Errorf("node id %d not in [0,%d): %w", v, n, graphs.ErrNodeID)
	}
	return int32(v), nil
}
