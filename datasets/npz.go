package datasets

import (
	"archive/zip"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io"
	"os"
	"strconv"
	"strings"

	"codeberg.org/sbinet/npyio/npy"
	"github.com/gnnwb/gnnwb/graphs"
)

// maxNPYElems bounds the elements of one npz member (2^31), so that a
// corrupt header cannot demand more memory than a real dataset needs.
const maxNPYElems = 1 << 31

// npzArray is one numeric member of an npz archive, widened.
type npzArray struct {
	shape []int
	ints  []int64   // integer members
	reals []float64 // floating-point members
	strs  []string  // unicode members
}

// readNPZMember decodes member f (a .npy file) of the archive file path.
// Integer dtypes go to ints, floats to reals, unicode to strs.
func readNPZMember(path string, f *zip.File) (a *npzArray, err error) {
	bad := func(format string, args ...any) error {
		return &graphs.ParseError{Path: path, Err: fmt.Errorf("member %s: %s: %w", f.Name, fmt.Sprintf(format, args...), graphs.ErrFormat)}
	}
	defer func() {
		if r := recover(); r != nil {
			a, err = nil, bad("malformed npy (%v)", r)
		}
	}()
	rc, err := f.Open()
	if err != nil {
		return nil, bad("%v", err)
	}
	defer rc.Close()
	rp, err := npy.NewReader(rc)
	if err != nil {
		return nil, bad("%v", err)
	}
	h := rp.Header.Descr
	if h.Fortran && len(h.Shape) > 1 {
		return nil, bad("Fortran order not supported")
	}
	total := int64(1)
	for _, d := range h.Shape {
		if d < 0 || (d > 0 && total > maxNPYElems/int64(d)) {
			return nil, bad("shape %v too large", h.Shape)
		}
		total *= int64(d)
	}
	typ := strings.TrimLeft(strings.Trim(h.Type, "'\""), "<>|=")
	if strings.Contains(h.Type, ">") || len(typ) < 2 {
		return nil, bad("dtype %q not supported (little-endian numbers and unicode only)", h.Type)
	}
	esize, _ := strconv.ParseInt(typ[1:], 10, 64)
	if typ[0] == 'U' {
		esize *= 4
	}
	// A member cannot hold more elements than its uncompressed size allows.
	if esize <= 0 || uint64(total*esize) > f.UncompressedSize64 {
		return nil, bad("shape %v of %s needs %d bytes, member has %d", h.Shape, h.Type, total*esize, f.UncompressedSize64)
	}
	a = &npzArray{shape: h.Shape}
	switch typ {
	case "i1":
		var v []int8
		err = rp.Read(&v)
		a.ints = widen(v)
	case "u1", "b1":
		var v []uint8
		err = rp.Read(&v)
		a.ints = widen(v)
	case "i2":
		var v []int16
		err = rp.Read(&v)
		a.ints = widen(v)
	case "i4":
		var v []int32
		err = rp.Read(&v)
		a.ints = widen(v)
	case "i8":
		err = rp.Read(&a.ints)
	case "f4":
		var v []float32
		err = rp.Read(&v)
		a.reals = make([]float64, len(v))
		for i, x := range v {
			a.reals[i] = float64(x)
		}
	case "f8":
		err = rp.Read(&a.reals)
	default:
		if typ[0] == 'U' {
			err = rp.Read(&a.strs)
			break
		}
		return nil, bad("dtype %s not supported", h.Type)
	}
	if err != nil {
		return nil, bad("%v", err)
	}
	if n := max(len(a.ints), len(a.reals), len(a.strs)); int64(n) != total {
		return nil, bad("read %d elements, shape %v has %d", n, h.Shape, total)
	}
	return a, nil
}

func widen[T int8 | uint8 | int16 | int32](v []T) []int64 {
	out := make([]int64, len(v))
	for i, x := range v {
		out[i] = int64(x)
	}
	return out
}

// csrParts checks the scipy CSR parts prefix_{data,indices,indptr,shape}
// and returns rows, cols.
func csrParts(path, prefix string, m map[string]*npzArray) (rows, cols int, err error) {
	bad := func(format string, args ...any) error {
		return perr(path, 0, graphs.ErrShape, prefix+": "+format, args...)
	}
	data, ind, ptr, shp := m[prefix+"_data"], m[prefix+"_indices"], m[prefix+"_indptr"], m[prefix+"_shape"]
	if data == nil || ind == nil || ptr == nil || shp == nil {
		return 0, 0, perr(path, 0, graphs.ErrFormat, "members %s_{data,indices,indptr,shape}.npy missing", prefix)
	}
	if data.reals == nil && data.ints != nil {
		data.reals = make([]float64, len(data.ints))
		for i, x := range data.ints {
			data.reals[i] = float64(x)
		}
	}
	if len(shp.ints) != 2 || ind.ints == nil || ptr.ints == nil || data.reals == nil {
		return 0, 0, bad("wrong dtypes or shape %v", shp.ints)
	}
	r, c := shp.ints[0], shp.ints[1]
	if r < 0 || c < 0 || r > graphs.MaxNodes || c > graphs.MaxNodes {
		return 0, 0, bad("shape %v", shp.ints)
	}
	nnz := int64(len(ind.ints))
	if int64(len(data.reals)) != nnz || int64(len(ptr.ints)) != r+1 {
		return 0, 0, bad("%d values, %d indices, %d indptr entries for %d rows", len(data.reals), nnz, len(ptr.ints), r)
	}
	prev := int64(0)
	for i, p := range ptr.ints {
		if p < prev || p > nnz || (i == 0 && p != 0) || (int64(i) == r && p != nnz) {
			return 0, 0, bad("indptr[%d]=%d invalid (nnz %d)", i, p, nnz)
		}
		prev = p
	}
	for _, j := range ind.ints {
		if j < 0 || j >= c {
			return 0, 0, perr(path, 0, graphs.ErrNodeID, "%s: column %d not in [0,%d)", prefix, j, c)
		}
	}
	return int(r), int(c), nil
}

