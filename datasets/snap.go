package datasets

import (
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// ReadSNAP reads a SNAP edge list: one edge "u v" per line (whitespace
// separated, LF or CRLF endings), lines starting with '#' or '%' are
// comments. Node ids are non-negative integers, not necessarily contiguous;
// the nodes are the distinct ids of the edge file (and of the labels file),
// numbered 0..n−1 in ascending id order (IDs keeps the original ids;
// Meta.Relabelled is set when they were not already 0..n−1).
//
// With directed set, u v is the edge u→v; otherwise the graph is
// undirected and reverse entries are added as needed. Self loops are
// dropped and duplicates merged, each counted in Meta.
//
// labels, if not "", names a file of "node label" lines (SNAP's
// email-Eu-core-department-labels.txt); every node must get exactly one
// label, and labels are renumbered 0..C−1 in ascending order
// (Meta.LabelValues). There are no features and no split. Errors are
// *graphs.ParseError with file and line. Cost O(m log m).
func ReadSNAP(path, labels string, directed bool) (*NodeDataset, error) {
	et, err := readTableFileComments(path, 2)
	if err != nil {
		return nil, err
	}
	var lt *table[int64]
	if labels != "" {
		if lt, err = readTableFileComments(labels, 2); err != nil {
			return nil, err
		}
	}
	ds := &NodeDataset{Name: baseName(path)}
	ds.Meta.Format = "snap"
	ds.Meta.Files = []string{path}
	ids := make([]int64, 0, len(et.vals)+2*lt.rowsOrZero())
	for k, v := range et.vals {
		if v < 0 {
			return nil, perr(path, et.line(k/2), graphs.ErrNodeID, "node id %d is negative", v)
		}
		ids = append(ids, v)
	}
	if lt != nil {
		ds.Meta.Files = append(ds.Meta.Files, labels)
		for r := 0; r < lt.rows(); r++ {
			if v := lt.vals[2*r]; v < 0 {
				return nil, perr(labels, lt.line(r), graphs.ErrNodeID, "node id %d is negative", v)
			}
			ids = append(ids, lt.vals[2*r])
		}
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	n := len(ids)
	if n > graphs.MaxNodes {
		return nil, perr(path, 0, graphs.ErrTooLarge, "%d nodes", n)
	}
	ds.IDs = slices.Clip(ids)
	ds.Meta.Relabelled = n > 0 && ids[n-1] != int64(n-1)
	index := func(v int64) int32 {
		i, _ := slices.BinarySearch(ids, v)
		return int32(i)
	}
	m := et.rows()
	src := make([]int32, m)
	dst := make([]int32, m)
	for k := 0; k < m; k++ {
		src[k], dst[k] = index(et.vals[2*k]), index(et.vals[2*k+1])
	}
	ds.Meta.LinesRead = m
	g, _, err := buildGraph(n, src, dst, directed, &ds.Meta, false)
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	ds.Graph = g
	if lt != nil {
		vals := make([]int64, lt.rows())
		for r := range vals {
			vals[r] = lt.vals[2*r+1]
		}
		vals = slices.Compact(slices.Sorted(slices.Values(vals)))
		ds.Meta.LabelValues = vals
		ds.NumClasses = len(vals)
		ds.Y = make([]int32, n)
		seen := make([]bool, n)
		for r := 0; r < lt.rows(); r++ {
			i := index(lt.vals[2*r])
			if seen[i] {
				return nil, perr(labels, lt.line(r), graphs.ErrFormat, "node %d labelled twice", lt.vals[2*r])
			}
			seen[i] = true
			c, _ := slices.BinarySearch(vals, lt.vals[2*r+1])
			ds.Y[i] = int32(c)
		}
		for i, ok := range seen {
			if !ok {
				return nil, perr(labels, 0, graphs.ErrShape, "node %d has no label", ids[i])
			}
		}
	}
	return ds, nil
}

func (t *table[T]) rowsOrZero() int {
	if t == nil {
		return 0
	}
	return t.rows()
}

// readTableFileComments reads a whitespace-separated integer table with
// '#'/'%' comment lines, cols columns per row.
func readTableFileComments(path string, cols int) (*table[int64], error) {
	f, err := openText(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	lr, rows := newFileLines(f, path, fileSize(f))
	return readLines[int64](lr, false, cols, true, rows)
}
