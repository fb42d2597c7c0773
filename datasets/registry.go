package datasets

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
)

// fileSum is the size and SHA-256 (hex) of a file.
type fileSum struct {
	Size   int64
	SHA256 string
}

// RemoteFile is one file of a dataset: where it lives under the cache root
// and where Fetch gets it.
type RemoteFile struct {
	// Path is the file's place under the root, slash-separated, in the
	// layout of the data root (e.g. "planetoid/raw/ind.cora.x").
	Path string `json:"path"`
	// URL is the canonical public address of the file or of the archive
	// holding it.
	URL string `json:"url"`
	// Archive says how to get the file out of what URL returns: "" (the
	// file itself), "gz" (gunzip), "zip" or "tgz" (the member Member).
	Archive string `json:"archive,omitempty"`
	Member  string `json:"member,omitempty"`
	// SHA256 is the hash of the file itself (not of the archive), from
	// PROVENANCE.md's manifest; GitBlob is the git blob id to check instead
	// when no SHA-256 is known (PubMed's ind.pubmed.allx).
	SHA256  string `json:"sha256,omitempty"`
	Size    int64  `json:"size,omitempty"`
	GitBlob string `json:"git_blob,omitempty"`
}

// Entry describes a registered dataset.
type Entry struct {
	Name     string       `json:"name"`
	Kind     string       `json:"kind"` // "node" or "graph"
	Format   string       `json:"format"`
	About    string       `json:"about"`
	Citation string       `json:"citation"`
	Files    []RemoteFile `json:"files"`
	load     func(root string) (Dataset, error)
}

// Dataset is a *NodeDataset or a *GraphDataset.
type Dataset interface {
	Stats() Stats
}

func file(p, url, archive, member string) RemoteFile {
	f := RemoteFile{Path: p, URL: url, Archive: archive, Member: member}
	if s, ok := manifest[p]; ok {
		f.SHA256, f.Size = s.SHA256, s.Size
	}
	return f
}

func planetoidInfo(name, cite string) Entry {
	inf := Entry{Name: name, Kind: "node", Format: "planetoid",
		About:    "Planetoid " + name + " (Yang et al. 2016), public split as in PyTorch Geometric",
		Citation: "Z. Yang, W. W. Cohen, R. Salakhutdinov. Revisiting Semi-Supervised Learning with Graph Embeddings. ICML 2016. " + cite}
	for _, p := range planetoidParts {
		f := file("planetoid/raw/ind."+name+"."+p, "https://github.com/kimiyoung/planetoid/raw/master/data/ind."+name+"."+p, "", "")
		if name == "pubmed" && p == "allx" {
			f.GitBlob = "3b86bccf08111c37c632a9dd8ab63db25ea76361" // PROVENANCE.md §1
		}
		inf.Files = append(inf.Files, f)
	}
	inf.load = func(root string) (Dataset, error) {
		return ReadPlanetoid(filepath.Join(root, "planetoid", "raw"), name)
	}
	return inf
}

const (
	citeLINQS = "P. Sen, G. Namata, M. Bilgic, L. Getoor, B. Gallagher, T. Eliassi-Rad. Collective Classification in Network Data. AI Magazine 29(3), 2008."
	citeTU    = "C. Morris et al. TUDataset: A collection of benchmark datasets for learning with graphs. ICML 2020 GRL+ Workshop (arXiv:2007.08663)."
	tuURL     = "https://www.chrsmrrs.com/graphkerneldatasets/"
)

func linqsInfo(name string) Entry {
	url := "https://linqs-data.soe.ucsc.edu/public/lbc/" + name + ".tgz"
	return Entry{Name: name + "-linqs", Kind: "node", Format: "linqs",
		About:    "LINQS " + name + " in its original text form (no split)",
		Citation: citeLINQS,
		Files: []RemoteFile{
			file("linqs/"+name+"/"+name+".content", url, "tgz", name+"/"+name+".content"),
			file("linqs/"+name+"/"+name+".cites", url, "tgz", name+"/"+name+".cites"),
		},
		load: func(root string) (Dataset, error) { return ReadLINQS(filepath.Join(root, "linqs", name), name) },
	}
}

