package datasets

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// allocated returns the bytes the Go heap handed out while f ran (TotalAlloc
// of runtime.MemStats, which counts every allocation, freed or not).
func allocated(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// hostileFactor and hostileFixed bound what a reader may allocate for a
// hostile input of s bytes: hostileFactor·s + hostileFixed, or
// pickleBudget·s + hostileFixed for a pickle (gopickle boxes every value it
// pushes). Before the readers were bounded, the inputs below made them
// allocate from 250 to 8 million bytes per byte.
const (
	hostileFactor = 16
	hostileFixed  = 1 << 20
)

// npzMember returns a zip holding the toy npz's members with name replaced
// by member, stored uncompressed; claim, if not 0, is written as the
// member's size in the zip headers instead of its true size.
func npzMember(name string, member []byte, claim uint64) []byte {
	b := toyNPZ()
	zr, _ := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		var m bytes.Buffer
		m.ReadFrom(rc)
		rc.Close()
		data := m.Bytes()
		size := uint64(len(data))
		if zf.Name == name+".npy" {
			data, size = member, uint64(len(member))
			if claim != 0 {
				size = claim
			}
		}
		w, _ := zw.CreateRaw(&zip.FileHeader{Name: zf.Name, Method: zip.Store, CompressedSize64: size, UncompressedSize64: size, CRC32: 0})
		w.Write(data)
	}
	zw.Close()
	return out.Bytes()
}

// npyHeader returns a version-1 .npy header for descr and shape.
func npyHeader(descr, shape string) []byte {
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': %s, }", descr, shape)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	return append([]byte("\x93NUMPY\x01\x00"), append([]byte{byte(len(h)), byte(len(h) >> 8)}, h...)...)
}

// memoPickle writes a protocol-2 pickle whose prologue builds objects and
// memoises them, then repeats body reps times inside a list, so that a
// few bytes per repetition name the memoised objects again.
func memoPickle(prologue func(p *py2), body []byte, reps int) []byte {
	var p py2
	p.op(0x80, 2)
	prologue(&p)
	p.op(']')
	for range reps {
		p.Write(body)
	}
	p.op('.')
	return p.Bytes()
}

