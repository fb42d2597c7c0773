package datasets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// py2 writes pickles the way Python 2's cPickle (protocol 2) wrote the
// Planetoid files: GLOBAL, BINPUT, SHORT_BINSTRING/BINSTRING, BUILD, ...
// It is an independent encoder for round-trip tests and fuzz seeds.
type py2 struct {
	bytes.Buffer
	memo byte
}

func (p *py2) op(b ...byte) { p.Write(b) }
func (p *py2) global(mod, name string) {
	p.op('c')
	p.WriteString(mod + "\n" + name + "\n")
	p.op('q', p.memo)
	p.memo++
}
func (p *py2) str(s string) {
	if len(s) < 256 {
		p.op('U', byte(len(s)))
	} else {
		p.op('T')
		binary.Write(p, binary.LittleEndian, int32(len(s)))
	}
	p.WriteString(s)
}
func (p *py2) int(v int) {
	switch {
	case v >= 0 && v < 256:
		p.op('K', byte(v))
	case v >= 0 && v < 65536:
		p.op('M', byte(v), byte(v>>8))
	default:
		p.op('J')
		binary.Write(p, binary.LittleEndian, int32(v))
	}
}

// ndarray writes numpy.core.multiarray._reconstruct(ndarray, (0,), 'b')
// with state (1, shape, dtype(code), False, raw).
func (p *py2) ndarray(shape []int, code string, raw []byte) {
	p.global("numpy.core.multiarray", "_reconstruct")
	p.global("numpy", "ndarray")
	p.int(0)
	p.op(0x85)
	p.str("b")
	p.op(0x87, 'R', '(')
	p.int(1)
	p.op('(')
	for _, d := range shape {
		p.int(d)
	}
	p.op('t')
	p.global("numpy", "dtype")
	p.str(code)
	p.int(0)
	p.int(1)
	p.op(0x87, 'R', '(')
	p.int(3)
	p.str("<")
	p.op('N', 'N', 'N')
	p.op('J', 0xff, 0xff, 0xff, 0xff, 'J', 0xff, 0xff, 0xff, 0xff)
	p.int(0)
	p.op('t', 'b', 0x89)
	p.str(string(raw))
	p.op('t', 'b')
}

func le[T int32 | float32](v []T) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, v)
	return b.Bytes()
}

// csrPickle encodes a scipy csr_matrix of float32 values.
func csrPickle(rows, cols int, indptr, indices []int32, data []float32) []byte {
	var p py2
	p.op(0x80, 2)
	p.global("scipy.sparse.csr", "csr_matrix")
	p.op(')', 0x81, '}', '(')
	p.str("format")
	p.str("csr")
	p.str("_shape")
	p.int(rows)
	p.int(cols)
	p.op(0x86)
	p.str("indptr")
	p.ndarray([]int{len(indptr)}, "i4", le(indptr))
	p.str("indices")
	p.ndarray([]int{len(indices)}, "i4", le(indices))
	p.str("data")
	p.ndarray([]int{len(data)}, "f4", le(data))
	p.op('u', 'b', '.')
	return p.Bytes()
}

func arrayPickle(rows, cols int, v []int32) []byte {
	var p py2
	p.op(0x80, 2)
	p.ndarray([]int{rows, cols}, "i4", le(v))
	p.op('.')
	return p.Bytes()
}

func dictPickle(adj [][]int) []byte {
	var p py2
	p.op(0x80, 2)
	p.global("collections", "defaultdict")
	p.global("__builtin__", "list")
	p.op(0x85, 'R', '(')
	for k, l := range adj {
		p.int(k)
		p.op(']', '(')
		for _, v := range l {
			p.int(v)
		}
		p.op('e')
	}
	p.op('u', '.')
	return p.Bytes()
}

func TestDecodePickleRoundTrip(t *testing.T) {
	// The 3×4 matrix [[0 1.5 0 0] [0 0 0 0] [2 0 0 -1e30]].
	b := csrPickle(3, 4, []int32{0, 1, 1, 3}, []int32{1, 0, 3}, []float32{1.5, 2, -1e30})
	o, err := decodePickle("m", b)
	if err != nil {
		t.Fatal(err)
	}
	m := o.(*csrMatrix)
	if m.rows != 3 || m.cols != 4 || m.indices.int(2) != 3 || m.data.float(2) != float64(float32(-1e30)) || m.indptr.int(3) != 3 {
		t.Errorf("decoded %+v", m)
	}
	o, err = decodePickle("a", arrayPickle(2, 3, []int32{0, 1, 0, -7, 0, 0}))
	if err != nil {
		t.Fatal(err)
	}
	if a := o.(*ndarray); !slices.Equal(a.shape, []int{2, 3}) || a.int(3) != -7 {
		t.Errorf("decoded %+v", a)
	}
	o, err = decodePickle("g", dictPickle([][]int{{1, 300}, {0}, {}, {70000}}))
	if err != nil {
		t.Fatal(err)
	}
	if d := o.(*defaultDict); len(d.keys) != 4 {
		t.Errorf("decoded %d keys", len(d.keys))
	}
	// Long data uses BINSTRING.
	big := make([]float32, 100)
	for i := range big {
		big[i] = float32(i) / 3
	}
	idx := make([]int32, 100)
	for i := range idx {
		idx[i] = int32(i)
	}
	o, err = decodePickle("big", csrPickle(1, 100, []int32{0, 100}, idx, big))
	if err != nil {
		t.Fatal(err)
	}
	if v := o.(*csrMatrix).data.float(99); v != float64(float32(99)/3) || math.IsNaN(v) {
		t.Errorf("data[99] = %v", v)
	}
}

