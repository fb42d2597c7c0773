// Package datasets loads the benchmark graph datasets of gnnwb from their
// original public files, offline, with every normalisation counted.
//
// # Data model
//
// A node-classification dataset is a *NodeDataset: one graphs.Graph on
// nodes 0..n−1, features as a flat row-major n×d []float64 X (row i is
// X[i*d:(i+1)*d], the h_i^(0) of docs/mathematics.md §2) or, for sources that store them
// sparse (Planetoid, npz), as the sparse.Matrix SparseX (Cora: 49,216 stored
// entries instead of 2708·1433; DenseX gives the dense copy), labels Y
// []int32 in 0..C−1 and a split Train/Val/Test of node ids (sorted). A graph-classification
// dataset is a *GraphDataset: graphs G_1..G_N with their node features
// concatenated (rows NodeOffsets[g]..NodeOffsets[g+1]−1 of X belong to
// graph g, with local ids 0..n_g−1), optional edge features EdgeX[g]
// aligned with the CSR entries of Graphs[g], one label per graph, and a
// split when the format ships one (OGB) or Folds from StratifiedFolds (TU).
// Stats gives the numbers `gnnwb datasets info --json` prints.
//
// Graphs follow graphs.Graph: row i lists the nodes i receives from. The
// citation, TU, SNAP-undirected, GML and OGB graphs are undirected: each
// edge {u, v} is stored in both rows, so NumEdges counts unordered pairs and
// NumEntries = 2·NumEdges equals PyTorch Geometric's edge_index width (Cora:
// 5278 pairs, 10556 entries). email-Eu-core is loaded directed.
//
// # Normalisations
//
// Loaders never change data silently; Meta records each step:
//
//   - ids: TU ids are 1-based and become 0-based (Meta.OneBased); SNAP and
//     GML ids may be any non-negative integers and are numbered 0..n−1 in
//     ascending order (Meta.Relabelled, originals in IDs); LINQS paper ids
//     are strings numbered in file order.
//   - self loops are dropped (Meta.SelfLoops: CiteSeer Planetoid 248
//     adjacency entries, email-Eu-core 642 lines, CA-GrQc 12).
//   - duplicate directed entries are merged (Meta.Duplicates: IMDB-BINARY
//     and IMDB-MULTI list every entry twice, 193062 and 197806 extra).
//   - undirected datasets get the reverse of every entry that lacks one
//     (Meta.Symmetrised: LINQS/npz citations are directed, Cora 5127).
//   - LINQS citations naming unknown papers are dropped
//     (Meta.UnknownEndpoints: CiteSeer 17).
//   - Planetoid CiteSeer's 15 isolated test nodes absent from tx/ty get
//     zero features and label 0 (Meta.PaddedNodes), as PyG pads them.
//   - labels: TU and SNAP labels are renumbered 0..C−1 in ascending order
//     of value (Meta.LabelValues: MUTAG −1, 1 → 0, 1); LINQS class names
//     are numbered alphabetically (ClassNames); TU node and edge labels
//     become one-hot blocks of width max−min+1 per column, as PyG's
//     torch_geometric/io/tu.py does.
//
// # Formats
//
//   - Planetoid (ReadPlanetoid): ind.<name>.{x,tx,allx} are Python-2
//     pickles of scipy.sparse.csr_matrix (float32), {y,ty,ally} one-hot
//     numpy int32 arrays, graph a defaultdict(list) adjacency, test.index
//     text. Pickles are decoded by gopickle after an opcode whitelist scan
//     (every length fits in the file) with only these classes: csr_matrix,
//     numpy ndarray/_reconstruct/dtype, defaultdict(list); anything else is
//     refused. The graph pickle, when it has the exact opcode shape
//     cPickle writes, is read directly into flat arrays instead (the same
//     result, checked by a differential fuzzer against gopickle). The public split is PyG's: Train = 0..|y|−1, Val = the next
//     500, Test = test.index sorted; node test.index[k] takes row k of
//     tx/ty.
//   - LINQS text (ReadLINQS): <name>.content "id f_1 … f_d class",
//     <name>.cites "cited citing".
//   - gnn-benchmark npz (ReadNPZ): adj_* and attr_* scipy CSR parts,
//     labels, class_names; .npy headers parsed with npyio, each shape
//     checked against the bytes that follow it before anything is
//     allocated for it.
//   - TU (ReadTU): DS_A.txt, DS_graph_indicator.txt, DS_graph_labels.txt,
//     optional DS_node_labels.txt, DS_node_attributes.txt,
//     DS_edge_labels.txt; comma-separated, any dataset of this format.
//   - SNAP (ReadSNAP): "u v" lines, '#'/'%' comments, LF or CRLF, optional
//     "node label" file. GML (ReadGML, ReadKarate): graph [ node [ id ]
//     edge [ source target ] ]; karate.gml has no club labels, so
//     ReadKarate applies the documented table KarateClub.
//   - OGB raw CSV (ReadOGBNode, ReadOGBGraph): raw/*.csv.gz and
//     split/<scheme>/*.csv.gz, streamed line by line.
//
// Malformed input gives a *graphs.ParseError{Path, Line, Err} ("path:line: msg")
// wrapping graphs.ErrFormat, ErrShape, ErrNodeID or ErrTooLarge; a missing
// file wraps ErrMissing and says where it belongs. No loader panics or
// returns a partial dataset with an error; every parser is fuzzed.
//
// A loader allocates in proportion to what its files hold, never to what
// a header or a count in another file claims: buffers are sized from the
// bytes read, and each reader stops, with an error wrapping ErrTooLarge,
// at an allowance tied to the size of its input: an npz member may
// decompress to 32 bytes per byte of the archive, a pickle may cost its
// decoder 256 bytes per byte (the memo lets a two-byte opcode name an
// object again: such references are shared, never copied), one-hot TU
// features may take 64 bytes per byte of the files read, an OGB row count
// reserves at most 64 bytes per byte of the gzipped file, and OGB node
// counts that no node features back may cost as much per byte of the files
// read; each allowance adds 64 KiB for small files.
//
// # Registry and cache
//
// Names lists the registered datasets; Info(name) describes one (files,
// canonical URLs, SHA-256 from the embedded manifest);
// Load(name, root) reads it offline; Fetch(ctx, name, root) downloads the
// missing files; FetchAndLoad does both, touching the network only when a
// file is missing. Names are case-insensitive and "_" equals "-".
//
// The root is the root argument, else $GNNWB_DATA, else
// os.UserCacheDir()/gnnwb. Fetch writes, and Load reads, this layout under
// it, so any folder laid out this way works as GNNWB_DATA with no copying:
//
//	planetoid/raw/ind.<name>.<part>
//	linqs/<name>/<name>.{content,cites}
//	gnn-benchmark-npz/<name>.npz
//	tu/<DS>/<DS>_<part>.txt
//	snap/<name>/<file>.txt
//	karate/karate.gml
//	ogb/<name>/{raw,split}/...
//
// Load checks each file of the registry's size against the registry's
// digest the first time it reads it (a file of another size is not the
// registered one but one put in its place, read unverified) and remembers the size and modification time it verified (in
// .gnnwb-verified.json in the root when the root is writable, else in the
// user cache directory, else nowhere), so that later loads skip the
// hashing; a file that differs is refused with both digests and the
// command that fetches it again. Verify checks every file, hashing each
// (`gnnwb datasets verify`). Fetch verifies files already present (SHA-256,
// or the git blob id for PubMed's ind.pubmed.allx whose SHA-256 is not
// known) and never overwrites one that fails; it downloads each archive once into a temporary file
// under the root, extracts the members, verifies each before renaming it
// into place, and removes every temporary file on failure, so an
// interrupted download leaves nothing behind. A download longer than the
// registry's sizes allow is stopped there (see Fetcher.Fetch).
//
// # Splits
//
// StratifiedFolds gives the 10-fold stratified cross-validation with a
// stratified 10% inner validation holdout of Errica et al. (ICLR 2020),
// reproducibly from a seed (ErricaSplits packs it with those settings);
// WriteSplits and ReadSplits store it as JSON.
package datasets