// TestHostileInputs: inputs whose headers, counts or memo references claim
// far more than the file holds are refused (or read) with an allocation
// bounded by the file's size: at most hostileFactor bytes per byte of
// input plus hostileFixed.
func TestHostileInputs(t *testing.T) {
	tests := []struct {
		name string
		// write puts the input under dir and returns its size in bytes;
		// read reads it; file is the base name the error must name.
		write func(t *testing.T, dir string) int
		read  func(dir string) error
		file  string
		kind  error
	}{
		{"npz member claims 2^31 values in 64 bytes", func(t *testing.T, dir string) int {
			// The zip headers and the npy header both claim 2^31 int64
			// values (16 GiB); 64 bytes follow.
			member := append(npyHeader("<i8", "(2147483648,)"), make([]byte, 64)...)
			return writeBytes(t, filepath.Join(dir, "x.npz"), npzMember("labels", member, 1<<34))
		}, func(dir string) error { _, err := ReadNPZ(filepath.Join(dir, "x.npz")); return err }, "x.npz", graphs.ErrTooLarge},
		{"npz npy header claims 2^31 values, zip tells the truth", func(t *testing.T, dir string) int {
			member := append(npyHeader("<i8", "(2147483648,)"), make([]byte, 64)...)
			return writeBytes(t, filepath.Join(dir, "x.npz"), npzMember("labels", member, 0))
		}, func(dir string) error { _, err := ReadNPZ(filepath.Join(dir, "x.npz")); return err }, "x.npz", graphs.ErrShape},
		{"npz v2 header length 4 GiB", func(t *testing.T, dir string) int {
			member := []byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff{'descr': '<i8'")
			return writeBytes(t, filepath.Join(dir, "x.npz"), npzMember("labels", member, 0))
		}, func(dir string) error { _, err := ReadNPZ(filepath.Join(dir, "x.npz")); return err }, "x.npz", graphs.ErrFormat},
		{"pickle string of 4000 bytes named 200000 times", func(t *testing.T, dir string) int {
			return writeBytes(t, filepath.Join(dir, "ind.t.x"), memoStringPickle(200000))
		}, func(dir string) error { return decodeFile(dir, "ind.t.x") }, "ind.t.x", graphs.ErrFormat},
		{"pickle csr_matrix rebuilt 20000 times from one memoised state", func(t *testing.T, dir string) int {
			return writeBytes(t, filepath.Join(dir, "ind.t.x"), memoCSRPickle(20000))
		}, func(dir string) error { return decodeFile(dir, "ind.t.x") }, "ind.t.x", graphs.ErrTooLarge},
		{"adjacency list of 1000 nodes under 100000 keys", func(t *testing.T, dir string) int {
			return writeBytes(t, filepath.Join(dir, "ind.t.graph"), memoListPickle(1000, 100000))
		}, func(dir string) error {
			b, err := os.ReadFile(filepath.Join(dir, "ind.t.graph"))
			if err == nil {
				_, err = decodeAdjacency(filepath.Join(dir, "ind.t.graph"), b)
			}
			return err
		}, "ind.t.graph", graphs.ErrTooLarge},
		{"OGB node count 2^31-1 for one label", func(t *testing.T, dir string) int {
			writeGz(t, filepath.Join(dir, "raw", "num-node-list.csv.gz"), "2147483647\n")
			writeGz(t, filepath.Join(dir, "raw", "node-label.csv.gz"), "0\n")
			writeGz(t, filepath.Join(dir, "raw", "edge.csv.gz"), "0,0\n")
			return dirSize(t, dir)
		}, func(dir string) error { _, err := ReadOGBNode(dir, "s", false); return err }, "node-label.csv.gz", graphs.ErrShape},
		{"OGB edge count 10^9 for one edge", func(t *testing.T, dir string) int {
			writeGz(t, filepath.Join(dir, "raw", "num-node-list.csv.gz"), "2\n")
			writeGz(t, filepath.Join(dir, "raw", "num-edge-list.csv.gz"), "1000000000\n")
			writeGz(t, filepath.Join(dir, "raw", "graph-label.csv.gz"), "1\n")
			writeGz(t, filepath.Join(dir, "raw", "edge.csv.gz"), "0,1\n")
			return dirSize(t, dir)
		}, func(dir string) error { _, err := ReadOGBGraph(dir, "s"); return err }, "edge.csv.gz", graphs.ErrShape},
		{"OGB graph of 2*10^9 nodes without node features", func(t *testing.T, dir string) int {
			writeGz(t, filepath.Join(dir, "raw", "num-node-list.csv.gz"), "2000000000\n")
			writeGz(t, filepath.Join(dir, "raw", "num-edge-list.csv.gz"), "1\n")
			writeGz(t, filepath.Join(dir, "raw", "graph-label.csv.gz"), "1\n")
			writeGz(t, filepath.Join(dir, "raw", "edge.csv.gz"), "0,1\n")
			return dirSize(t, dir)
		}, func(dir string) error { _, err := ReadOGBGraph(dir, "s"); return err }, "num-node-list.csv.gz", graphs.ErrTooLarge},
		{"TU node label 65535 among 2000 nodes", func(t *testing.T, dir string) int {
			// One-hot blocks of width 65536: 2000 × 65536 float64 = 1 GiB
			// from 12 KB of files.
			var lab, ind strings.Builder
			for i := range 2000 {
				ind.WriteString("1\n")
				lab.WriteString([]string{"0\n", "65535\n"}[i%2])
			}
			writeFiles(t, dir, map[string]string{"T_A.txt": "1, 2\n2, 1\n", "T_graph_indicator.txt": ind.String(),
				"T_graph_labels.txt": "1\n", "T_node_labels.txt": lab.String()})
			return dirSize(t, dir)
		}, func(dir string) error { _, err := ReadTU(dir, "T", TUOptions{}); return err }, "T_node_labels.txt", graphs.ErrTooLarge},
		{"features of 2^20 nodes from a 300-byte file", func(t *testing.T, dir string) int {
			var b strings.Builder
			b.WriteString("0")
			for k := range 99 {
				fmt.Fprintf(&b, " %d", k)
			}
			b.WriteString("\n")
			return writeBytes(t, filepath.Join(dir, "x.txt"), []byte(b.String()))
		}, func(dir string) error { _, _, err := ReadNodeFeatures(filepath.Join(dir, "x.txt"), 1<<20); return err }, "x.txt", graphs.ErrShape},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			size := tc.write(t, dir)
			var err error
			got := allocated(func() { err = tc.read(dir) })
			var pe *graphs.ParseError
			if !errors.As(err, &pe) || filepath.Base(pe.Path) != tc.file || !errors.Is(err, tc.kind) {
				t.Fatalf("err = %v, want a *graphs.ParseError for %s wrapping %v", err, tc.file, tc.kind)
			}
			factor := hostileFactor
			if strings.HasPrefix(tc.file, "ind.") {
				factor = pickleBudget
			}
			limit := uint64(factor*size + hostileFixed)
			t.Logf("%d bytes of input, %d allocated (%.1f per byte): %v", size, got, float64(got)/float64(size), err)
			if got > limit {
				t.Errorf("allocated %d bytes for %d bytes of input, more than %d·size + %d = %d", got, size, factor, hostileFixed, limit)
			}
		})
	}
}

