package graphs

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unsafe"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"github.com/gnnwb/gnnwb/internal/lines"
	"github.com/gnnwb/gnnwb/internal/parallel"
)

// EdgeListOptions choose how an edge list is read. The zero value reads an
// unweighted-or-weighted (as the file says) undirected graph without self
// loops, node ids taken as given, duplicate weights summed.
type EdgeListOptions struct {
	// Directed reads each line "u v" as the edge u→v. Otherwise it is the
	// undirected edge {u, v}, and a pair listed both ways (as SNAP does for
	// CA-GrQc) is one edge. Direction never comes from the file's header.
	Directed bool
	// KeepSelfLoops keeps lines "i i"; by default they are dropped (their
	// node still counts).
	KeepSelfLoops bool
	// Relabel maps the distinct ids of the file, in ascending order, to
	// 0..k−1; ReadEdgeListIDs and ParseEdgeListIDs return the original ids.
	// A "# Nodes:" header is then not used. Ids may be any int64 ≥ 0.
	Relabel bool
	// MergeMax makes duplicate edges keep the largest weight instead of
	// the sum; MergeMin the smallest. At most one may be set. For an
	// undirected weighted file that lists both directions of each edge, use
	// one of them, or the weights double.
	MergeMax, MergeMin bool
}

// sparseNodes is the number of nodes an edge list may always declare; more
// need at least one edge line per denseFactor nodes (see ParseEdgeList).
const (
	sparseNodes = 1 << 20
	denseFactor = 64
	edgeBlock   = 1 << 16 // edges per block while parsing
)

// ReadEdgeList reads a SNAP-style edge-list file; see ParseEdgeList for the
// format. Errors in the content are *ParseError naming path:line; a file that
// cannot be opened gives the *fs.PathError, wrapped.
func ReadEdgeList(path string, opt EdgeListOptions) (Graph, error) {
	g, _, err := ReadEdgeListIDs(path, opt)
	return g, err
}

// ReadEdgeListIDs is ReadEdgeList that also returns, when opt.Relabel is
// set, the original id of every node (ids[i] for node i, ascending); without
// Relabel ids is nil.
func ReadEdgeListIDs(path string, opt EdgeListOptions) (Graph, []int64, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return Graph{}, nil, fmt.Errorf("graphs: ReadEdgeList: %w", err)
	}
	defer f.Close()
	if err := inputfile.NotEmpty(f); err != nil {
		return Graph{}, nil, fmt.Errorf("graphs: ReadEdgeList: %w", &ParseError{Path: path, Err: fmt.Errorf("%w (an edge list holds a '# Nodes: N' line or edges): %w", err, ErrFormat)})
	}
	return ParseEdgeListIDs(f, path, opt)
}

// ParseEdgeList reads a graph from an edge list in SNAP's text format; name
// is used in error messages. For example
//
//	# Directed graph (each unordered pair of nodes is saved once): CA-GrQc.txt
//	# Nodes: 5 Edges: 3
//	0	1
//	1 2
//	4	2
//
// is the undirected graph on 5 nodes with edges {0,1}, {1,2}, {2,4} (node 3
// isolated), unless opt.Directed.
//
// Lines whose first non-blank character is '#' are comments, except that a
// comment of the form "# Nodes: N ..." (any spaces or tabs) sets n = N, so
// that isolated nodes survive a round trip; it must come before the first
// edge, and an id ≥ N is then an error. Without it n is the largest id plus
// one. Other lines hold two non-negative integer ids "u v", or three fields
// "u v w" with a float weight w (strconv.ParseFloat syntax, finite); fields
// are separated by spaces or tabs. Either every edge line has a weight (the
// graph is weighted) or none has. Blank lines are skipped, CRLF line endings
// are accepted and lines may be of any length. Duplicate edges are merged
// (weights summed, or opt.MergeMax / MergeMin) and self loops dropped unless
// opt.KeepSelfLoops.
//
// Without Relabel, ids must be < MaxNodes, and to keep one stray large id
// from allocating gigabytes, n may exceed 2^20 only if there is at least one
// edge line per 64 nodes (else ErrTooLarge). Files with sparse ids need
// Relabel: SNAP's CA-GrQc declares 5242 nodes but uses ids up to 26196.
//
// Errors in the text are *ParseError with the line, wrapping ErrFormat
// (malformed line, missing or extra weight, bad header), ErrNodeID (negative
// id, id ≥ N) or ErrTooLarge. Cost O(m log m) time for m edge lines, reading
// r once; memory for the edge list (24 bytes per line) and the graph.
func ParseEdgeList(r io.Reader, name string, opt EdgeListOptions) (Graph, error) {
	g, _, err := ParseEdgeListIDs(r, name, opt)
	return g, err
}