// ReadNPZ reads a node-classification dataset in the .npz form of
// shchur/gnn-benchmark (cora.npz, citeseer.npz, pubmed.npz): scipy CSR parts
// adj_{data,indices,indptr,shape} and attr_{...}, labels, and optionally
// class_names. The adjacency (directed citations) is made undirected, self
// loops dropped and duplicates merged (counted in Meta); attributes stay
// sparse in SparseX (duplicates summed, zeros dropped); ClassNames comes
// from class_names. There is no split. Errors are *graphs.ParseError naming the
// file (and member). Cost O(n + nnz + m log d_max), nnz the stored
// attributes.
func ReadNPZ(path string) (*NodeDataset, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		if os.IsNotExist(err) {
			return nil, missing(path)
		}
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	return readNPZ(f, st.Size(), path)
}

func readNPZ(r io.ReaderAt, size int64, path string) (*NodeDataset, error) {
	z, err := zip.NewReader(r, size)
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: fmt.Errorf("%w: %w", err, graphs.ErrFormat)}
	}
	m := map[string]*npzArray{}
	for _, zf := range z.File {
		key := strings.TrimSuffix(zf.Name, ".npy")
		switch key {
		case "adj_data", "adj_indices", "adj_indptr", "adj_shape",
			"attr_data", "attr_indices", "attr_indptr", "attr_shape", "labels", "class_names":
		default:
			continue // node_names, idx_to_node, ...: not needed
		}
		a, err := readNPZMember(path, zf)
		if err != nil {
			return nil, err
		}
		m[key] = a
	}
	n, n2, err := csrParts(path, "adj", m)
	if err != nil {
		return nil, err
	}
	if n != n2 {
		return nil, perr(path, 0, graphs.ErrShape, "adjacency is %d×%d, not square", n, n2)
	}
	rows, d, err := csrParts(path, "attr", m)
	if err != nil {
		return nil, err
	}
	lab := m["labels"]
	if rows != n || lab == nil || len(lab.ints) != n {
		return nil, perr(path, 0, graphs.ErrShape, "%d nodes but %d attribute rows and labels %v", n, rows, lab != nil)
	}
	ds := &NodeDataset{Name: strings.TrimSuffix(baseName(path), ".npz"), NumFeatures: d}
	ds.Meta.Format = "npz"
	ds.Meta.Files = []string{path}
	ds.Y = make([]int32, n)
	for i, y := range lab.ints {
		if y < 0 || y >= maxOneHot {
			return nil, perr(path, 0, graphs.ErrFormat, "labels[%d]=%d not in [0,%d)", i, y, maxOneHot)
		}
		ds.Y[i] = int32(y)
		ds.NumClasses = max(ds.NumClasses, int(y)+1)
	}
	if cn := m["class_names"]; cn != nil {
		if len(cn.strs) < ds.NumClasses {
			return nil, perr(path, 0, graphs.ErrShape, "%d class names for labels up to %d", len(cn.strs), ds.NumClasses-1)
		}
		ds.ClassNames = cn.strs
		ds.NumClasses = len(cn.strs)
	}
	ap, ai, ax := m["attr_indptr"].ints, m["attr_indices"].ints, m["attr_data"].reals
	fb := newSparseBuilder(n, d, len(ai))
	for i := 0; i < n; i++ {
		for p := ap[i]; p < ap[i+1]; p++ {
			fb.add(int32(ai[p]), ax[p])
		}
		fb.endRow()
	}
	if ds.SparseX, err = fb.done(); err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	gp, gi := m["adj_indptr"].ints, m["adj_indices"].ints
	src := make([]int32, len(gi))
	dst := make([]int32, len(gi))
	for i := 0; i < n; i++ {
		for p := gp[i]; p < gp[i+1]; p++ {
			src[p], dst[p] = int32(i), int32(gi[p])
		}
	}
	ds.Meta.LinesRead = len(gi)
	g, _, err := buildGraph(n, src, dst, false, &ds.Meta, false)
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	ds.Graph = g
	return ds, nil
}

func baseName(p string) string {
	if i := strings.LastIndexAny(p, `/\`); i >= 0 {
		return p[i+1:]
	}
	return p
}
