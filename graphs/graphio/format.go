package graphio

import (
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/inputfile"
)

// Format names a graph file format.
type Format string

// The formats Read and Write know; ParseFormat accepts these names.
const (
	// EdgeList is gnnwb's and SNAP's integer edge list ("u v" or "u v w"
	// lines, '#' comments, an optional "# Nodes: N" header): ids are taken
	// as given when they fit (ids 0..n−1, isolated nodes kept), and mapped
	// to 0..n−1 in ascending order when they do not (ids beyond the
	// header's N, or too sparse), as in SNAP's own files.
	EdgeList Format = "edgelist"
	// SNAP is the integer edge list with its ids always mapped to 0..n−1
	// in ascending numeric order.
	SNAP Format = "snap"
	// NetworkX is the edge list of nx.write_edgelist: string ids, an
	// optional Python dict of edge data ("a b {'weight': 1.5}") or data
	// columns ("a b 1.5").
	NetworkX Format = "networkx"
	// GraphML is the XML format of nx.write_graphml.
	GraphML Format = "graphml"
	// NodeLink is the JSON of nx.node_link_data, with edges under "edges"
	// or "links".
	NodeLink Format = "nodelink"
)

// Formats lists every Format, in the order of the documentation.
var Formats = []Format{EdgeList, SNAP, NetworkX, GraphML, NodeLink}

// ParseFormat returns the Format called name (case-insensitive; "json" is
// NodeLink, "nx" is NetworkX).
func ParseFormat(name string) (Format, error) {
	switch f := Format(strings.ToLower(strings.TrimSpace(name))); f {
	case EdgeList, SNAP, NetworkX, GraphML, NodeLink:
		return f, nil
	case "json", "node-link":
		return NodeLink, nil
	case "nx":
		return NetworkX, nil
	}
	return "", fmt.Errorf("graphio: ParseFormat: format=%q: want one of edgelist, snap, networkx, graphml, nodelink: %w", name, graphs.ErrParameter)
}

// FormatOf chooses the Format of path by its extension: .graphml and .xml
// are GraphML, .json NodeLink, .snap SNAP, .nx NetworkX, and any other
// (.txt, .edges, .edgelist, none, ...) EdgeList, gnnwb's default.
func FormatOf(path string) Format {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".graphml", ".xml":
		return GraphML
	case ".json":
		return NodeLink
	case ".snap":
		return SNAP
	case ".nx":
		return NetworkX
	}
	return EdgeList
}

// Options choose how a graph file is read. The zero value reads the format
// the path's extension names, undirected (unless the file says directed),
// without self loops.
type Options struct {
	// Format of the file; "" chooses it by the path's extension
	// (FormatOf). Parse needs it.
	Format Format
	// Directed reads the edge-list formats' lines "u v" as the edge u→v
	// instead of {u, v}. GraphML and node-link files say whether they are
	// directed; Directed with a file that says undirected is an error.
	Directed bool
	// KeepSelfLoops keeps edges i→i; by default they are dropped (their
	// node stays).
	KeepSelfLoops bool
}

// Read reads the graph file at path. It returns the graph on nodes 0..n−1
// and ids, the file's id of each node (ids[i] is node i's), or nil when the
// file's ids are the node numbers 0..n−1 themselves. Errors in the content
// are *graphs.ParseError naming path:line; a file that cannot be opened
// gives the *fs.PathError, wrapped.
//
// When the format was chosen by the extension .edgelist (NetworkX's
// habit) and the lines are not integer edges (string ids, a dict of edge
// data), the file is read again as NetworkX's edge list, whose ids are any
// strings.
func Read(path string, opt Options) (graphs.Graph, []string, error) {
	explicit := opt.Format != ""
	if !explicit {
		opt.Format = FormatOf(path)
	}
	g, ids, err := readFile(path, opt)
	var pe *graphs.ParseError
	if err != nil && !explicit && opt.Format == EdgeList && errors.Is(err, graphs.ErrFormat) && errors.As(err, &pe) {
		if strings.EqualFold(filepath.Ext(path), ".edgelist") {
			nopt := opt
			nopt.Format = NetworkX
			if g2, ids2, err2 := readFile(path, nopt); err2 == nil {
				return g2, ids2, nil
			}
		}
		return g, ids, &graphs.ParseError{Path: pe.Path, Line: pe.Line,
			Err: fmt.Errorf("%w (read as an integer edge list by its extension; for string ids or NetworkX's edge data give the format networkx)", pe.Err)}
	}
	return g, ids, err
}

func readFile(path string, opt Options) (graphs.Graph, []string, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return graphs.Graph{}, nil, fmt.Errorf("graphio: Read: %w", err)
	}
	defer f.Close()
	if err := inputfile.NotEmpty(f); err != nil {
		return graphs.Graph{}, nil, fmt.Errorf("graphio: Read: %w", &graphs.ParseError{Path: path, Err: fmt.Errorf("%w (a graph file holds at least its nodes or edges): %w", err, graphs.ErrFormat)})
	}
	return Parse(f, path, opt)
}

// Parse reads a graph in opt.Format from r; name is used in error
// messages. See Read for the results and the package documentation for
// each format. Cost: one pass over r, time O(m log m) and memory O(n + m)
// for n nodes and m edges, within a small factor of the input's size.
func Parse(r io.Reader, name string, opt Options) (graphs.Graph, []string, error) {
	if name == "" {
		name = "<input>"
	}
	switch opt.Format {
	case EdgeList, SNAP:
		return parseEdgeList(r, name, opt)
	case NetworkX:
		return parseNetworkX(r, name, opt)
	case GraphML:
		return parseGraphML(r, name, opt)
	case NodeLink:
		return parseNodeLink(r, name, opt)
	case "":
		return graphs.Graph{}, nil, fmt.Errorf("graphio: Parse: %s: no format given: %w", name, graphs.ErrParameter)
	}
	return graphs.Graph{}, nil, fmt.Errorf("graphio: Parse: format=%q: %w", opt.Format, graphs.ErrUnsupported)
}

// Encode writes g in format f to w, node i under the id ids[i] (ids nil:
// the ids "0".."n−1"), so that Parse reads back the same edges between
// the same ids: the same graph and ids for GraphML and NodeLink; for the
// edge lists, which cannot list isolated nodes, the nodes with an edge, in
// order of first appearance (NetworkX) or ascending (EdgeList and SNAP, or
// the same graph when the ids are 0..n−1). EdgeList and SNAP need integer ids;
// NetworkX needs ids without blanks or '#'. w is buffered here; the error
// is the first write error, wrapped.
func Encode(w io.Writer, f Format, g graphs.Graph, ids []string) error {
	if ids != nil && len(ids) != g.NumNodes() {
		return fmt.Errorf("graphio: Encode: %d ids for %d nodes: %w", len(ids), g.NumNodes(), graphs.ErrShape)
	}
	switch f {
	case EdgeList, SNAP:
		return encodeEdgeList(w, g, ids)
	case NetworkX:
		return encodeNetworkX(w, g, ids)
	case GraphML:
		return encodeGraphML(w, g, ids)
	case NodeLink:
		return encodeNodeLink(w, g, ids)
	}
	return fmt.Errorf("graphio: Encode: format=%q: %w", f, graphs.ErrUnsupported)
}

// Write writes g to path in format f ("" chooses it by the extension,
// FormatOf), atomically: readers see the old file or the complete new one.
// See Encode.
func Write(path string, f Format, g graphs.Graph, ids []string) error {
	if f == "" {
		f = FormatOf(path)
	}
	return atomicfile.Write(path, func(w io.Writer) error { return Encode(w, f, g, ids) })
}