// ParseEdgeListIDs is ParseEdgeList that also returns, when opt.Relabel is
// set, the original id of every node (ids[i] for node i, ascending); without
// Relabel ids is nil.
func ParseEdgeListIDs(r io.Reader, name string, opt EdgeListOptions) (Graph, []int64, error) {
	if opt.MergeMax && opt.MergeMin {
		return Graph{}, nil, fmt.Errorf("graphs: ParseEdgeList: MergeMax and MergeMin both set: %w", ErrParameter)
	}
	if name == "" {
		name = "<input>"
	}
	fail := func(line int, err error) (Graph, []int64, error) {
		return Graph{}, nil, &ParseError{Path: name, Line: line, Err: err}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	var long []byte
	// Edges accumulate in blocks of edgeBlock, joined once at the end, so
	// that growing the list never copies it.
	var blocks [][]Edge
	var edges []Edge // current block
	count := 0
	headerN, headerLine := -1, 0
	fields := 0 // 2 or 3 once the first edge line is read
	maxID, maxLine := int64(-1), 0
	firstEdge := 0 // line of the first edge
	lineNo := 0
	for {
		line, rerr := lines.Next(br, &long)
		if rerr != nil && rerr != io.EOF {
			return fail(lineNo+1, rerr)
		}
		if len(line) == 0 && rerr == io.EOF {
			break
		}
		lineNo++
		// strip the line ending
		if k := len(line); k > 0 && line[k-1] == '\n' {
			line = line[:k-1]
		}
		if k := len(line); k > 0 && line[k-1] == '\r' {
			line = line[:k-1]
		}
		p := skipBlank(line, 0)
		switch {
		case p == len(line):
			// blank
		case line[p] == '#':
			nn, ok, err := parseHeader(line[p+1:])
			if err != nil {
				return fail(lineNo, err)
			}
			if !ok {
				break
			}
			if count > 0 {
				return fail(lineNo, fmt.Errorf("\"# Nodes:\" header after the first edge (line %d): %w", firstEdge, ErrFormat))
			}
			if headerN >= 0 && nn != int64(headerN) {
				return fail(lineNo, fmt.Errorf("header says %d nodes but line %d said %d: %w", nn, headerLine, headerN, ErrFormat))
			}
			if !opt.Relabel && nn > MaxNodes {
				return fail(lineNo, fmt.Errorf("header declares %d nodes, more than %d (int32 ids): %w", nn, MaxNodes, ErrTooLarge))
			}
			headerN, headerLine = int(min(nn, MaxNodes)), lineNo
		default:
			var tok [3][]byte
			k := 0
			for p < len(line) {
				q := p
				for q < len(line) && !isBlank(line[q]) {
					q++
				}
				if k == 3 {
					return fail(lineNo, fmt.Errorf("more than 3 fields (u v weight): %w", ErrFormat))
				}
				tok[k] = line[p:q]
				k++
				p = skipBlank(line, q)
			}
			if k < 2 {
				return fail(lineNo, fmt.Errorf("one field %q, want \"u v\" or \"u v weight\": %w", tok[0], ErrFormat))
			}
			if fields == 0 {
				fields = k
			} else if k != fields {
				return fail(lineNo, fmt.Errorf("%d fields but earlier edge lines have %d: either every edge has a weight or none: %w", k, fields, ErrFormat))
			}
			var e Edge
			for t := range 2 {
				id, err := parseID(tok[t])
				if err != nil {
					return fail(lineNo, err)
				}
				if !opt.Relabel {
					if id >= MaxNodes {
						return fail(lineNo, fmt.Errorf("node id %d exceeds %d (int32 ids; use Relabel for sparse ids): %w", id, MaxNodes-1, ErrNodeID))
					}
					if headerN >= 0 && id >= int64(headerN) {
						return fail(lineNo, fmt.Errorf("node id %d ≥ %d nodes declared at line %d: %w", id, headerN, headerLine, ErrNodeID))
					}
				}
				if id > maxID {
					maxID, maxLine = id, lineNo
				}
				if t == 0 {
					e.U = int(id)
				} else {
					e.V = int(id)
				}
			}
			if k == 3 {
				w, err := strconv.ParseFloat(unsafe.String(unsafe.SliceData(tok[2]), len(tok[2])), 64)
				if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
					return fail(lineNo, fmt.Errorf("weight %q is not a finite number: %w", string(tok[2]), ErrFormat))
				}
				e.W = w
			}
			if count == 0 {
				firstEdge = lineNo
			}
			if len(edges) == cap(edges) {
				if len(edges) > 0 {
					blocks = append(blocks, edges)
				}
				edges = make([]Edge, 0, edgeBlock)
			}
			edges = append(edges, e)
			count++
		}
		if rerr == io.EOF {
			break
		}
	}
	if len(blocks) > 0 {
		all := make([]Edge, 0, count)
		for _, b := range blocks {
			all = append(all, b...)
		}
		edges = append(all, edges...)
		blocks = nil
	}
	flags := Undirected
	if opt.Directed {
		flags |= Directed
	}
	if fields == 3 {
		flags |= Weighted
	}
	if opt.KeepSelfLoops {
		flags |= KeepSelfLoops
	}
	if opt.MergeMax {
		flags |= MergeMax
	}
	if opt.MergeMin {
		flags |= MergeMin
	}
	var ids []int64
	var n int
	if opt.Relabel {
		ids = relabel(edges)
		if len(ids) > MaxNodes {
			return fail(0, fmt.Errorf("%d distinct node ids, more than %d (int32 ids): %w", len(ids), MaxNodes, ErrTooLarge))
		}
		n = len(ids)
	} else {
		n = int(maxID + 1)
		nline := maxLine
		if headerN >= 0 {
			n, nline = headerN, headerLine
		}
		if n > sparseNodes && n/denseFactor > len(edges) {
			return fail(nline, fmt.Errorf("%d nodes for only %d edges (more than %d nodes need an edge per %d nodes; use Relabel for sparse ids): %w", n, len(edges), sparseNodes, denseFactor, ErrTooLarge))
		}
	}
	g, err := FromEdges(n, edges, flags)
	if err != nil {
		return Graph{}, nil, fmt.Errorf("graphs: ParseEdgeList: %s: %w", name, err)
	}
	return g, ids, nil
}

