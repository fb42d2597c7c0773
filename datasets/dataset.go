package datasets

import (
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/graphs/sparse"
)

// NodeDataset is one graph with per-node features, labels and a standard
// split (node classification). The n×NumFeatures features are held in the
// form the source stores them: dense in X (row-major float64: the features
// of node i are X[i*NumFeatures : (i+1)*NumFeatures]; LINQS, TU-style label
// features, OGB, karate) or sparse in SparseX (Planetoid, .npz), with the
// other field nil; DenseX gives a dense copy either way. Both are nil when
// NumFeatures is 0. Y[i] is the class of node i in 0..NumClasses−1. Train,
// Val and Test list node ids in ascending order (Planetoid's Test keeps
// test.index sorted); they are empty when the format defines no split.
type NodeDataset struct {
	Name        string
	Graph       graphs.Graph
	X           []float64
	SparseX     *sparse.Matrix
	NumFeatures int
	Y           []int32
	NumClasses  int
	ClassNames  []string // when the source names its classes, else nil
	IDs         []int64  // original numeric id of node i when the loader relabelled (SNAP, GML), else nil
	Train       []int32
	Val         []int32
	Test        []int32
	Meta        Meta
}

// GraphDataset is a collection of graphs with one label each (graph
// classification). Node features of all graphs are concatenated row-major:
// the nodes of graph g are rows NodeOffsets[g] .. NodeOffsets[g+1]−1 of X
// (NumFeatures columns; X is nil when NumFeatures is 0, as for IMDB).
// EdgeX[g], when not nil, holds NumEdgeFeatures values per stored CSR entry
// of Graphs[g], aligned with its neighbours array (graphs.Graph.CSR), so
// entry k of the CSR has features EdgeX[g][k*NumEdgeFeatures:...].
// Train/Val/Test list graph indices when the format ships a split (OGB);
// TU datasets use Folds (see StratifiedFolds).
type GraphDataset struct {
	Name            string
	Graphs          []graphs.Graph
	X               []float64
	NodeOffsets     []int
	NumFeatures     int
	EdgeX           [][]float64
	NumEdgeFeatures int
	Y               []int32
	NumClasses      int
	// Targets holds NumTargets real targets per graph (regression; TU's
	// graph attributes), graph g's at Targets[g*NumTargets:(g+1)*NumTargets];
	// nil, and NumTargets 0, when the dataset ships none. Y is nil when it
	// ships targets and no class labels.
	Targets    []float64
	NumTargets int
	Train      []int32
	Val        []int32
	Test       []int32
	Meta       Meta
}

// Meta records where a dataset came from and every normalisation the loader
// applied, each counted, so that nothing is changed silently.
type Meta struct {
	Format string   // "planetoid", "linqs", "npz", "tu", "snap", "gml", "ogb-node", "ogb-graph"
	Files  []string // the files read
	// OneBased: ids in the files were 1-based and were shifted to 0-based.
	OneBased bool
	// Relabelled: node ids were not 0..n−1 (or were strings) and were mapped
	// to 0..n−1: ascending id order for SNAP and GML (NodeDataset.IDs keeps
	// the originals), file order for LINQS's string ids.
	Relabelled bool
	// LinesRead counts the edge lines (or adjacency entries) read.
	LinesRead int
	// SelfLoops counts edge entries i→i that were dropped.
	SelfLoops int
	// Duplicates counts edge entries dropped because the same (directed)
	// entry was already present.
	Duplicates int
	// Symmetrised counts directed entries u→v added because v→u was present
	// but u→v was not (undirected datasets only).
	Symmetrised int
	// UnknownEndpoints counts edge lines dropped because an endpoint is not
	// a known node (LINQS CiteSeer: 17 citations of absent papers).
	UnknownEndpoints int
	// PaddedNodes counts nodes that exist in the graph but not in the
	// feature files and got zero features and label 0 (Planetoid CiteSeer:
	// 15 isolated test nodes, as PyTorch Geometric pads them).
	PaddedNodes int
	// LabelValues maps the class index c to the original label value
	// (TU graph labels such as −1/1 become 0/1), when labels were renumbered.
	LabelValues []int64
}

// DenseX returns the features as a row-major n×NumFeatures slice: X itself
// (not a copy) when the features are dense, else a new dense copy of
// SparseX, else nil. Errors wrap graphs.ErrTooLarge when the dense copy
// would exceed 2³¹ elements (16 GiB).
func (d *NodeDataset) DenseX() ([]float64, error) {
	if d.X != nil || d.SparseX == nil {
		return d.X, nil
	}
	if r, c := d.SparseX.Rows(), d.SparseX.Cols(); int64(r)*int64(c) > maxDense {
		return nil, fmt.Errorf("datasets: NodeDataset.DenseX: %d×%d exceeds %d elements: %w", r, c, maxDense, graphs.ErrTooLarge)
	}
	return d.SparseX.Dense()
}

// Stats is the summary that `gnnwb datasets info --json` prints.
type Stats struct {
	Name     string `json:"name"`
	Nodes    int    `json:"nodes"`
	Edges    int    `json:"edges"`   // undirected pairs (directed edges for a directed graph)
	Entries  int    `json:"entries"` // stored directed entries (PyG's edge_index columns)
	Directed bool   `json:"directed"`
	Features int    `json:"features"`
	// SparseEntries is the number of stored feature entries when the
	// features are kept sparse (NodeDataset.SparseX), else 0.
	SparseEntries int `json:"sparse_entries,omitempty"`
	Classes       int `json:"classes"`
	Graphs        int `json:"graphs,omitempty"`
	Train         int `json:"train"`
	Val           int `json:"val"`
	Test          int `json:"test"`
}

// Stats summarises d. Cost O(1).
func (d *NodeDataset) Stats() Stats {
	return Stats{
		Name: d.Name, Nodes: d.Graph.NumNodes(), Edges: d.Graph.NumEdges(), Entries: d.Graph.NumEntries(),
		Directed: d.Graph.Directed(), Features: d.NumFeatures, Classes: d.NumClasses,
		Train: len(d.Train), Val: len(d.Val), Test: len(d.Test), SparseEntries: d.SparseX.NNZ(),
	}
}

// Stats summarises d, summing nodes and edges over its graphs. Cost O(graphs).
func (d *GraphDataset) Stats() Stats {
	s := Stats{Name: d.Name, Graphs: len(d.Graphs), Features: d.NumFeatures, Classes: d.NumClasses,
		Train: len(d.Train), Val: len(d.Val), Test: len(d.Test)}
	for _, g := range d.Graphs {
		s.Nodes += g.NumNodes()
		s.Edges += g.NumEdges()
		s.Entries += g.NumEntries()
		s.Directed = s.Directed || g.Directed()
	}
	return s
}