// memoStringPickle returns a list of reps numpy arrays that all hold the
// same memoised 4000-byte string: after the first array, each takes 9
// bytes (_reconstruct(*args) from the memo, BUILD with the memoised state,
// APPEND).
func memoStringPickle(reps int) []byte {
	var p py2
	p.op(0x80, 2, ']')
	p.global("numpy.core.multiarray", "_reconstruct") // memo 0
	p.global("numpy", "ndarray")                      // memo 1
	p.int(0)
	p.op(0x85)
	p.str("b")
	p.op(0x87, 'q', 2, 'R') // arguments: memo 2
	p.op('(')
	p.int(1)
	p.op('(')
	p.int(4000)
	p.op('t')
	p.memo = 3
	p.global("numpy", "dtype") // memo 3
	p.str("u1")
	p.int(0)
	p.int(1)
	p.op(0x87, 'R', '(')
	p.int(3)
	p.str("|")
	p.op('N', 'N', 'N', 'J', 0xff, 0xff, 0xff, 0xff, 'J', 0xff, 0xff, 0xff, 0xff)
	p.int(0)
	p.op('t', 'b', 0x89)
	p.str(strings.Repeat("x", 4000))
	p.op('t', 'q', 4, 'b', 'a') // state: memo 4
	for range reps - 1 {
		p.op('h', 0, 'h', 2, 'R', 'h', 4, 'b', 'a')
	}
	p.op('.')
	return p.Bytes()
}

// memoCSRPickle returns a list of reps csr_matrix objects built from one
// memoised state (a 4000×1 matrix without entries: an indptr of 4001 int8
// zeros): after the first, each takes 8 bytes (NEWOBJ, BUILD, APPEND).
func memoCSRPickle(reps int) []byte {
	var p py2
	p.op(0x80, 2, ']')
	p.global("scipy.sparse.csr", "csr_matrix") // memo 0
	p.op(')', 0x81, '}', '(')
	p.str("_shape")
	p.int(4000)
	p.int(1)
	p.op(0x86)
	p.str("indptr")
	p.ndarray([]int{4001}, "i1", make([]byte, 4001))
	p.str("indices")
	p.ndarray([]int{0}, "i4", nil)
	p.str("data")
	p.ndarray([]int{0}, "f4", nil)
	p.op('u', 'q', 200, 'b', 'a') // state: memo 200
	for range reps - 1 {
		p.op('h', 0, ')', 0x81, 'h', 200, 'b', 'a')
	}
	p.op('.')
	return p.Bytes()
}

// memoListPickle returns a defaultdict(list) whose keys 0..keys−1 (mod
// 60000) all map to one memoised list of the nodes 0..n−1: 5 bytes per key.
func memoListPickle(n, keys int) []byte {
	var p py2
	p.op(0x80, 2)
	p.global("collections", "defaultdict")
	p.global("__builtin__", "list")
	p.op(0x85, 'R', '(')
	p.int(0)
	p.op(']', 'q', 100, '(')
	for v := range n {
		p.int(v)
	}
	p.op('e')
	for k := 1; k < keys; k++ {
		p.op('M', byte(k%60000), byte(k%60000>>8), 'h', 100)
	}
	p.op('u', '.')
	return p.Bytes()
}

// decodeFile runs decodePickle on dir/name.
func decodeFile(dir, name string) error {
	p := filepath.Join(dir, name)
	b, err := os.ReadFile(p)
	if err != nil {
		return err
	}
	_, err = decodePickle(p, b)
	return err
}

func writeBytes(t *testing.T, path string, b []byte) int {
	t.Helper()
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return len(b)
}

// dirSize returns the bytes of the files under dir.
func dirSize(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	for _, f := range listFiles(t, dir) {
		st, err := os.Stat(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			t.Fatal(err)
		}
		n += int(st.Size())
	}
	return n
}
