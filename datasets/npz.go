package datasets

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"codeberg.org/sbinet/npyio/npy"
	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/inputfile"
)

// npzInflate bounds the bytes ReadNPZ decompresses: the members it reads
// may hold at most npzInflate times the size of the archive plus
// allowanceFixed, so that a zip bomb, or a member whose header claims more
// than the archive holds, is refused after reading no more than that.
// Stored (uncompressed) members, as numpy.savez writes them, never come
// near it; compressed ones (numpy.savez_compressed) of real datasets shrink
// a few times, not 32.
const npzInflate = 32

// allowanceFixed is the fixed part of every allocation allowance of the
// readers (npz decompression, pickle decoding, dense features): a small
// file may always use this much beyond its size times the reader's factor.
const allowanceFixed = 64 << 10

// npzArray is one numeric member of an npz archive, widened.
type npzArray struct {
	shape []int
	ints  []int64   // integer members
	reals []float64 // floating-point members
	strs  []string  // unicode members
}

// readNPZMember decodes member f (a .npy file) of the archive file path,
// reading at most *left bytes of it (the decompression allowance that
// remains, decreased by what it reads). Integer dtypes go to ints, floats
// to reals, unicode to strs. The .npy header's shape must match the bytes
// that follow it exactly: nothing is allocated from the header's claims.
func readNPZMember(path string, f *zip.File, left *int64) (a *npzArray, err error) {
	bad := func(kind error, format string, args ...any) error {
		return &graphs.ParseError{Path: path, Err: fmt.Errorf("member %s: %s: %w", f.Name, fmt.Sprintf(format, args...), kind)}
	}
	if f.UncompressedSize64 > uint64(*left) {
		return nil, bad(graphs.ErrTooLarge, "claims %d bytes uncompressed, more than the %d left of the allowance (%d× the archive's size)", f.UncompressedSize64, *left, npzInflate)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, bad(graphs.ErrFormat, "%v", err)
	}
	defer rc.Close()
	// The claim is at most the allowance: reserve it, and read at most
	// one byte more than it (archive/zip refuses a member longer than its
	// claim; a shorter one ends early).
	b := make([]byte, 0, f.UncompressedSize64)
	b, err = readAllInto(b, io.LimitReader(rc, *left))
	*left -= int64(len(b))
	if err != nil {
		return nil, bad(graphs.ErrFormat, "%v", err)
	}
	return decodeNPY(b, func(kind error, format string, args ...any) error { return bad(kind, format, args...) })
}