func TestDecodePickleRefuses(t *testing.T) {
	tests := []struct {
		name string
		data []byte
	}{
		{"empty", nil},
		{"no stop", []byte{0x80, 2, 'N'}},
		{"os.system", []byte("\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00ls\x85R.")},
		{"protocol 4 frame", []byte("\x80\x04\x95\x00\x00\x00\x00\x00\x00\x00\x00N.")},
		{"huge BINSTRING", []byte("\x80\x02T\xff\xff\xff\x7f.")},
		{"negative BINSTRING", []byte("\x80\x02T\xff\xff\xff\xff.")},
		{"bare None", []byte("\x80\x02N.")},
		{"odd SETITEMS", []byte("\x80\x02}(K\x01u.")},
		{"csr indptr wrong", csrPickle(2, 2, []int32{0, 2, 1}, []int32{0}, []float32{1})},
		{"csr column out of range", csrPickle(1, 2, []int32{0, 1}, []int32{5}, []float32{1})},
		{"array data short", func() []byte {
			var p py2
			p.op(0x80, 2)
			p.ndarray([]int{2, 2}, "i4", []byte{1, 2, 3})
			p.op('.')
			return p.Bytes()
		}()},
		{"dict of floats", func() []byte {
			var p py2
			p.op(0x80, 2)
			p.global("collections", "defaultdict")
			p.global("__builtin__", "float")
			p.op(0x85, 'R', '.')
			return p.Bytes()
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o, err := decodePickle("p", tc.data)
			var pe *graphs.ParseError
			if err == nil || !errors.As(err, &pe) || !errors.Is(err, graphs.ErrFormat) {
				t.Errorf("decodePickle = %T, %v; want a ParseError wrapping ErrFormat", o, err)
			}
		})
	}
}

// TestDetachPayloads: a matrix whose arrays are long enough to be detached
// decodes to the same values; the stream handed to gopickle is short; a
// file whose own string starts with the marker is left as it is.
func TestDetachPayloads(t *testing.T) {
	const rows, cols, per = 400, 50, 5 // 2000 entries: 8000-byte index and value arrays
	indptr := make([]int32, rows+1)
	var indices []int32
	var vals []float32
	for r := range rows {
		for k := range per {
			indices = append(indices, int32((r+7*k)%cols))
			vals = append(vals, float32(r)+float32(k)/8)
		}
		slices.Sort(indices[len(indices)-per:])
		indptr[r+1] = int32(len(indices))
	}
	b := csrPickle(rows, cols, indptr, indices, vals)
	strs, _, err := scanPickle(b)
	if err != nil {
		t.Fatal(err)
	}
	stream, payloads := detachPayloads(b, strs)
	if len(payloads) != 2 || len(stream) > len(b)-2*8000+200 {
		t.Fatalf("%d payloads, stream %d of %d bytes", len(payloads), len(stream), len(b))
	}
	o, err := decodePickle("m", b)
	if err != nil {
		t.Fatal(err)
	}
	m := o.(*csrMatrix)
	for e := range indices {
		if m.indices.int(e) != int64(indices[e]) || m.data.float(e) != float64(vals[e]) {
			t.Fatalf("entry %d: (%d, %v), want (%d, %v)", e, m.indices.int(e), m.data.float(e), indices[e], vals[e])
		}
	}
	if &m.data.raw[0] != &payloads[1][0] { // both subslices of b
		t.Error("values copied, not a subslice of the file")
	}
	// A string of the file starting with the marker: nothing is detached.
	var p py2
	p.op(0x80, 2)
	p.str(payloadMarker + "0")
	p.op('.')
	withMarker := append(p.Bytes()[:len(p.Bytes())-1:len(p.Bytes())-1], b[2:]...)
	strs, _, err = scanPickle(withMarker)
	if err != nil {
		t.Fatal(err)
	}
	if s, pl := detachPayloads(withMarker, strs); pl != nil || !bytes.Equal(s, withMarker) {
		t.Errorf("marker in the file: %d payloads detached", len(pl))
	}
	for _, tc := range []struct {
		s  string
		k  int
		ok bool
	}{{payloadMarker + "12", 12, true}, {payloadMarker, 0, false}, {payloadMarker + "x", 0, false}, {"12", 0, false}} {
		if k, ok := payloadIndex(tc.s); k != tc.k || ok != tc.ok {
			t.Errorf("payloadIndex(%q) = %d, %v", tc.s, k, ok)
		}
	}
}
