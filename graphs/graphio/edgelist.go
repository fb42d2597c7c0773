package graphio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
)

// sparseNodes and denseFactor are graphs.ParseEdgeList's bound on the node
// count of an edge list with ids taken as given: more than sparseNodes
// nodes need an edge line per denseFactor nodes.
const (
	sparseNodes = 1 << 20
	denseFactor = 64
)

// parseEdgeList reads EdgeList and SNAP files: graphs.ParseEdgeListIDs
// with Relabel, then, for EdgeList, the ids as given when they fit.
func parseEdgeList(r io.Reader, name string, opt Options) (graphs.Graph, []string, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	prefix, headerN, err := scanHeader(br)
	if err != nil {
		return graphs.Graph{}, nil, &graphs.ParseError{Path: name, Err: err}
	}
	g, ids, err := graphs.ParseEdgeListIDs(io.MultiReader(bytes.NewReader(prefix), br), name,
		graphs.EdgeListOptions{Directed: opt.Directed, KeepSelfLoops: opt.KeepSelfLoops, Relabel: true})
	if err != nil {
		return graphs.Graph{}, nil, err
	}
	if opt.Format == EdgeList {
		if h, ok := asGiven(g, ids, headerN); ok {
			return h, nil, nil
		}
	}
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = strconv.FormatInt(id, 10)
	}
	return g, s, nil
}

// scanHeader reads the comment and blank lines before the first edge line
// (and that line) and returns them, with the N of a "# Nodes: N" header
// among them (-1 if none, or malformed: the edge-list parser reports that).
func scanHeader(br *bufio.Reader) ([]byte, int64, error) {
	var prefix []byte
	n := int64(-1)
	for {
		line, err := br.ReadSlice('\n')
		prefix = append(prefix, line...)
		if err == bufio.ErrBufferFull {
			return prefix, n, nil // a long line: the parser reads the rest
		}
		if err != nil && err != io.EOF {
			return nil, 0, err
		}
		t := bytes.TrimLeft(line, " \t\r")
		if len(t) > 0 && t[0] == '#' {
			if v, ok := headerCount(t[1:]); ok {
				n = v
			}
		} else if len(t) > 0 && t[0] != '\n' {
			return prefix, n, nil
		}
		if err == io.EOF {
			return prefix, n, nil
		}
	}
}

// headerCount parses the text after '#' of "# Nodes: N ...".
func headerCount(c []byte) (int64, bool) {
	c = bytes.TrimLeft(c, " \t")
	rest, ok := bytes.CutPrefix(c, []byte("Nodes:"))
	if !ok {
		return 0, false
	}
	rest = bytes.TrimLeft(rest, " \t")
	end := bytes.IndexAny(rest, " \t\r\n")
	if end < 0 {
		end = len(rest)
	}
	v, err := strconv.ParseInt(string(rest[:end]), 10, 64)
	if err != nil || v < 0 || rest[0] == '+' {
		return 0, false
	}
	return v, true
}

// asGiven returns g (read with its distinct ids relabelled ascending) on
// the file's own ids 0..n−1, n the header's N or the largest id plus one,
// when graphs.ParseEdgeList would accept the file without Relabel.
func asGiven(g graphs.Graph, ids []int64, headerN int64) (graphs.Graph, bool) {
	k := len(ids)
	n := int64(0)
	if k > 0 {
		n = ids[k-1] + 1
	}
	if headerN >= 0 {
		if n > headerN {
			return graphs.Graph{}, false
		}
		n = headerN
	}
	if n > graphs.MaxNodes || (n > sparseNodes && n/denseFactor > int64(g.NumEntries())) {
		return graphs.Graph{}, false
	}
	if int(n) == k {
		return g, true // ids are 0..n−1: relabelling changed nothing
	}
	off, nb, ws := g.CSR()
	offsets := make([]int, n+1)
	neighbours := make([]int32, len(nb))
	for i := range k {
		offsets[ids[i]+1] = off[i+1] - off[i]
	}
	for i := range int(n) {
		offsets[i+1] += offsets[i]
	}
	for e, j := range nb {
		neighbours[e] = int32(ids[j])
	}
	// Rows of g are in id order already, and the map is increasing, so the
	// rows keep their order and stay sorted.
	h, err := graphs.FromCSR(offsets, neighbours, ws, g.Directed())
	if err != nil {
		return graphs.Graph{}, false
	}
	return h, true
}

// encodeEdgeList writes the integer edge list: graphs.EncodeEdgeList's
// layout with the original ids.
func encodeEdgeList(w io.Writer, g graphs.Graph, ids []string) error {
	if ids == nil {
		return graphs.EncodeEdgeList(w, g)
	}
	num := make([]int64, len(ids))
	for i, s := range ids {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v < 0 || strconv.FormatInt(v, 10) != s {
			return fmt.Errorf("graphio: Encode: node %d has id %q, not a non-negative integer (the edgelist and snap formats need them; use networkx, graphml or nodelink): %w", i, s, graphs.ErrParameter)
		}
		num[i] = v
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	kind := "# Undirected graph\n"
	if g.Directed() {
		kind = "# Directed graph\n"
	}
	fmt.Fprintf(bw, "%s# Nodes: %d Edges: %d\n", kind, g.NumNodes(), g.NumEdges())
	buf := make([]byte, 0, 64)
	err := eachEdge(g, func(u, v int, x float64) error {
		buf = strconv.AppendInt(buf[:0], num[u], 10)
		buf = append(buf, '\t')
		buf = strconv.AppendInt(buf, num[v], 10)
		if g.Weighted() {
			buf = append(buf, '\t')
			buf = strconv.AppendFloat(buf, x, 'g', -1, 64)
		}
		buf = append(buf, '\n')
		_, err := bw.Write(buf)
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("graphio: Encode: %w", err)
	}
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }
