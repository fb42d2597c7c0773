package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unsafe"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// The Planetoid files are Python-2 pickles (protocol 2) of exactly three
// kinds of object: scipy.sparse csr_matrix, numpy ndarray (via
// numpy.core.multiarray._reconstruct and a numpy dtype) and
// collections.defaultdict(list). decodePickle first scans the opcode stream
// against a whitelist, checking that every length-prefixed argument fits in
// the data and adding up what gopickle will allocate for each opcode
// (pickleOpCost), then runs gopickle with a FindClass that knows only those
// classes, and converts any panic inside gopickle into an error. What one
// object costs beyond its opcodes (an array's shape, a matrix's row
// offsets and the check of its columns, an adjacency list's entries) is
// taken from the same allowance as it is built, because the memo lets a
// two-byte opcode name an object of any size again: one decodePickle
// allocates at most pickleBudget times the file's size plus
// allowanceFixed, however often its objects are referenced.

// pickleArg gives the fixed argument size of each whitelisted opcode, or -1
// for a length-prefixed argument, -2 for two newline-terminated lines.
var pickleArg = func() [256]int8 {
	var t [256]int8
	for i := range t {
		t[i] = -100 // not allowed
	}
	for _, c := range []byte("(.)NRabestu}]\x81\x85\x86\x87\x88\x89") {
		t[c] = 0
	}
	for c, n := range map[byte]int8{'J': 4, 'K': 1, 'M': 2, 'G': 8, 'h': 1, 'q': 1, 'j': 4, 'r': 4, 0x80: 1} {
		t[c] = n
	}
	for _, c := range []byte("TUX\x8a") {
		t[c] = -1
	}
	t['c'] = -2
	return t
}()

// pickleBudget is the factor of the allocation allowance of decodePickle:
// at most pickleBudget bytes per byte of the file, plus allowanceFixed.
// gopickle boxes every value in a 16-byte interface on a stack that grows
// by a quarter at a time, so a two-byte opcode may cost it some 190 bytes.
// The Planetoid adjacency pickles, read by gopickle, are estimated at 80
// bytes per byte (they allocate 38), the other Planetoid files at less
// than 10.
const pickleBudget = 256

// pickleOpCost bounds the bytes gopickle allocates for one opcode, besides
// the copies of its string argument (twice its length), when a slice it
// appends to grows by a quarter at a time (6 times its final size in all):
// the stack slot a value takes and its slot in the list, tuple or dict it
// may be moved into (push), the object an opcode makes (a MARK makes a
// 16-slot stack, an empty dict has room for 4 entries), a PUT's memo entry.
var pickleOpCost = func() [256]int64 {
	var t [256]int64
	const push = 2 * 6 * 16
	for c := range t {
		t[c] = push + 64
	}
	t['('] = 16*16 + 6*24
	t['.'], t[0x80] = 0, 0
	t['a'], t['s'], t['e'], t['u'], t['b'] = 16, 16, 16, 16, 16 // BUILD: see the PySetState charges
	t['q'], t['r'] = 128, 128
	t['}'] = push + 24 + 4*32
	t[')'], t[']'], t['t'] = push+32, push+32, 32
	t[0x85], t[0x86], t[0x87] = push+24+48, 24+48, 24+48
	t['R'], t[0x81] = push+160, push+160 // the ndarray, dtype, csr_matrix or defaultdict made
	t['J'], t['M'], t['G'], t['j'] = push+16, push+16, push+16, push+16
	t['c'] = push + 128
	return t
}()

// pickleString is a string argument of the stream: the opcode at data[at]
// ('U', 'T' or 'X') and its bytes data[body:end].
type pickleString struct{ at, body, end int }

// pickleCost is the estimate (pickleOpCost) of what gopickle allocates
// for a stream: detached when detachPayloads detaches its long BINSTRINGs,
// copied when it does not.
type pickleCost struct{ detached, copied int64 }