// relabel replaces the ids in edges by their ranks among the distinct ids
// and returns the distinct ids, ascending.
func relabel(edges []Edge) []int64 {
	ids := make([]int64, 0, 2*len(edges))
	for _, e := range edges {
		ids = append(ids, int64(e.U), int64(e.V))
	}
	slices.Sort(ids)
	ids = slices.Clip(slices.Compact(ids))
	const chunk = 1 << 16
	parallel.For(parallel.Chunks(len(edges), chunk), func(c int) {
		lo, hi := parallel.Range(c, chunk, len(edges))
		for k := lo; k < hi; k++ {
			u, _ := slices.BinarySearch(ids, int64(edges[k].U))
			v, _ := slices.BinarySearch(ids, int64(edges[k].V))
			edges[k].U, edges[k].V = u, v
		}
	})
	return ids
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }

func skipBlank(b []byte, p int) int {
	for p < len(b) && isBlank(b[p]) {
		p++
	}
	return p
}

// parseID parses a non-negative decimal integer that fits in an int64.
func parseID(b []byte) (int64, error) {
	neg := len(b) > 1 && b[0] == '-'
	digits := b
	if neg {
		digits = b[1:]
	}
	var x int64
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("node id %q is not a non-negative integer: %w", string(b), ErrFormat)
		}
		d := int64(c - '0')
		if x > (math.MaxInt64-d)/10 {
			return 0, fmt.Errorf("node id %q overflows int64: %w", string(b), ErrNodeID)
		}
		x = x*10 + d
	}
	if len(digits) == 0 {
		return 0, fmt.Errorf("node id %q is empty: %w", string(b), ErrFormat)
	}
	if neg {
		return 0, fmt.Errorf("node id %q is negative: %w", string(b), ErrNodeID)
	}
	return x, nil
}

