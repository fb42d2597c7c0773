// Package graphio reads and writes graph files in the formats people have:
// gnnwb's and SNAP's integer edge lists, NetworkX's edge list, GraphML and
// node-link JSON. Every reader returns a graphs.Graph on nodes 0..n−1 and
// the file's id of each node; every writer takes them back, so a graph
// keeps its ids through gnnwb.
//
// # Ids and node order
//
// A file names nodes by ids; the graph numbers them 0..n−1, and ids[i] is
// the id of node i. The numbering is:
//
//   - EdgeList: the ids themselves when they fit (the file's ids are
//     0..n−1, with n the "# Nodes: N" header's N or the largest id plus one;
//     ids is then nil); otherwise, as for SNAP, ascending order.
//   - SNAP: ascending numeric order of the distinct ids.
//   - NetworkX: order of first appearance, line by line (as
//     nx.read_edgelist adds them).
//   - GraphML: order of the <node> elements, then nodes met first in an
//     <edge>, in order (as nx.read_graphml).
//   - NodeLink: order of "nodes", then nodes met first in an edge (as
//     nx.node_link_graph).
//
// Ids are strings; a JSON number id is kept as its text ("1", "1.5").
// Encode writes node i under ids[i] (or i when ids is nil) and edges in
// node order, so Parse(Encode(g, ids)) gives the same edges between the
// same ids; for GraphML and NodeLink the same graph and ids. Edge lists
// cannot list isolated nodes (EdgeList's "# Nodes: N" header keeps them
// when the ids are 0..n−1), and their reading order is that of first
// appearance (NetworkX) or ascending (EdgeList, SNAP), as it is for
// NetworkX's own write_edgelist and read_edgelist.
//
// # Formats
//
// EdgeList and SNAP: lines "u v" or "u v w" of non-negative integer ids
// and an optional finite weight, '#' comments, an optional "# Nodes: N"
// header, as graphs.ParseEdgeList reads them. SNAP's files (CA-GrQc.txt
// declares 5242 nodes and uses ids up to 26196) read as EdgeList with their
// ids mapped.
//
// NetworkX: nx.write_edgelist's lines "u v {'weight': 1.5, ...}" (a Python
// dict literal of edge data; 'weight' must be a number, other keys are
// skipped), "u v w" (data columns: the first is the weight, further ones
// are skipped) or "u v"; ids are any text without blanks; '#' anywhere
// starts a comment, as in nx.read_edgelist. The graph is weighted when any
// edge has a weight; others weigh 1. It is written as nx.write_edgelist
// does with data=True.
//
// GraphML: the first <graph> of the document; edgedefault and the edges'
// directed attributes give the direction (mixed is refused); the edge
// weight is the <data> of a <key for="edge"> (or "all") with
// attr.name="weight", its <default> applying to edges without one; other
// data are skipped; hyperedges and nested graphs are refused. It is
// written as nx.write_graphml does.
//
// NodeLink: the object of nx.node_link_data: "directed", "multigraph"
// (true is refused), "nodes" (objects with "id") and the edges (objects
// with "source", "target" and an optional numeric "weight") under "edges"
// (NetworkX 3.4 on) or "links" (before); other keys are skipped. It is
// written with "edges"; NetworkX before 3.4 reads it with
// node_link_graph(d, link="edges").
//
// In all formats duplicate edges are merged with their weights summed
// (graphs.FromEdges), and self loops are dropped unless
// Options.KeepSelfLoops. Options.Directed reads an edge list as directed;
// GraphML and NodeLink files say what they are.
//
// # Cost and errors
//
// Readers stream: memory is that of the graph, the ids and, for the string
// formats, an index of the ids, a small multiple of the file's size
// whatever the file holds (no count in a file is trusted for an
// allocation). Errors in a file are *graphs.ParseError naming the file and
// line, wrapping graphs.ErrFormat (malformed text), ErrUnsupported (a
// construct gnnwb graphs cannot hold), ErrTooLarge or ErrNodeID; nothing a
// file holds makes a reader panic.
package graphio