// scanPickle checks the opcode stream of data against the whitelist and
// returns the string arguments up to STOP (for detachPayloads) and what
// decoding the stream will allocate, or an error naming the offending byte
// offset.
func scanPickle(data []byte) ([]pickleString, pickleCost, error) {
	var strs []pickleString
	var cost pickleCost
	p := 0
	for p < len(data) {
		at, op := p, data[p]
		p++
		cost.detached += pickleOpCost[op]
		cost.copied += pickleOpCost[op]
		switch n := pickleArg[op]; {
		case op == '.':
			return strs, cost, nil
		case n >= 0:
			p += int(n)
		case n == -1:
			var length int
			switch op {
			case 'U', 0x8a:
				if p+1 > len(data) {
					return nil, cost, fmt.Errorf("pickle: truncated at byte %d", p)
				}
				length = int(data[p])
				p++
			default:
				if p+4 > len(data) {
					return nil, cost, fmt.Errorf("pickle: truncated at byte %d", p)
				}
				length = int(int32(binary.LittleEndian.Uint32(data[p:])))
				p += 4
				if length < 0 {
					return nil, cost, fmt.Errorf("pickle: negative length %d at byte %d", length, p-4)
				}
			}
			if length > len(data)-p {
				return nil, cost, fmt.Errorf("pickle: length %d at byte %d runs past the end (%d bytes)", length, p, len(data))
			}
			cost.copied += 2 * int64(length)
			if op == 'T' && length >= minDetach {
				cost.detached += 2 * int64(len(payloadMarker)+20)
			} else {
				cost.detached += 2 * int64(length)
			}
			if op != 0x8a {
				strs = append(strs, pickleString{at: at, body: p, end: p + length})
			}
			p += length
		case n == -2:
			for range 2 {
				k := p
				for k < len(data) && data[k] != '\n' {
					k++
				}
				if k == len(data) {
					return nil, cost, fmt.Errorf("pickle: GLOBAL at byte %d not terminated", p-1)
				}
				cost.detached += 2 * int64(k+1-p)
				cost.copied += 2 * int64(k+1-p)
				p = k + 1
			}
		default:
			return nil, cost, fmt.Errorf("pickle: opcode 0x%02x at byte %d is not used by the Planetoid files (refused)", op, p-1)
		}
	}
	return nil, cost, fmt.Errorf("pickle: no STOP opcode (truncated file?)")
}

// pickleAllowance is what remains of one decodePickle's allocation
// allowance (pickleBudget), shared by the objects it builds.
type pickleAllowance struct {
	left int64
}

// take charges n bytes; the error wraps graphs.ErrTooLarge when the
// allowance is spent.
func (a *pickleAllowance) take(n int64, what string) error {
	if n > a.left {
		a.left = -1
		return fmt.Errorf("pickle: %s would exceed the allocation allowance of the file (%d bytes per byte): %w", what, pickleBudget, graphs.ErrTooLarge)
	}
	a.left -= n
	return nil
}

// dtype is a decoded numpy dtype: kind ('i', 'u', 'f', 'b') and item size.
type dtype struct {
	kind  byte
	size  int
	order byte
}

type dtypeClass struct{}

// Call is numpy.dtype(obj, align, copy).
func (dtypeClass) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("pickle: numpy.dtype: no arguments")
	}
	s, ok := args[0].(string)
	if !ok || len(s) != 2 || s[1] < '1' || s[1] > '8' {
		return nil, fmt.Errorf("pickle: numpy.dtype(%v): unsupported type code", args[0])
	}
	d := &dtype{kind: s[0], size: int(s[1] - '0'), order: '<'}
	switch {
	case d.kind == 'i' && (d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8),
		d.kind == 'u' && (d.size == 1 || d.size == 2 || d.size == 4 || d.size == 8),
		d.kind == 'f' && (d.size == 4 || d.size == 8),
		d.kind == 'b' && d.size == 1:
	default:
		return nil, fmt.Errorf("pickle: numpy.dtype(%q): unsupported type code", s)
	}
	return d, nil
}

// PySetState reads (version, byteorder, ...).
func (d *dtype) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok || t.Len() < 2 {
		return fmt.Errorf("pickle: numpy.dtype state %T is not a tuple", state)
	}
	o, ok := t.Get(1).(string)
	if !ok || len(o) != 1 {
		return fmt.Errorf("pickle: numpy.dtype byte order %v", t.Get(1))
	}
	switch o[0] {
	case '<', '|', '=':
		d.order = '<'
	default:
		return fmt.Errorf("pickle: numpy.dtype byte order %q not supported (little-endian only)", o)
	}
	return nil
}