func npzInfo(name string) Entry {
	return Entry{Name: name + "-npz", Kind: "node", Format: "npz",
		About:    name + " as .npz from shchur/gnn-benchmark (no split)",
		Citation: "O. Shchur, M. Mumme, A. Bojchevski, S. Günnemann. Pitfalls of Graph Neural Network Evaluation. arXiv:1811.05868, 2018. " + citeLINQS,
		Files: []RemoteFile{file("gnn-benchmark-npz/"+name+".npz",
			"https://github.com/shchur/gnn-benchmark/raw/master/data/npz/"+name+".npz", "", "")},
		load: func(root string) (Dataset, error) {
			return ReadNPZ(filepath.Join(root, "gnn-benchmark-npz", name+".npz"))
		},
	}
}

func tuInfo(ds string, parts []string, cite string) Entry {
	inf := Entry{Name: strings.ToLower(ds), Kind: "graph", Format: "tu",
		About:    "TU Dortmund graph classification set " + ds + " (one-hot node labels as PyG's TUDataset)",
		Citation: citeTU + " " + cite}
	for _, p := range parts {
		inf.Files = append(inf.Files, file("tu/"+ds+"/"+ds+"_"+p+".txt", tuURL+ds+".zip", "zip", ds+"/"+ds+"_"+p+".txt"))
	}
	inf.load = func(root string) (Dataset, error) { return ReadTU(filepath.Join(root, "tu", ds), ds, TUOptions{}) }
	return inf
}

