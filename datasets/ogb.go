package datasets

import (
	"compress/gzip"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// ogbReserve bounds what readGzTable reserves from a row count that
// another file states: at most ogbReserve bytes per byte of the gzipped
// file, so a count that the file does not back costs no more than that
// (the rows actually read may then grow the table).
const ogbReserve = 64

// readGzTable streams a gzipped CSV without header (OGB raw layout) into a
// table, reserving hint rows up front (at most ogbReserve bytes per byte
// of the file) so that memory stays near the size of the result. optional
// files that do not exist give (nil, nil).
func readGzTable[T int64 | float64](path string, cols, hint int, optional bool) (*table[T], error) {
	f, err := openText(path)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	vals := (ogbReserve*int64(fileSize(f)) + allowanceFixed) / 8
	hint = int(min(int64(hint), vals/int64(max(cols, 1))))
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: fmt.Errorf("gzip: %w: %w", err, graphs.ErrFormat)}
	}
	defer z.Close()
	t, err := readTable[T](z, path, true, cols, false, hint)
	if err != nil {
		var pe *graphs.ParseError
		if !errors.As(err, &pe) {
			err = &graphs.ParseError{Path: path, Err: err}
		}
		return nil, err
	}
	t.size = fileSize(f) // the gzipped file's size: what the input weighs
	return t, nil
}

// ogbSplit reads split/<scheme>/{train,valid,test}.csv.gz under dir; an
// empty scheme picks the only folder in split/. Indices must be in [0, n).
func ogbSplit(dir, scheme string, n int) (train, val, test []int32, err error) {
	if scheme == "" {
		ents, err := os.ReadDir(filepath.Join(dir, "split"))
		if err != nil {
			return nil, nil, nil, fmt.Errorf("datasets: %s: %w (%w)", filepath.Join(dir, "split"), ErrMissing, err)
		}
		var names []string
		for _, e := range ents {
			if e.IsDir() {
				names = append(names, e.Name())
			}
		}
		if len(names) != 1 {
			return nil, nil, nil, fmt.Errorf("datasets: %s holds split schemes %v: name one: %w", filepath.Join(dir, "split"), names, graphs.ErrParameter)
		}
		scheme = names[0]
	}
	var out [3][]int32
	for i, part := range []string{"train", "valid", "test"} {
		p := filepath.Join(dir, "split", scheme, part+".csv.gz")
		t, err := readGzTable[int64](p, 1, 0, false)
		if err != nil {
			return nil, nil, nil, err
		}
		out[i] = make([]int32, len(t.vals))
		for k, v := range t.vals {
			if v < 0 || v >= int64(n) {
				return nil, nil, nil, perr(p, t.line(k), graphs.ErrNodeID, "index %d not in [0,%d)", v, n)
			}
			out[i][k] = int32(v)
		}
	}
	return out[0], out[1], out[2], nil
}

