package datasets

import (
	"fmt"
	"path/filepath"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// TUOptions choose how ReadTU builds node features. The zero value matches
// PyTorch Geometric's TUDataset defaults (use_node_attr=False).
type TUOptions struct {
	// UseNodeAttributes puts the columns of DS_node_attributes.txt before
	// the one-hot node labels in X, as TUDataset(use_node_attr=True) does.
	UseNodeAttributes bool
}

// ReadTU reads the TU Dortmund dataset prefix (for example "MUTAG") from
// dir, which holds prefix_A.txt, prefix_graph_indicator.txt,
// prefix_graph_labels.txt and optionally prefix_node_labels.txt,
// prefix_node_attributes.txt, prefix_edge_labels.txt and
// prefix_graph_attributes.txt (real graph targets, one or more per line, as
// the TU regression sets ship; prefix_graph_labels.txt may then be absent).
// It follows torch_geometric/io/tu.py:
//
//   - node and graph ids are 1-based in the files and become 0-based
//     (Meta.OneBased); graph_indicator must be non-decreasing, so the nodes
//     of graph g are the contiguous rows NodeOffsets[g]..NodeOffsets[g+1]−1;
//   - every A line is a directed entry; self loops are dropped and
//     duplicates merged (IMDB-BINARY/IMDB-MULTI list each entry twice),
//     missing reverse entries added; each counted in Meta;
//   - each column of node labels becomes a one-hot block of width
//     max−min+1 (labels minus the column minimum); node attributes are put
//     first only with UseNodeAttributes;
//   - edge labels become one-hot EdgeX aligned with each graph's CSR
//     entries (a merged duplicate keeps its first line's label; an added
//     reverse entry takes the label of its reverse);
//   - graph labels are renumbered to 0..C−1 in ascending order of value
//     (Meta.LabelValues keeps the original values);
//   - graph attributes are kept as they are in Targets, NumTargets per
//     graph (every line as wide as the first; values finite).
//
// An A entry whose endpoints lie in different graphs, ids outside
// [1, nodes], rows of unequal width and files whose row counts disagree
// are errors (*graphs.ParseError with file and line). Cost O(m log d_max + n·d).
func ReadTU(dir, prefix string, opts TUOptions) (*GraphDataset, error) {
	path := func(part string) string { return filepath.Join(dir, prefix+"_"+part+".txt") }
	ind, err := readTableFile[int64](path("graph_indicator"), true, 1, false)
	if err != nil {
		return nil, err
	}
	// Graph targets: real graph attributes (regression), class labels, or
	// both; the labels are required when there are no attributes.
	gattr, err := readTableFile[float64](path("graph_attributes"), true, 0, true)
	if err != nil {
		return nil, err
	}
	lab, err := readTableFile[int64](path("graph_labels"), true, 1, gattr != nil)
	if err != nil {
		return nil, err
	}

	ds := &GraphDataset{Name: prefix}
	ds.Meta.Format = "tu"
	ds.Meta.OneBased = true
	for _, p := range []string{"A", "graph_indicator", "graph_labels", "graph_attributes"} {
		if p == "graph_labels" && lab == nil || p == "graph_attributes" && gattr == nil {
			continue
		}
		ds.Meta.Files = append(ds.Meta.Files, path(p))
	}

	// Graph labels, renumbered.
	var G int
	if lab != nil {
		if G = lab.rows(); G == 0 {
			return nil, perr(path("graph_labels"), 0, graphs.ErrShape, "no graph labels")
		}
		vals := slices.Clone(lab.vals)
		slices.Sort(vals)
		vals = slices.Compact(vals)
		ds.Meta.LabelValues = vals
		ds.NumClasses = len(vals)
		ds.Y = make([]int32, G)
		for g, v := range lab.vals {
			c, _ := slices.BinarySearch(vals, v)
			ds.Y[g] = int32(c)
		}
	}
	// Graph attributes, as they are.
	if gattr != nil {
		switch r := gattr.rows(); {
		case r == 0:
			return nil, perr(path("graph_attributes"), 0, graphs.ErrShape, "no graph attributes")
		case lab != nil && r != G:
			return nil, perr(path("graph_attributes"), 0, graphs.ErrShape, "%d rows, %s has %d", r, filepath.Base(path("graph_labels")), G)
		default:
			G = r
		}
		ds.Targets, ds.NumTargets = gattr.vals, gattr.cols
	}

	// Graph indicator → node offsets.
	n := ind.rows()
	if n == 0 {
		return nil, perr(path("graph_indicator"), 0, graphs.ErrShape, "no nodes (%d graph labels)", G)
	}
	if n > graphs.MaxNodes {
		return nil, perr(path("graph_indicator"), 0, graphs.ErrTooLarge, "%d nodes", n)
	}
	ds.NodeOffsets = make([]int, G+1)
	prev := int64(1)
	for i, g := range ind.vals {
		if g < prev || g > int64(G) {
			return nil, perr(path("graph_indicator"), ind.line(i), graphs.ErrFormat,
				"graph id %d: ids must be non-decreasing and in [1,%d] (%d graph labels)", g, G, G)
		}
		prev = g
		ds.NodeOffsets[g]++
	}
	for g := 1; g <= G; g++ {
		ds.NodeOffsets[g] += ds.NodeOffsets[g-1]
	}
	graphOf := func(v int32) int64 { return ind.vals[v] }

	// Edges, read only now and converted at once, so that the int64 table
	// is garbage before the features are read.
	adj, err := readTableFile[int32](path("A"), true, 2, false)
	if err != nil {
		return nil, err
	}
	m := adj.rows()
	// Split the (u, v) pairs in place: src takes the first half of the
	// table (entry k is written after entries 2k and 2k+1 are read).
	src := adj.vals[:m]
	dst := make([]int32, m)
	for k := 0; k < m; k++ {
		u, v := int64(adj.vals[2*k])-1, int64(adj.vals[2*k+1])-1
		if u < 0 || u >= int64(n) || v < 0 || v >= int64(n) {
			return nil, perr(path("A"), adj.line(k), graphs.ErrNodeID, "edge (%d, %d): ids must be in [1,%d] (the %d nodes of %s)", u+1, v+1, n, n, filepath.Base(path("graph_indicator")))
		}
		src[k], dst[k] = int32(u), int32(v)
		if graphOf(src[k]) != graphOf(dst[k]) {
			return nil, perr(path("A"), adj.line(k), graphs.ErrNodeID, "edge (%d, %d) joins graphs %d and %d", u+1, v+1, graphOf(src[k]), graphOf(dst[k]))
		}
	}
	ds.Meta.LinesRead = m
	inputBytes := int64(ind.size) + int64(adj.size)
	if lab != nil {
		inputBytes += int64(lab.size)
	}
	if gattr != nil {
		inputBytes += int64(gattr.size)
	}
	adj = nil
	nodeLab, err := readTableFile[int64](path("node_labels"), true, 0, true)
	if err != nil {
		return nil, err
	}
	var nodeAttr *table[float64]
	if opts.UseNodeAttributes {
		if nodeAttr, err = readTableFile[float64](path("node_attributes"), true, 0, true); err != nil {
			return nil, err
		}
	}
	edgeLab, err := readTableFile[int64](path("edge_labels"), true, 0, true)
	if err != nil {
		return nil, err
	}
	if edgeLab != nil {
		ds.Meta.Files = append(ds.Meta.Files, path("edge_labels"))
		if edgeLab.rows() != m {
			return nil, perr(path("edge_labels"), 0, graphs.ErrShape, "%d rows, %s has %d", edgeLab.rows(), path("A"), m)
		}
	}
	off, nb, origin, err := buildCSR(n, src, dst, false, &ds.Meta, edgeLab != nil)
	if err != nil {
		return nil, &graphs.ParseError{Path: path("A"), Err: err}
	}
	src, dst = nil, nil

	// Node features: [attributes | one-hot labels].
	var blocks []oneHot
	d := 0
	if nodeAttr != nil {
		ds.Meta.Files = append(ds.Meta.Files, path("node_attributes"))
		if nodeAttr.rows() != n {
			return nil, perr(path("node_attributes"), 0, graphs.ErrShape, "%d rows, %d nodes", nodeAttr.rows(), n)
		}
		d = nodeAttr.cols
	}
	nAttr := d
	if nodeLab != nil {
		ds.Meta.Files = append(ds.Meta.Files, path("node_labels"))
		if nodeLab.rows() != n {
			return nil, perr(path("node_labels"), 0, graphs.ErrShape, "%d rows, %d nodes", nodeLab.rows(), n)
		}
		var err error
		if blocks, err = oneHotBlocks(nodeLab, path("node_labels"), d); err != nil {
			return nil, err
		}
		for _, b := range blocks {
			d += b.width
		}
	}
	ds.NumFeatures = d
	for _, t := range []*table[int64]{nodeLab, edgeLab} {
		if t != nil {
			inputBytes += int64(t.size)
		}
	}
	if nodeAttr != nil {
		inputBytes += int64(nodeAttr.size)
	}
	if d > 0 {
		if int64(n)*int64(d) > maxDense {
			return nil, perr(path("node_labels"), 0, graphs.ErrTooLarge, "%d nodes × %d features", n, d)
		}
		if err := denseFits(path("node_labels"), int64(n)*int64(d), inputBytes, "%d nodes × %d features (one-hot label blocks %v)", n, d, blockSpans(blocks)); err != nil {
			return nil, err
		}
		ds.X = make([]float64, n*d)
		for i := 0; i < n; i++ {
			row := ds.X[i*d : (i+1)*d]
			if nAttr > 0 {
				copy(row, nodeAttr.vals[i*nAttr:(i+1)*nAttr])
			}
			for _, b := range blocks {
				row[b.lo+int(nodeLab.vals[i*nodeLab.cols+b.col]-b.min)] = 1
			}
		}
	}

	// Edge label one-hot, per stored entry.
	var eBlocks []oneHot
	if edgeLab != nil {
		if eBlocks, err = oneHotBlocks(edgeLab, path("edge_labels"), 0); err != nil {
			return nil, err
		}
		for _, b := range eBlocks {
			ds.NumEdgeFeatures += b.width
		}
		if int64(len(nb))*int64(ds.NumEdgeFeatures) > maxDense {
			return nil, perr(path("edge_labels"), 0, graphs.ErrTooLarge, "%d entries × %d edge features", len(nb), ds.NumEdgeFeatures)
		}
		if err := denseFits(path("edge_labels"), int64(len(nb))*int64(ds.NumEdgeFeatures), inputBytes, "%d entries × %d edge features (one-hot label blocks %v)", len(nb), ds.NumEdgeFeatures, blockSpans(eBlocks)); err != nil {
			return nil, err
		}
	}

	// Split the whole graph into per-graph CSRs with local ids.
	ds.Graphs = make([]graphs.Graph, G)
	local := nb // rewritten in place: graph g's entries become local ids
	if edgeLab != nil {
		ds.EdgeX = make([][]float64, G)
	}
	for g := 0; g < G; g++ {
		lo, hi := ds.NodeOffsets[g], ds.NodeOffsets[g+1]
		a, b := off[lo], off[hi]
		goff := make([]int, hi-lo+1)
		for i := lo; i <= hi; i++ {
			goff[i-lo] = off[i] - a
		}
		for p := a; p < b; p++ {
			local[p] = nb[p] - int32(lo)
		}
		gr, err := graphs.FromCSR(goff, local[a:b:b], nil, false)
		if err != nil {
			return nil, &graphs.ParseError{Path: path("A"), Err: fmt.Errorf("graph %d: %w", g+1, err)}
		}
		ds.Graphs[g] = gr
		if edgeLab != nil {
			e := ds.NumEdgeFeatures
			ex := make([]float64, (b-a)*e)
			for p := a; p < b; p++ {
				k := int(origin[p])
				for _, bl := range eBlocks {
					ex[(p-a)*e+bl.lo+int(edgeLab.vals[k*edgeLab.cols+bl.col]-bl.min)] = 1
				}
			}
			ds.EdgeX[g] = ex
		}
	}
	return ds, nil
}

// oneHot describes the one-hot block of one label column: value v maps to
// feature lo + (v − min), width = max − min + 1.
type oneHot struct {
	col, lo, width int
	min            int64
}

// maxOneHot bounds the width of a one-hot block, so that a corrupt label
// (say 10^12) cannot demand terabytes.
const maxOneHot = 1 << 16

// maxDense bounds the elements of a dense feature matrix a loader builds
// (2^31 float64 = 16 GiB); larger requests fail with graphs.ErrTooLarge
// instead of exhausting memory. Tests lower it.
var maxDense int64 = 1 << 31

// denseFactor bounds the dense features a text loader builds from labels
// (TU's one-hot blocks): at most denseFactor bytes per byte of the files
// read, plus allowanceFixed. Real datasets stay below 10 (NCI1: 36 MB of
// one-hot features from 4 MB of files); a corrupt label value that widens
// a block to tens of thousands of columns does not.
const denseFactor = 64

// denseFits returns nil when elems float64 values fit the allowance of
// inputBytes bytes of input (denseFactor), else a *graphs.ParseError for
// file wrapping graphs.ErrTooLarge that describes them (format, args).
func denseFits(file string, elems, inputBytes int64, format string, args ...any) error {
	if limit := denseFactor*inputBytes + allowanceFixed; 8*elems > limit {
		return perr(file, 0, graphs.ErrTooLarge, "%s would take %d bytes, more than %d× the %d bytes of the files read (a corrupt label value?)",
			fmt.Sprintf(format, args...), 8*elems, denseFactor, inputBytes)
	}
	return nil
}

// blockSpans lists the label range of each one-hot block, for messages.
func blockSpans(blocks []oneHot) []string {
	out := make([]string, len(blocks))
	for i, b := range blocks {
		out[i] = fmt.Sprintf("column %d: %d..%d", b.col+1, b.min, b.min+int64(b.width)-1)
	}
	return out
}

// oneHotBlocks lays out the one-hot blocks of every column of t, starting at
// feature base, as PyG's F.one_hot(labels − min) per column.
func oneHotBlocks(t *table[int64], file string, base int) ([]oneHot, error) {
	if t.rows() == 0 {
		return nil, nil
	}
	out := make([]oneHot, t.cols)
	lo := base
	for c := range t.cols {
		mn, mx := t.vals[c], t.vals[c]
		for r := 1; r < t.rows(); r++ {
			v := t.vals[r*t.cols+c]
			mn, mx = min(mn, v), max(mx, v)
		}
		if mx-mn >= maxOneHot || mx-mn < 0 {
			return nil, perr(file, 0, graphs.ErrTooLarge, "column %d spans labels %d..%d, more than %d one-hot features", c+1, mn, mx, maxOneHot)
		}
		out[c] = oneHot{col: c, lo: lo, width: int(mx - mn + 1), min: mn}
		lo += out[c].width
	}
	return out, nil
}