type ndarrayClass struct{}

// reconstructFunc is numpy's _reconstruct for one decodePickle call: its
// arrays resolve payload markers against payloads and charge allow.
type reconstructFunc struct {
	payloads [][]byte
	allow    *pickleAllowance
}

// ndarray is a decoded numpy array: its shape and raw little-endian bytes,
// never a copy: a subslice of the file's bytes for a detached payload, else
// the bytes of the (possibly memoised, shared) string of its state.
type ndarray struct {
	shape    []int
	dt       *dtype
	raw      []byte
	payloads [][]byte
	allow    *pickleAllowance
}

// Call is numpy.core.multiarray._reconstruct(ndarray, (0,), 'b').
func (f reconstructFunc) Call(args ...any) (any, error) {
	if len(args) < 1 {
		return nil, fmt.Errorf("pickle: _reconstruct: no arguments")
	}
	if _, ok := args[0].(ndarrayClass); !ok {
		return nil, fmt.Errorf("pickle: _reconstruct of %T refused (only numpy.ndarray)", args[0])
	}
	return &ndarray{payloads: f.payloads, allow: f.allow}, nil
}

// PySetState reads (version, shape, dtype, is_fortran, rawdata).
func (a *ndarray) PySetState(state any) error {
	t, ok := state.(*types.Tuple)
	if !ok {
		return fmt.Errorf("pickle: ndarray state %T is not a tuple", state)
	}
	s := []any(*t)
	if len(s) == 5 {
		s = s[1:]
	}
	if len(s) != 4 {
		return fmt.Errorf("pickle: ndarray state has %d fields, want 4 or 5", len(s))
	}
	sh, ok := s[0].(*types.Tuple)
	if !ok {
		return fmt.Errorf("pickle: ndarray shape %T is not a tuple", s[0])
	}
	if a.allow != nil {
		if err := a.allow.take(16*int64(sh.Len()), "ndarray shape"); err != nil {
			return err
		}
	}
	total := 1
	for _, v := range *sh {
		n, ok := v.(int)
		if !ok || n < 0 || n > math.MaxInt32 {
			return fmt.Errorf("pickle: ndarray dimension %v invalid", v)
		}
		a.shape = append(a.shape, n)
		if n != 0 && total > math.MaxInt32/n {
			return fmt.Errorf("pickle: ndarray shape %v too large: %w", a.shape, graphs.ErrTooLarge)
		}
		total *= n
	}
	if a.dt, ok = s[1].(*dtype); !ok {
		return fmt.Errorf("pickle: ndarray dtype %T refused", s[1])
	}
	if f, ok := s[2].(bool); !ok || (f && len(a.shape) > 1) {
		return fmt.Errorf("pickle: ndarray is_fortran=%v not supported", s[2])
	}
	raw, ok := s[3].(string)
	if !ok {
		return fmt.Errorf("pickle: ndarray data %T is not a byte string", s[3])
	}
	if k, ok := payloadIndex(raw); ok && k < len(a.payloads) {
		a.raw = a.payloads[k]
	} else {
		// The string's own bytes, not a copy: the memo may hand the same
		// string to any number of arrays. Nothing writes to raw.
		a.raw = unsafe.Slice(unsafe.StringData(raw), len(raw))
	}
	if len(a.raw) != total*a.dt.size {
		return fmt.Errorf("pickle: ndarray shape %v of %c%d needs %d bytes, has %d: %w", a.shape, a.dt.kind, a.dt.size, total*a.dt.size, len(a.raw), graphs.ErrShape)
	}
	return nil
}

// len returns the number of elements.
func (a *ndarray) len() int { return len(a.raw) / a.dt.size }

// float returns element k as float64.
func (a *ndarray) float(k int) float64 {
	b := a.raw[k*a.dt.size:]
	switch a.dt.kind {
	case 'f':
		if a.dt.size == 4 {
			return float64(math.Float32frombits(le32(b)))
		}
		return math.Float64frombits(le64(b))
	case 'u', 'b':
		return float64(a.uint(b))
	}
	return float64(a.int(k))
}