// ReadOGBNode reads a node-property dataset in OGB's raw CSV layout from dir
// (the folder that holds raw/ and split/, e.g. <cache>/ogb/ogbn_arxiv):
// raw/edge.csv.gz ("u,v" per line, 0-based), raw/node-feat.csv.gz (n rows
// of d numbers), raw/node-label.csv.gz (n integers), optional
// raw/num-node-list.csv.gz (n), and split/<scheme>/{train,valid,test}.csv.gz
// (scheme "" picks the only one). With directed false (OGB's
// add_inverse_edge, as for ogbn-products) the reverse of every edge is
// added; ogbn-arxiv is directed. Self loops are dropped and duplicates
// merged (counted in Meta). Files are streamed (gzip, line by line) into
// arrays reserved from the row counts, so peak memory is a small multiple
// of the result. Errors are *graphs.ParseError with file and line.
func ReadOGBNode(dir, scheme string, directed bool) (*NodeDataset, error) {
	raw := func(name string) string { return filepath.Join(dir, "raw", name+".csv.gz") }
	n := -1
	if nt, err := readGzTable[int64](raw("num-node-list"), 1, 1, true); err != nil {
		return nil, err
	} else if nt != nil {
		if len(nt.vals) != 1 || nt.vals[0] < 0 || nt.vals[0] > graphs.MaxNodes {
			return nil, perr(raw("num-node-list"), 1, graphs.ErrShape, "want one node count in [0,%d], got %v", graphs.MaxNodes, nt.vals)
		}
		n = int(nt.vals[0])
	}
	lab, err := readGzTable[int64](raw("node-label"), 1, max(n, 0), false)
	if err != nil {
		return nil, err
	}
	if n < 0 {
		n = lab.rows()
	}
	if lab.rows() != n {
		return nil, perr(raw("node-label"), 0, graphs.ErrShape, "%d labels for %d nodes", lab.rows(), n)
	}
	feat, err := readGzTable[float64](raw("node-feat"), 0, 0, true)
	if err != nil {
		return nil, err
	}
	ds := &NodeDataset{Name: filepath.Base(dir)}
	ds.Meta.Format = "ogb-node"
	ds.Meta.Files = []string{raw("edge"), raw("node-label")}
	if feat != nil {
		ds.Meta.Files = append(ds.Meta.Files, raw("node-feat"))
		if feat.rows() != n {
			return nil, perr(raw("node-feat"), 0, graphs.ErrShape, "%d feature rows for %d nodes", feat.rows(), n)
		}
		ds.X, ds.NumFeatures = feat.vals, feat.cols
	}
	ds.Y = make([]int32, n)
	for i, v := range lab.vals {
		if v < 0 || v >= maxOneHot {
			return nil, perr(raw("node-label"), lab.line(i), graphs.ErrFormat, "label %d not in [0,%d)", v, maxOneHot)
		}
		ds.Y[i] = int32(v)
		ds.NumClasses = max(ds.NumClasses, int(v)+1)
	}
	et, err := readGzTable[int64](raw("edge"), 2, 0, false)
	if err != nil {
		return nil, err
	}
	m := et.rows()
	src, dst := make([]int32, m), make([]int32, m)
	for k := 0; k < m; k++ {
		u, v := et.vals[2*k], et.vals[2*k+1]
		if u < 0 || u >= int64(n) || v < 0 || v >= int64(n) {
			return nil, perr(raw("edge"), et.line(k), graphs.ErrNodeID, "edge (%d, %d): ids must be in [0,%d)", u, v, n)
		}
		src[k], dst[k] = int32(u), int32(v)
	}
	et = nil
	ds.Meta.LinesRead = m
	if ds.Graph, _, err = buildGraph(n, src, dst, directed, &ds.Meta, false); err != nil {
		return nil, &graphs.ParseError{Path: raw("edge"), Err: err}
	}
	if ds.Train, ds.Val, ds.Test, err = ogbSplit(dir, scheme, n); err != nil {
		return nil, err
	}
	for _, s := range [][]int32{ds.Train, ds.Val, ds.Test} {
		slices.Sort(s)
	}
	return ds, nil
}

