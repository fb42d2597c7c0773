package datasets

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io/fs"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// planetoidParts are the eight files of a Planetoid dataset, ind.<name>.<part>.
var planetoidParts = []string{"x", "tx", "allx", "y", "ty", "ally", "graph", "test.index"}

// readAll reads path; a missing file gives an error wrapping ErrMissing that
// says where the file belongs.
func readAll(path string) ([]byte, error) {
	b, err := inputfile.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, missing(path)
	}
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	return b, nil
}

func missing(path string) error {
	return fmt.Errorf("datasets: %s does not exist: put the file there (see PROVENANCE / Info(name).Files for its source) or run Fetch: %w", path, ErrMissing)
}

// ReadPlanetoid reads the Planetoid dataset name ("cora", "citeseer" or
// "pubmed"; any name whose eight files ind.<name>.{x,tx,allx,y,ty,ally,
// graph,test.index} are in dir) and builds it as PyTorch Geometric's
// Planetoid(split="public") does (torch_geometric/io/planetoid.py):
//
//   - n = max(rows(allx) + rows(tx), max(test.index) + 1); node i < rows(allx)
//     takes row i of allx/ally, node test.index[k] takes row k of tx/ty, and
//     any other node (CiteSeer's 15 isolated test nodes) gets zero features
//     and label 0 (counted in Meta.PaddedNodes);
//   - Y is the first arg-max of each one-hot label row;
//   - Train = 0..rows(y)−1, Val = rows(y)..rows(y)+499, Test = test.index
//     sorted;
//   - the graph is the union of the adjacency lists, self loops dropped,
//     duplicates merged and made symmetric (each step counted in Meta).
//
// The features are kept sparse (SparseX, float64; the files hold float32
// scipy CSR matrices; duplicate entries summed as scipy's todense does).
// The files are read, never kept. Errors: a missing file wraps
// ErrMissing; malformed content is a *graphs.ParseError naming the file (and
// line, for test.index). Cost
// O(n + nnz + m log d_max) time and memory, nnz the stored features.
func ReadPlanetoid(dir, name string) (*NodeDataset, error) {
	name = strings.ToLower(name)
	path := func(part string) string { return filepath.Join(dir, "ind."+name+"."+part) }
	// Read the eight files and decode the seven pickles concurrently
	// (fixed one-file chunks; the reported error is that of the first file
	// in planetoidParts order).
	objs := make([]any, len(planetoidParts))
	err := parallel.ForErr(len(planetoidParts), func(c int) error {
		part := planetoidParts[c]
		b, err := readAll(path(part))
		if err != nil {
			return err
		}
		switch part {
		case "test.index":
			objs[c] = b
		case "graph":
			objs[c], err = decodeAdjacency(path(part), b)
		default:
			objs[c], err = decodePickle(path(part), b)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	obj := make(map[string]any, 7)
	for c, p := range planetoidParts[:7] {
		obj[p] = objs[c]
	}
	bad := func(part, format string, args ...any) error {
		return &graphs.ParseError{Path: path(part), Err: fmt.Errorf(format+": %w", append(args, graphs.ErrShape)...)}
	}
	mats := make(map[string]*csrMatrix, 3)
	for _, p := range []string{"x", "tx", "allx"} {
		m, ok := obj[p].(*csrMatrix)
		if !ok {
			return nil, bad(p, "holds %T, want a scipy csr_matrix", obj[p])
		}
		mats[p] = m
	}
	labs := make(map[string]*ndarray, 3)
	for _, p := range []string{"y", "ty", "ally"} {
		a, ok := obj[p].(*ndarray)
		if !ok || len(a.shape) != 2 || a.dt.kind == 'f' {
			return nil, bad(p, "holds %T, want a 2-d integer numpy array", obj[p])
		}
		labs[p] = a
	}
	adj := obj["graph"].(*adjacency)
	d := mats["allx"].cols
	C := labs["ally"].shape[1]
	for _, p := range []string{"x", "tx"} {
		if mats[p].cols != d {
			return nil, bad(p, "has %d columns, allx has %d", mats[p].cols, d)
		}
	}
	for _, p := range []string{"y", "ty"} {
		if labs[p].shape[1] != C {
			return nil, bad(p, "has %d classes, ally has %d", labs[p].shape[1], C)
		}
	}
	nAll, nTest, nTrain := mats["allx"].rows, mats["tx"].rows, labs["y"].shape[0]
	switch {
	case labs["ally"].shape[0] != nAll:
		return nil, bad("ally", "has %d rows, allx has %d", labs["ally"].shape[0], nAll)
	case labs["ty"].shape[0] != nTest:
		return nil, bad("ty", "has %d rows, tx has %d", labs["ty"].shape[0], nTest)
	case mats["x"].rows != nTrain:
		return nil, bad("x", "has %d rows, y has %d", mats["x"].rows, nTrain)
	case nTrain > nAll:
		return nil, bad("y", "has %d rows, more than allx's %d", nTrain, nAll)
	}

	// test.index: one integer per line.
	tiFile := path("test.index")
	test := make([]int32, 0, nTest)
	lr := newLineReader(bytes.NewReader(objs[slices.Index(planetoidParts, "test.index")].([]byte)), tiFile)
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if isBlank(line) {
			continue
		}
		v, err := atoi(trimSpace(line))
		if err != nil {
			return nil, &graphs.ParseError{Path: tiFile, Line: lr.line, Err: err}
		}
		if v < int64(nAll) || v >= graphs.MaxNodes {
			return nil, perr(tiFile, lr.line, graphs.ErrNodeID, "test id %d not in [%d, %d) (ids below rows(allx) belong to allx)", v, nAll, int64(graphs.MaxNodes))
		}
		test = append(test, int32(v))
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	if len(test) != nTest {
		return nil, perr(tiFile, lr.line, graphs.ErrShape, "%d test ids but tx has %d rows", len(test), nTest)
	}
	n := nAll + nTest
	for _, t := range test {
		n = max(n, int(t)+1)
	}
	if n > 2*(nAll+nTest)+1024 {
		// The nodes beyond the files' rows get zero features: refuse
		// more of them than the files hold rows (CiteSeer pads 15).
		return nil, perr(tiFile, 0, graphs.ErrNodeID, "test ids reach %d, far beyond rows(allx)+rows(tx)=%d", n-1, nAll+nTest)
	}
	if nTrain+500 > n {
		return nil, bad("y", "%d training nodes + 500 validation nodes exceed n=%d", nTrain, n)
	}
	seen := make([]bool, n)
	for _, t := range test {
		if seen[t] {
			return nil, perr(tiFile, 0, graphs.ErrFormat, "test id %d listed twice", t)
		}
		seen[t] = true
	}

	ds := &NodeDataset{Name: name, NumFeatures: d, NumClasses: C}
	ds.Meta.Format = "planetoid"
	for _, p := range planetoidParts {
		ds.Meta.Files = append(ds.Meta.Files, path(p))
	}
	ds.Meta.PaddedNodes = n - nAll - nTest
	ds.Train = make([]int32, nTrain)
	for i := range ds.Train {
		ds.Train[i] = int32(i)
	}
	ds.Val = make([]int32, 500)
	for i := range ds.Val {
		ds.Val[i] = int32(nTrain + i)
	}
	ds.Test = slices.Clone(test)
	slices.Sort(ds.Test)

	// The features and labels, and the graph, are built concurrently
	// (they write different fields of ds).
	if err := parallel.ForErr(2, func(c int) error {
		if c == 0 {
			// Features in node order: node i < nAll is row i of allx,
			// node test[k] row k of tx, padded nodes have none.
			testRow := make([]int32, n-nAll)
			for i := range testRow {
				testRow[i] = -1
			}
			for k, t := range test {
				testRow[int(t)-nAll] = int32(k)
			}
			allx, tx := mats["allx"], mats["tx"]
			fb := newSparseBuilder(n, d, allx.indices.len()+tx.indices.len())
			allx.appendEntries(fb, 0, allx.indices.len()) // nodes 0..nAll−1 in order
			fb.endRows(allx.ptr)
			ds.Y = make([]int32, n)
			for node := range n {
				lab, r := labs["ally"], node
				if node >= nAll {
					lab, r = labs["ty"], int(testRow[node-nAll])
					if r >= 0 {
						tx.appendEntries(fb, tx.ptr[r], tx.ptr[r+1])
					}
					fb.endRow()
				}
				if r >= 0 {
					best := int64(0)
					for c := range C {
						if v := lab.int(r*C + c); v > best {
							best = v
							ds.Y[node] = int32(c)
						}
					}
				}
			}
			var err error
			if ds.SparseX, err = fb.done(); err != nil {
				return &graphs.ParseError{Path: path("allx"), Err: err}
			}
			return nil
		}
		// Edges from the adjacency lists.
		gFile := path("graph")
		for i, u := range adj.Keys {
			if u < 0 || u >= int64(n) {
				return perr(gFile, 0, graphs.ErrNodeID, "key %d of item %d is not a node id in [0,%d)", u, i, n)
			}
		}
		src := make([]int32, len(adj.Src))
		dst := make([]int32, len(adj.Dst))
		for k, v := range adj.Dst {
			if v < 0 || v >= int64(n) {
				return perr(gFile, 0, graphs.ErrNodeID, "neighbour %d of node %d is not a node id in [0,%d)", v, adj.Src[k], n)
			}
			src[k], dst[k] = int32(adj.Src[k]), int32(v)
		}
		ds.Meta.LinesRead = len(src)
		var err error
		ds.Graph, _, err = buildGraph(n, src, dst, false, &ds.Meta, false)
		if err != nil {
			return &graphs.ParseError{Path: gFile, Err: err}
		}
		return nil
	}); err != nil {
		return nil, err
	}
	return ds, nil
}