func le32(b []byte) uint32 {
	return uint32(b[0]) | uint32(b[1])<<8 | uint32(b[2])<<16 | uint32(b[3])<<24
}

func le64(b []byte) uint64 { return uint64(le32(b)) | uint64(le32(b[4:]))<<32 }

func (a *ndarray) uint(b []byte) uint64 {
	switch a.dt.size {
	case 1:
		return uint64(b[0])
	case 2:
		return uint64(b[0]) | uint64(b[1])<<8
	case 4:
		return uint64(le32(b))
	}
	return le64(b)
}

// int returns element k as int64 (floats truncated, which callers avoid).
func (a *ndarray) int(k int) int64 {
	b := a.raw[k*a.dt.size:]
	switch a.dt.kind {
	case 'i':
		switch a.dt.size {
		case 1:
			return int64(int8(b[0]))
		case 2:
			return int64(int16(uint16(b[0]) | uint16(b[1])<<8))
		case 4:
			return int64(int32(le32(b)))
		}
		return int64(le64(b))
	case 'f':
		return int64(a.float(k))
	}
	return int64(a.uint(b))
}

// csrClass is scipy.sparse.csr_matrix for one decodePickle call: its
// matrices charge allow.
type csrClass struct{ allow *pickleAllowance }

// csrMatrix is a decoded scipy.sparse csr_matrix.
type csrMatrix struct {
	rows, cols            int
	indptr, indices, data *ndarray
	// ptr is indptr decoded (by PySetState, which checks it and the
	// column indices).
	ptr   []int
	allow *pickleAllowance
}

// appendEntries appends the column indices and values of the stored
// entries lo..hi−1 of m to b's current row(s), with typed loops for
// scipy's int32 indices and the float32 Planetoid features.
func (m *csrMatrix) appendEntries(b *sparseBuilder, lo, hi int) {
	ix, dx := m.indices, m.data
	if ix.dt.kind == 'i' && ix.dt.size == 4 {
		for e := lo; e < hi; e++ {
			b.index = append(b.index, int32(le32(ix.raw[4*e:])))
		}
	} else {
		for e := lo; e < hi; e++ {
			b.index = append(b.index, int32(ix.int(e)))
		}
	}
	if dx.dt.kind == 'f' && dx.dt.size == 4 {
		for e := lo; e < hi; e++ {
			b.values = append(b.values, float64(math.Float32frombits(le32(dx.raw[4*e:]))))
		}
	} else {
		for e := lo; e < hi; e++ {
			b.values = append(b.values, dx.float(e))
		}
	}
}

// PyNew is csr_matrix.__new__(csr_matrix).
func (c csrClass) PyNew(args ...any) (any, error) { return &csrMatrix{allow: c.allow}, nil }