// ReadOGBGraph reads a graph-property dataset in OGB's raw CSV layout from
// dir (the folder that holds raw/ and split/, e.g. <cache>/ogb/ogbg_molbace):
// raw/num-node-list.csv.gz and raw/num-edge-list.csv.gz (one count per
// graph), raw/edge.csv.gz (edges of graph 0, then graph 1, ..., with ids
// local to each graph, one direction per undirected edge),
// raw/node-feat.csv.gz and optional raw/edge-feat.csv.gz (one row per node
// / edge, in the same order), raw/graph-label.csv.gz (one integer class per
// graph: single-task classification; NaN labels and several tasks are
// refused), split/<scheme>/{train,valid,test}.csv.gz. Graphs are
// undirected (OGB's add_inverse_edge): each stored CSR entry gets the
// features of its edge in EdgeX. Node features are the raw integer
// categories as float64 (no one-hot). Errors are *graphs.ParseError.
func ReadOGBGraph(dir, scheme string) (*GraphDataset, error) {
	raw := func(name string) string { return filepath.Join(dir, "raw", name+".csv.gz") }
	nn, err := readGzTable[int64](raw("num-node-list"), 1, 0, false)
	if err != nil {
		return nil, err
	}
	ne, err := readGzTable[int64](raw("num-edge-list"), 1, len(nn.vals), false)
	if err != nil {
		return nil, err
	}
	G := nn.rows()
	if ne.rows() != G {
		return nil, perr(raw("num-edge-list"), 0, graphs.ErrShape, "%d graphs, num-node-list has %d", ne.rows(), G)
	}
	ds := &GraphDataset{Name: filepath.Base(dir)}
	ds.Meta.Format = "ogb-graph"
	ds.NodeOffsets = make([]int, G+1)
	edgeOff := make([]int, G+1)
	for g := 0; g < G; g++ {
		a, b := nn.vals[g], ne.vals[g]
		if a < 0 || b < 0 || a > graphs.MaxNodes || b > 1<<40 {
			return nil, perr(raw("num-node-list"), nn.line(g), graphs.ErrShape, "graph %d: %d nodes, %d edges", g, a, b)
		}
		ds.NodeOffsets[g+1] = ds.NodeOffsets[g] + int(a)
		edgeOff[g+1] = edgeOff[g] + int(b)
		if ds.NodeOffsets[g+1] > graphs.MaxNodes || edgeOff[g+1] > 1<<31-1 {
			return nil, perr(raw("num-node-list"), nn.line(g), graphs.ErrTooLarge, "more than 2^31 nodes or edges")
		}
	}
	n, m := ds.NodeOffsets[G], edgeOff[G]
	inputBytes := int64(nn.size) + int64(ne.size)
	lab, err := readGzTable[int64](raw("graph-label"), 1, G, false)
	if err != nil {
		return nil, err
	}
	if lab.rows() != G {
		return nil, perr(raw("graph-label"), 0, graphs.ErrShape, "%d labels for %d graphs", lab.rows(), G)
	}
	feat, err := readGzTable[float64](raw("node-feat"), 0, 0, true)
	if err != nil {
		return nil, err
	}
	efeat, err := readGzTable[float64](raw("edge-feat"), 0, 0, true)
	if err != nil {
		return nil, err
	}
	et, err := readGzTable[int64](raw("edge"), 2, m, false)
	if err != nil {
		return nil, err
	}
	ds.Meta.Files = []string{raw("num-node-list"), raw("num-edge-list"), raw("edge"), raw("graph-label")}
	if et.rows() != m {
		return nil, perr(raw("edge"), 0, graphs.ErrShape, "%d edges, num-edge-list sums to %d", et.rows(), m)
	}
	if feat != nil {
		ds.Meta.Files = append(ds.Meta.Files, raw("node-feat"))
		if feat.rows() != n {
			return nil, perr(raw("node-feat"), 0, graphs.ErrShape, "%d rows, num-node-list sums to %d", feat.rows(), n)
		}
		ds.X, ds.NumFeatures = feat.vals, feat.cols
	} else {
		// Without node features nothing backs the node counts: the
		// graphs' row offsets (some 24 bytes a node) may take at most
		// denseFactor bytes per byte of the files read.
		for _, t := range []*table[int64]{lab, et} {
			inputBytes += int64(t.size)
		}
		if efeat != nil {
			inputBytes += int64(efeat.size)
		}
		if limit := denseFactor*inputBytes + allowanceFixed; 24*int64(n) > limit {
			return nil, perr(raw("num-node-list"), 0, graphs.ErrTooLarge, "%d nodes in all and no node features: their row offsets would take %d bytes, more than %d× the %d bytes of the files read",
				n, 24*int64(n), denseFactor, inputBytes)
		}
	}
	if efeat != nil {
		ds.Meta.Files = append(ds.Meta.Files, raw("edge-feat"))
		if efeat.rows() != m {
			return nil, perr(raw("edge-feat"), 0, graphs.ErrShape, "%d rows, num-edge-list sums to %d", efeat.rows(), m)
		}
		ds.NumEdgeFeatures = efeat.cols
		ds.EdgeX = make([][]float64, G)
	}
	ds.Y = make([]int32, G)
	for g, v := range lab.vals {
		if v < 0 || v >= maxOneHot {
			return nil, perr(raw("graph-label"), lab.line(g), graphs.ErrFormat, "label %d not in [0,%d)", v, maxOneHot)
		}
		ds.Y[g] = int32(v)
		ds.NumClasses = max(ds.NumClasses, int(v)+1)
	}
	ds.Meta.LinesRead = m
	ds.Graphs = make([]graphs.Graph, G)
	for g := 0; g < G; g++ {
		a, b := edgeOff[g], edgeOff[g+1]
		ng := ds.NodeOffsets[g+1] - ds.NodeOffsets[g]
		src, dst := make([]int32, b-a), make([]int32, b-a)
		for k := a; k < b; k++ {
			u, v := et.vals[2*k], et.vals[2*k+1]
			if u < 0 || u >= int64(ng) || v < 0 || v >= int64(ng) {
				return nil, perr(raw("edge"), et.line(k), graphs.ErrNodeID, "graph %d edge (%d, %d): local ids must be in [0,%d)", g, u, v, ng)
			}
			src[k-a], dst[k-a] = int32(u), int32(v)
		}
		gr, origin, err := buildGraph(ng, src, dst, false, &ds.Meta, efeat != nil)
		if err != nil {
			return nil, &graphs.ParseError{Path: raw("edge"), Err: fmt.Errorf("graph %d: %w", g, err)}
		}
		ds.Graphs[g] = gr
		if efeat != nil {
			e := efeat.cols
			ex := make([]float64, len(origin)*e)
			for p, k := range origin {
				copy(ex[p*e:(p+1)*e], efeat.vals[(a+int(k))*e:(a+int(k)+1)*e])
			}
			ds.EdgeX[g] = ex
		}
	}
	if ds.Train, ds.Val, ds.Test, err = ogbSplit(dir, scheme, G); err != nil {
		return nil, err
	}
	for _, s := range [][]int32{ds.Train, ds.Val, ds.Test} {
		slices.Sort(s)
	}
	return ds, nil
}