var registry = func() []Entry {
	base := []string{"A", "graph_indicator", "graph_labels"}
	with := func(extra ...string) []string { return append(slices.Clone(base), extra...) }
	snap := "https://snap.stanford.edu/data/"
	list := []Entry{
		planetoidInfo("cora", citeLINQS),
		planetoidInfo("citeseer", citeLINQS),
		planetoidInfo("pubmed", "G. Namata et al. Query-driven Active Surveying for Collective Classification. MLG 2012."),
		linqsInfo("cora"), linqsInfo("citeseer"),
		npzInfo("cora"), npzInfo("citeseer"),
		tuInfo("MUTAG", with("node_labels", "edge_labels"), "A. K. Debnath et al. J. Med. Chem. 34(2):786–797, 1991."),
		tuInfo("PROTEINS", with("node_labels", "node_attributes"), "K. M. Borgwardt et al. Bioinformatics 21(Suppl 1):i47–i56, 2005."),
		tuInfo("ENZYMES", with("node_labels", "node_attributes"), "K. M. Borgwardt et al. Bioinformatics 21(Suppl 1):i47–i56, 2005."),
		tuInfo("NCI1", with("node_labels"), "N. Wale, G. Karypis. Comparison of descriptor spaces for chemical compound retrieval and classification. ICDM 2006."),
		tuInfo("NCI109", with("node_labels"), "N. Wale, G. Karypis. ICDM 2006."),
		tuInfo("PTC_MR", with("node_labels", "edge_labels"), "C. Helma et al. The Predictive Toxicology Challenge 2000–2001. Bioinformatics 17(1), 2001."),
		tuInfo("IMDB-BINARY", base, "P. Yanardag, S. V. N. Vishwanathan. Deep Graph Kernels. KDD 2015."),
		tuInfo("IMDB-MULTI", base, "P. Yanardag, S. V. N. Vishwanathan. Deep Graph Kernels. KDD 2015."),
		{Name: "karate", Kind: "node", Format: "gml",
			About:    "Zachary's karate club (Newman's GML), club split labels from a documented table (KarateClub)",
			Citation: "W. W. Zachary. An Information Flow Model for Conflict and Fission in Small Groups. J. Anthropol. Res. 33(4), 1977.",
			Files:    []RemoteFile{file("karate/karate.gml", "http://www-personal.umich.edu/~mejn/netdata/karate.zip", "zip", "karate.gml")},
			load:     func(root string) (Dataset, error) { return ReadKarate(filepath.Join(root, "karate", "karate.gml")) }},
		{Name: "email-eu-core", Kind: "node", Format: "snap",
			About:    "SNAP email-Eu-core, directed, 42 department labels",
			Citation: "H. Yin, A. R. Benson, J. Leskovec, D. F. Gleich. Local Higher-order Graph Clustering. KDD 2017.",
			Files: []RemoteFile{
				file("snap/email-Eu-core/email-Eu-core.txt", snap+"email-Eu-core.txt.gz", "gz", ""),
				file("snap/email-Eu-core/email-Eu-core-department-labels.txt", snap+"email-Eu-core-department-labels.txt.gz", "gz", ""),
			},
			load: func(root string) (Dataset, error) {
				d := filepath.Join(root, "snap", "email-Eu-core")
				return ReadSNAP(filepath.Join(d, "email-Eu-core.txt"), filepath.Join(d, "email-Eu-core-department-labels.txt"), true)
			}},
		{Name: "ca-grqc", Kind: "node", Format: "snap",
			About:    "SNAP ca-GrQc collaboration network, undirected, no labels",
			Citation: "J. Leskovec, J. Kleinberg, C. Faloutsos. Graph Evolution: Densification and Shrinking Diameters. ACM TKDD 1(1), 2007.",
			Files:    []RemoteFile{file("snap/ca-GrQc/CA-GrQc.txt", snap+"ca-GrQc.txt.gz", "gz", "")},
			load: func(root string) (Dataset, error) {
				return ReadSNAP(filepath.Join(root, "snap", "ca-GrQc", "CA-GrQc.txt"), "", false)
			}},
		{Name: "facebook", Kind: "node", Format: "snap",
			About:    "SNAP ego-Facebook (facebook_combined), undirected, no labels",
			Citation: "J. McAuley, J. Leskovec. Learning to Discover Social Circles in Ego Networks. NIPS 2012.",
			Files:    []RemoteFile{file("snap/facebook/facebook_combined.txt", snap+"facebook_combined.txt.gz", "gz", "")},
			load: func(root string) (Dataset, error) {
				return ReadSNAP(filepath.Join(root, "snap", "facebook", "facebook_combined.txt"), "", false)
			}},
	}
	bace := Entry{Name: "ogbg-molbace", Kind: "graph", Format: "ogb-graph",
		About:    "OGB ogbg-molbace (raw CSV layout), scaffold split",
		Citation: "W. Hu et al. Open Graph Benchmark: Datasets for Machine Learning on Graphs. NeurIPS 2020.",
		load: func(root string) (Dataset, error) {
			return ReadOGBGraph(filepath.Join(root, "ogb", "ogbg_molbace"), "scaffold")
		}}
	for _, p := range []string{"raw/edge.csv.gz", "raw/edge-feat.csv.gz", "raw/graph-label.csv.gz", "raw/node-feat.csv.gz",
		"raw/num-edge-list.csv.gz", "raw/num-node-list.csv.gz", "split/scaffold/train.csv.gz", "split/scaffold/valid.csv.gz", "split/scaffold/test.csv.gz"} {
		bace.Files = append(bace.Files, file("ogb/ogbg_molbace/"+p, "http://snap.stanford.edu/ogb/data/graphproppred/csv_mol_download/bace.zip", "zip", "bace/"+p))
	}
	list = append(list, bace)
	slices.SortFunc(list, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return list
}()

// Names returns the registered dataset names, sorted. The slice is a copy.
func Names() []string {
	out := make([]string, len(registry))
	for i, e := range registry {
		out[i] = e.Name
	}
	return out
}

// lookup finds name (case-insensitive; "_" and "-" are interchangeable).
func lookup(name string) (*Entry, error) {
	key := strings.ReplaceAll(strings.ToLower(strings.TrimSpace(name)), "_", "-")
	for i := range registry {
		if strings.ReplaceAll(registry[i].Name, "_", "-") == key {
			return &registry[i], nil
		}
	}
	return nil, fmt.Errorf("datasets: %q: %w (known: %s)", name, ErrUnknown, strings.Join(Names(), ", "))
}

// Info returns the description of the dataset name (case-insensitive;
// "_" and "-" are interchangeable), including the files it needs and their
// sources. The Files slice is a copy. Errors wrap ErrUnknown.
func Info(name string) (Entry, error) {
	e, err := lookup(name)
	if err != nil {
		return Entry{}, err
	}
	out := *e
	out.Files = slices.Clone(e.Files)
	return out, nil
}

// Root resolves the data root: root if not empty, else $GNNWB_DATA, else
// os.UserCacheDir()/gnnwb. The folder need not exist.
func Root(root string) (string, error) {
	if root != "" {
		return root, nil
	}
	if d := os.Getenv("GNNWB_DATA"); d != "" {
		return d, nil
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("datasets: Root: no root given, GNNWB_DATA unset, and %w", err)
	}
	return filepath.Join(c, "gnnwb"), nil
}

// Load reads the registered dataset name from root (see Root) without any
// network access and returns a *NodeDataset or a *GraphDataset. When a file
// is missing, the error wraps ErrMissing and says which file, where it
// belongs, and that Fetch (or `gnnwb datasets fetch NAME`) downloads it.
// Each file that has the registry's size is checked against the registry's
// SHA-256 the first time it is loaded (see Verify for the memo that spares
// later loads the hashing, and for files of another size): one that
// differs is refused with an error wrapping ErrChecksum that names it, its
// digest and the registry's, and how to fetch it again.
func Load(name, root string) (Dataset, error) {
	e, err := lookup(name)
	if err != nil {
		return nil, err
	}
	if root, err = Root(root); err != nil {
		return nil, err
	}
	for _, f := range e.Files {
		p := filepath.Join(root, filepath.FromSlash(f.Path))
		if _, err := os.Stat(p); err != nil {
			return nil, fmt.Errorf("datasets: Load %s: %s is missing: run `gnnwb datasets fetch %s` (Fetch) or put the file there (source %s%s): %w",
				e.Name, p, e.Name, f.URL, memberNote(f), ErrMissing)
		}
	}
	if err := verifyEntry(e, root); err != nil {
		return nil, err
	}
	ds, err := e.load(root)
	if err != nil {
		return nil, err
	}
	switch d := ds.(type) {
	case *NodeDataset:
		d.Name = e.Name
	case *GraphDataset:
		d.Name = e.Name
	}
	return ds, nil
}

func memberNote(f RemoteFile) string {
	switch f.Archive {
	case "":
		return ""
	case "gz":
		return ", gunzipped"
	}
	return ", member " + f.Member
}

// LoadNode is Load for node datasets; a graph dataset is an error
// wrapping graphs.ErrParameter.
func LoadNode(name, root string) (*NodeDataset, error) {
	ds, err := Load(name, root)
	if err != nil {
		return nil, err
	}
	d, ok := ds.(*NodeDataset)
	if !ok {
		return nil, fmt.Errorf("datasets: LoadNode: %s is a graph classification dataset (use LoadGraph): %w", name, graphs.ErrParameter)
	}
	return d, nil
}

// LoadGraph is Load for graph classification datasets.
func LoadGraph(name, root string) (*GraphDataset, error) {
	ds, err := Load(name, root)
	if err != nil {
		return nil, err
	}
	d, ok := ds.(*GraphDataset)
	if !ok {
		return nil, fmt.Errorf("datasets: LoadGraph: %s is a node dataset (use LoadNode): %w", name, graphs.ErrParameter)
	}
	return d, nil
}

// FetchAndLoad is Load, preceded by Fetch when a file is missing: it needs
// the network only then. If the download fails, the error names the
// missing file, where it belongs and its source, and wraps both ErrMissing
// and the download error.
func FetchAndLoad(ctx context.Context, name, root string) (Dataset, error) {
	ds, err := Load(name, root)
	if err == nil || !errors.Is(err, ErrMissing) {
		return ds, err
	}
	if ferr := Fetch(ctx, name, root); ferr != nil {
		return nil, fmt.Errorf("%w; download failed: %w", err, ferr)
	}
	return Load(name, root)
}