// PySetState reads the instance __dict__ {_shape, indptr, indices, data, ...}.
func (m *csrMatrix) PySetState(state any) error {
	d, ok := state.(*types.Dict)
	if !ok {
		return fmt.Errorf("pickle: csr_matrix state %T is not a dict", state)
	}
	if m.allow != nil {
		if err := m.allow.take(16*int64(d.Len()), "csr_matrix state"); err != nil {
			return err
		}
	}
	for _, e := range *d {
		k, _ := e.Key.(string)
		switch k {
		case "_shape":
			t, ok := e.Value.(*types.Tuple)
			if !ok || t.Len() != 2 {
				return fmt.Errorf("pickle: csr_matrix _shape %v", e.Value)
			}
			r, ok1 := t.Get(0).(int)
			c, ok2 := t.Get(1).(int)
			if !ok1 || !ok2 || r < 0 || c < 0 || r > math.MaxInt32 || c > math.MaxInt32 {
				return fmt.Errorf("pickle: csr_matrix _shape %v", t)
			}
			m.rows, m.cols = r, c
		case "indptr", "indices", "data":
			a, ok := e.Value.(*ndarray)
			if !ok || a.dt == nil {
				return fmt.Errorf("pickle: csr_matrix %s is %T, want ndarray", k, e.Value)
			}
			switch k {
			case "indptr":
				m.indptr = a
			case "indices":
				m.indices = a
			default:
				m.data = a
			}
		}
	}
	if m.indptr == nil || m.indices == nil || m.data == nil {
		return fmt.Errorf("pickle: csr_matrix lacks indptr, indices or data")
	}
	if m.indptr.dt.kind == 'f' || m.indices.dt.kind == 'f' {
		return fmt.Errorf("pickle: csr_matrix index arrays are floating point")
	}
	if m.indptr.len() != m.rows+1 {
		return fmt.Errorf("pickle: csr_matrix indptr has %d entries for %d rows: %w", m.indptr.len(), m.rows, graphs.ErrShape)
	}
	nnz := m.indices.len()
	if m.data.len() != nnz {
		return fmt.Errorf("pickle: csr_matrix has %d indices but %d values: %w", nnz, m.data.len(), graphs.ErrShape)
	}
	if m.allow != nil {
		// The row offsets, and the check of every column index.
		if err := m.allow.take(8*int64(m.rows+1)+4*int64(nnz), "csr_matrix"); err != nil {
			return err
		}
	}
	prev := int64(0)
	m.ptr = make([]int, m.rows+1)
	for i := 0; i <= m.rows; i++ {
		p := m.indptr.int(i)
		if p < prev || p > int64(nnz) || (i == 0 && p != 0) || (i == m.rows && p != int64(nnz)) {
			return fmt.Errorf("pickle: csr_matrix indptr[%d]=%d invalid (nnz %d): %w", i, p, nnz, graphs.ErrShape)
		}
		m.ptr[i] = int(p)
		prev = p
	}
	if ix := m.indices; ix.dt.kind == 'i' && ix.dt.size == 4 { // scipy's int32 indices
		for k := range nnz {
			if c := int32(le32(ix.raw[4*k:])); c < 0 || int(c) >= m.cols {
				return fmt.Errorf("pickle: csr_matrix column %d not in [0,%d): %w", c, m.cols, graphs.ErrNodeID)
			}
		}
	} else {
		for k := range nnz {
			if c := ix.int(k); c < 0 || c >= int64(m.cols) {
				return fmt.Errorf("pickle: csr_matrix column %d not in [0,%d): %w", c, m.cols, graphs.ErrNodeID)
			}
		}
	}
	return nil
}

type listClass struct{}

type defaultDictClass struct{}

// defaultDict is a decoded collections.defaultdict(list): its items in
// pickle order.
type defaultDict struct {
	keys   []any
	values []any
}

// Call is defaultdict(list).
func (defaultDictClass) Call(args ...any) (any, error) {
	if len(args) != 1 {
		return nil, fmt.Errorf("pickle: defaultdict with %d arguments", len(args))
	}
	if _, ok := args[0].(listClass); !ok {
		return nil, fmt.Errorf("pickle: defaultdict(%T) refused (only list)", args[0])
	}
	return &defaultDict{}, nil
}

// Set records one item.
func (d *defaultDict) Set(k, v any) {
	d.keys = append(d.keys, k)
	d.values = append(d.values, v)
}

func findClass(module, name string) (any, error) {
	switch module + "." + name {
	case "scipy.sparse.csr.csr_matrix", "scipy.sparse._csr.csr_matrix":
		return csrClass{}, nil
	case "numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct":
		return reconstructFunc{}, nil
	case "numpy.ndarray":
		return ndarrayClass{}, nil
	case "numpy.dtype":
		return dtypeClass{}, nil
	case "collections.defaultdict":
		return defaultDictClass{}, nil
	case "__builtin__.list", "builtins.list":
		return listClass{}, nil
	}
	return nil, fmt.Errorf("pickle: class %s.%s refused (only csr_matrix, ndarray, dtype, defaultdict(list))", module, name)
}

// payloadMarker starts the short strings that stand for detached payloads.
const payloadMarker = "\x00gnnwb-payload\x00"

// minDetach is the smallest BINSTRING that detachPayloads detaches.
const minDetach = 1 << 12