// parseHeader recognises the comment text after '#' of a line
// "# Nodes: N ...", returning N and true. A comment starting "Nodes:" with a
// malformed count is an error; any other comment gives false.
func parseHeader(c []byte) (int64, bool, error) {
	p := skipBlank(c, 0)
	const key = "Nodes:"
	if len(c)-p < len(key) || string(c[p:p+len(key)]) != key {
		return 0, false, nil
	}
	p = skipBlank(c, p+len(key))
	q := p
	for q < len(c) && !isBlank(c[q]) {
		q++
	}
	nn, err := parseID(c[p:q])
	if err != nil {
		kind := ErrFormat
		if errors.Is(err, ErrNodeID) && len(c[p:q]) > 0 && c[p] != '-' {
			kind = ErrTooLarge // overflows int64
		}
		return 0, false, fmt.Errorf("\"# Nodes:\" header: count %q is not a non-negative integer below 2^63: %w", string(c[p:q]), kind)
	}
	return nn, true, nil
}

// EncodeEdgeList writes g as an edge list that ParseEdgeList reads back to
// an Equal graph (with opt.Directed = g.Directed() and KeepSelfLoops):
//
//	# Undirected graph
//	# Nodes: 5 Edges: 3
//	0	1
//	1	2
//	2	4
//
// The first line is "# Undirected graph" or "# Directed graph", the second
// "# Nodes: n Edges: m" with m = NumEdges. Then come the edges, sorted, one
// per line, tab-separated: "u\tv" for u→v of a directed graph, and each edge
// of an undirected graph once with u ≤ v (self loops once); a third field
// holds the weight of a weighted graph, formatted with strconv 'g' and the
// shortest precision that parses back to the same float64. w is buffered
// here; the error is the first write error, wrapped. Cost O(n + m) time;
// a directed graph needs its reverse (Reverse: one more CSR) to sort by
// sender.
func EncodeEdgeList(w io.Writer, g Graph) error {
	bw := bufio.NewWriterSize(w, 1<<16)
	kind := "# Undirected graph\n"
	if g.directed {
		kind = "# Directed graph\n"
	}
	n := g.NumNodes()
	buf := make([]byte, 0, 128)
	buf = append(buf, kind...)
	buf = append(buf, "# Nodes: "...)
	buf = strconv.AppendInt(buf, int64(n), 10)
	buf = append(buf, " Edges: "...)
	buf = strconv.AppendInt(buf, int64(g.NumEdges()), 10)
	buf = append(buf, '\n')
	if _, err := bw.Write(buf); err != nil {
		return fmt.Errorf("graphs: EncodeEdgeList: %w", err)
	}
	h := Reverse(g) // row i: the nodes i sends to
	for i := range n {
		row, rw := h.Neighbours(i), h.Weights(i)
		k := 0
		if !g.directed {
			k, _ = slices.BinarySearch(row, int32(i))
		}
		for ; k < len(row); k++ {
			buf = strconv.AppendInt(buf[:0], int64(i), 10)
			buf = append(buf, '\t')
			buf = strconv.AppendInt(buf, int64(row[k]), 10)
			if rw != nil {
				buf = append(buf, '\t')
				buf = strconv.AppendFloat(buf, rw[k], 'g', -1, 64)
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("graphs: EncodeEdgeList: %w", err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("graphs: EncodeEdgeList: %w", err)
	}
	return nil
}

// WriteEdgeList writes g to path in EncodeEdgeList's format, atomically:
// readers see the old file or the complete new one (internal/atomicfile).
func WriteEdgeList(path string, g Graph) error {
	return atomicfile.Write(path, func(w io.Writer) error { return EncodeEdgeList(w, g) })
}