// readAllInto appends all of r to b, growing it only when full.
func readAllInto(b []byte, r io.Reader) ([]byte, error) {
	for {
		if len(b) == cap(b) {
			b = append(b, 0)[:len(b)]
		}
		n, err := r.Read(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err == io.EOF {
			return b, nil
		}
		if err != nil {
			return b, err
		}
	}
}

// decodeNPY decodes the .npy file b (format versions 1 to 3; the header
// length is checked against len(b) before anything is allocated for it).
// bad builds the errors.
func decodeNPY(b []byte, bad func(kind error, format string, args ...any) error) (a *npzArray, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, err = nil, bad(graphs.ErrFormat, "malformed npy header (%v)", r)
		}
	}()
	if len(b) < 10 || string(b[:6]) != "\x93NUMPY" {
		return nil, bad(graphs.ErrFormat, "not a .npy file")
	}
	var hlen, off int
	switch b[6] {
	case 1:
		hlen, off = int(b[8])|int(b[9])<<8, 10
	case 2, 3:
		if len(b) < 12 {
			return nil, bad(graphs.ErrFormat, "truncated .npy header")
		}
		hlen, off = int(binary.LittleEndian.Uint32(b[8:])), 12
	default:
		return nil, bad(graphs.ErrFormat, ".npy version %d.%d not supported", b[6], b[7])
	}
	if hlen > len(b)-off {
		return nil, bad(graphs.ErrFormat, ".npy header of %d bytes, only %d follow", hlen, len(b)-off)
	}
	rp, err := npy.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, bad(graphs.ErrFormat, "%v", err)
	}
	data := b[off+hlen:]
	h := rp.Header.Descr
	if h.Fortran && len(h.Shape) > 1 {
		return nil, bad(graphs.ErrFormat, "Fortran order not supported")
	}
	total := int64(1)
	for _, d := range h.Shape {
		if d < 0 || (d > 0 && total > int64(len(data))/int64(d)) {
			return nil, bad(graphs.ErrShape, "shape %v needs more than the %d data bytes present", h.Shape, len(data))
		}
		total *= int64(d)
	}
	typ := strings.TrimLeft(strings.Trim(h.Type, "'\""), "<>|=")
	if strings.Contains(h.Type, ">") || len(typ) < 2 {
		return nil, bad(graphs.ErrFormat, "dtype %q not supported (little-endian numbers and unicode only)", h.Type)
	}
	esize, perr := strconv.ParseInt(typ[1:], 10, 64)
	if perr != nil || esize <= 0 || esize > 1<<20 {
		return nil, bad(graphs.ErrFormat, "dtype %s not supported", h.Type)
	}
	if typ[0] == 'U' {
		esize *= 4
	}
	if total*esize != int64(len(data)) {
		return nil, bad(graphs.ErrShape, "shape %v of %s needs %d data bytes, member has %d", h.Shape, h.Type, total*esize, len(data))
	}
	n := int(total)
	a = &npzArray{shape: h.Shape}
	switch typ {
	case "i1":
		a.ints = make([]int64, n)
		for i := range a.ints {
			a.ints[i] = int64(int8(data[i]))
		}
	case "u1", "b1":
		a.ints = make([]int64, n)
		for i := range a.ints {
			a.ints[i] = int64(data[i])
		}
	case "i2":
		a.ints = make([]int64, n)
		for i := range a.ints {
			a.ints[i] = int64(int16(binary.LittleEndian.Uint16(data[2*i:])))
		}
	case "i4":
		a.ints = make([]int64, n)
		for i := range a.ints {
			a.ints[i] = int64(int32(binary.LittleEndian.Uint32(data[4*i:])))
		}
	case "i8":
		a.ints = make([]int64, n)
		for i := range a.ints {
			a.ints[i] = int64(binary.LittleEndian.Uint64(data[8*i:]))
		}
	case "f4":
		a.reals = make([]float64, n)
		for i := range a.reals {
			a.reals[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(data[4*i:])))
		}
	case "f8":
		a.reals = make([]float64, n)
		for i := range a.reals {
			a.reals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
	default:
		if typ[0] != 'U' {
			return nil, bad(graphs.ErrFormat, "dtype %s not supported", h.Type)
		}
		a.strs = make([]string, n)
		w := int(esize)
		var buf []byte
		for i := range a.strs {
			buf = buf[:0]
			for k := 0; k < w; k += 4 {
				r := rune(binary.LittleEndian.Uint32(data[i*w+k:]))
				if r < 0 || r > unicode.MaxRune || (r >= 0xD800 && r < 0xE000) {
					return nil, bad(graphs.ErrFormat, "element %d: invalid code point %#x", i, uint32(r))
				}
				buf = utf8.AppendRune(buf, r)
			}
			a.strs[i] = string(bytes.TrimRight(buf, "\x00"))
		}
	}
	return a, nil
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
	left := npzInflate*size + allowanceFixed
	for _, zf := range z.File {
		key := strings.TrimSuffix(zf.Name, ".npy")
		switch key {
		case "adj_data", "adj_indices", "adj_indptr", "adj_shape",
			"attr_data", "attr_indices", "attr_indptr", "attr_shape", "labels", "class_names":
		default:
			continue // node_names, idx_to_node, ...: not needed
		}
		if _, dup := m[key]; dup {
			return nil, perr(path, 0, graphs.ErrFormat, "member %s.npy appears twice", key)
		}
		a, err := readNPZMember(path, zf, &left)
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