// detachPayloads returns data with every BINSTRING of at least minDetach
// bytes among strs (its string arguments, from scanPickle) replaced by a
// SHORT_BINSTRING holding payloadMarker and the payload's index, and the
// payloads: the subslices of data they stand for. gopickle copies a string
// twice as it reads it; the arrays of Planetoid's matrices are most of a
// file, and the ndarrays resolve their markers to these subslices instead.
// When no string is that long, or a string of the file itself starts with
// the marker, data is returned as it is with no payloads. Cost O(len(data)).
func detachPayloads(data []byte, strs []pickleString) ([]byte, [][]byte) {
	var payloads [][]byte
	var out []byte
	last := 0 // data[last:] is not yet copied to out
	for _, s := range strs {
		body := data[s.body:s.end]
		if bytes.HasPrefix(body, []byte(payloadMarker)) {
			return data, nil
		}
		if data[s.at] == 'T' && len(body) >= minDetach {
			out = append(out, data[last:s.at]...)
			marker := fmt.Sprintf("%s%d", payloadMarker, len(payloads))
			out = append(out, 'U', byte(len(marker)))
			out = append(out, marker...)
			payloads = append(payloads, body)
			last = s.end
		}
	}
	if payloads == nil {
		return data, nil
	}
	return append(out, data[last:]...), payloads
}

// payloadIndex returns k when s is payloadMarker followed by k.
func payloadIndex(s string) (int, bool) {
	rest, ok := strings.CutPrefix(s, payloadMarker)
	if !ok || rest == "" {
		return 0, false
	}
	k, err := strconv.Atoi(rest)
	return k, err == nil && k >= 0
}

// decodePickle unpickles data (the content of file) and returns the top
// object: *csrMatrix, *ndarray or *defaultDict, and what remains of the
// allocation allowance (for the caller's conversion of the object). Errors
// are *graphs.ParseError; a stream that would allocate more than the
// allowance (pickleBudget) wraps graphs.ErrTooLarge.
func decodePickle(file string, data []byte) (out any, err error) {
	out, _, err = decodePickleAllow(file, data)
	return out, err
}

func decodePickleAllow(file string, data []byte) (out any, allow *pickleAllowance, err error) {
	strs, cost, err := scanPickle(data)
	if err != nil {
		return nil, nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("%w: %w", err, graphs.ErrFormat)}
	}
	defer func() {
		if r := recover(); r != nil {
			out, allow, err = nil, nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("pickle: malformed stream (%v): %w", r, graphs.ErrFormat)}
		}
	}()
	stream, payloads := detachPayloads(data, strs)
	est := cost.detached
	if payloads == nil {
		est = cost.copied
	}
	allow = &pickleAllowance{left: pickleBudget*int64(len(data)) + allowanceFixed}
	if err := allow.take(est, fmt.Sprintf("decoding its %d opcodes and strings (%d bytes estimated)", len(data), est)); err != nil {
		return nil, nil, &graphs.ParseError{Path: file, Err: err}
	}
	u := pickle.NewUnpickler(bytes.NewReader(stream))
	u.FindClass = func(module, name string) (any, error) {
		c, err := findClass(module, name)
		switch c.(type) {
		case reconstructFunc:
			c = reconstructFunc{payloads: payloads, allow: allow}
		case csrClass:
			c = csrClass{allow: allow}
		}
		return c, err
	}
	obj, err := u.Load()
	if err != nil {
		kind := graphs.ErrFormat
		if errors.Is(err, graphs.ErrTooLarge) {
			kind = graphs.ErrTooLarge
		}
		if !strings.HasPrefix(err.Error(), "pickle: ") {
			err = fmt.Errorf("pickle: %w", err) // gopickle's own errors
		}
		return nil, nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("%w: %w", err, kind)}
	}
	switch obj.(type) {
	case *csrMatrix, *defaultDict:
		return obj, allow, nil
	case *ndarray:
		if obj.(*ndarray).dt == nil {
			return nil, nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("pickle: ndarray without state: %w", graphs.ErrFormat)}
		}
		return obj, allow, nil
	}
	return nil, nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("pickle: top-level object %T refused: %w", obj, graphs.ErrFormat)}
}
