package datasets

import (
	"archive/zip"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gnnwb/gnnwb/graphs"
)

// Seed corpora live in testdata/fuzz/<FuzzName>/. They were written from the
// seeds below by running the tests with GNNWB_WRITE_FUZZ_SEEDS=1.

// smallDense lowers maxDense for a fuzz target (restored by the returned
// func) so that a fuzzed size cannot exhaust the fuzzer's memory.
func smallDense() func() {
	old := maxDense
	maxDense = 1 << 22
	return func() { maxDense = old }
}

// fuzzFactor and fuzzFixed cap what one fuzz input may make a reader
// allocate: fuzzFactor bytes per byte of input plus fuzzFixed. The readers'
// own allowances reach pickleBudget bytes per byte; fixed buffers (a
// 64 KiB line buffer per file, a gzip reader) fit in fuzzFixed.
const (
	fuzzFactor = 2 * pickleBudget
	fuzzFixed  = 4 << 20
)

// heapAllocs returns the bytes allocated on the heap while f ran, from
// runtime/metrics, which unlike runtime.ReadMemStats does not stop the
// world (it counts small objects a span at a time: fine for a cap).
func heapAllocs(f func()) uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/allocs:bytes"}}
	metrics.Read(s)
	before := s[0].Value.Uint64()
	f()
	metrics.Read(s)
	return s[0].Value.Uint64() - before
}

// capAlloc runs read, a reader given n bytes of input, and fails t when it
// allocated more than fuzzFactor·n + fuzzFixed bytes: a fuzzed input that
// costs more than it weighs is a bug the fuzzer reports.
func capAlloc(t *testing.T, n int, read func()) {
	t.Helper()
	if got, limit := heapAllocs(read), uint64(fuzzFactor*n+fuzzFixed); got > limit {
		t.Fatalf("%d bytes of input made the reader allocate %d bytes, more than %d·%d + %d", n, got, fuzzFactor, n, fuzzFixed)
	}
}

// fuzzMinimize is the -fuzzminimizetime the fuzz targets here use unless
// the command line gives one. The fuzz engine's default spends up to 60 s
// minimising every input that finds new coverage, and counts none of those
// calls: its pass over every pair of byte positions does not end in that
// time for an input of a few KB (an npz, a pickle with a long array), and
// the fuzzer explores nothing meanwhile. 1000 calls cut such an input's
// tail and take a fraction of a second.
const fuzzMinimize = "1000x"

// quickMinimize sets -fuzzminimizetime to fuzzMinimize unless it was given.
func quickMinimize() {
	given := false
	flag.Visit(func(fl *flag.Flag) { given = given || fl.Name == "test.fuzzminimizetime" })
	if !given {
		flag.Set("test.fuzzminimizetime", fuzzMinimize)
	}
}

// memFiles makes the loaders of one fuzz target read their files from
// memory (openInput, restored by the returned func): set(t, files) makes
// files, by base name, the whole content of the in-memory folder whose
// name it returns. The disk would cost more than the parsing.
func memFiles() (set func(t *testing.T, files map[string]string) string, restore func()) {
	var m fstest.MapFS
	old := openInput
	openInput = func(p string) (fs.File, error) { return m.Open(filepath.ToSlash(p)) }
	return func(t *testing.T, files map[string]string) string {
		m = fstest.MapFS{}
		for name, text := range files {
			m["mem/"+name] = &fstest.MapFile{Data: []byte(text)}
		}
		return "mem"
	}, func() { openInput = old }
}

// seed adds args to f and, when GNNWB_WRITE_FUZZ_SEEDS=1, also writes them
// as a corpus file under testdata/fuzz.
func seed(f *testing.F, k int, args ...any) {
	f.Add(args...)
	if os.Getenv("GNNWB_WRITE_FUZZ_SEEDS") != "1" {
		return
	}
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case []byte:
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
		case string:
			fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(v))
		case bool:
			fmt.Fprintf(&b, "bool(%v)\n", v)
		case uint8:
			fmt.Fprintf(&b, "uint8(%d)\n", v)
		}
	}
	dir := filepath.Join("testdata", "fuzz", f.Name())
	os.MkdirAll(dir, 0o755)
	os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed-%02d", k)), []byte(b.String()), 0o644)
}

// noPanicFile runs fn and checks that an error is a *graphs.ParseError or wraps
// ErrMissing (never a panic, never a dataset together with an error).
func checkErr(t *testing.T, err error) {
	t.Helper()
	var pe *graphs.ParseError
	if err != nil && !errors.As(err, &pe) && !errors.Is(err, ErrMissing) {
		t.Fatalf("error is neither *graphs.ParseError nor ErrMissing: %T %v", err, err)
	}
}

func FuzzReadTable(f *testing.F) {
	quickMinimize()
	for k, s := range []string{"1, 2\n3, 4\n", "1\t2\r\n\r\n3 4", "# x\n1 2\n", "1.5e3,-2\n", "1,2\n3\n", "9999999999999999999999\n", ",\n"} {
		seed(f, k, []byte(s), k%2 == 0)
	}
	f.Fuzz(func(t *testing.T, data []byte, comma bool) {
		var ti *table[int64]
		var err error
		capAlloc(t, len(data), func() { ti, err = readTable[int64](bytes.NewReader(data), "f", comma, 0, !comma, 0) })
		checkErr(t, err)
		if err == nil && ti.cols > 0 && len(ti.vals) != ti.rows()*ti.cols {
			t.Fatalf("ragged table")
		}
		// The in-memory reader (with its integer fast path) must agree
		// with the streaming one exactly, errors included.
		tb, errb := readTableBytes[int64](data, "f", comma, 0, !comma, 3)
		if (err == nil) != (errb == nil) || (err != nil && err.Error() != errb.Error()) {
			t.Fatalf("streaming err %v, in-memory err %v", err, errb)
		}
		if err == nil && (!slices.Equal(ti.vals, tb.vals) || !slices.Equal(ti.lines, tb.lines) || ti.cols != tb.cols) {
			t.Fatalf("streaming %+v, in-memory %+v", ti, tb)
		}
		tf, err := readTable[float64](bytes.NewReader(data), "f", comma, 0, false, 0)
		checkErr(t, err)
		if err == nil {
			if tf.n != tf.rows() {
				t.Fatalf("%d rows counted, %d stored", tf.n, tf.rows())
			}
			for r := 1; r < tf.rows(); r++ {
				if tf.line(r) <= tf.line(r-1) {
					t.Fatalf("row %d on line %d after line %d", r, tf.line(r), tf.line(r-1))
				}
			}
		}
	})
}

func FuzzDecodePickle(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	seed(f, 0, csrPickle(3, 4, []int32{0, 1, 1, 3}, []int32{1, 0, 3}, []float32{1.5, 2, -1}))
	seed(f, 1, arrayPickle(2, 3, []int32{0, 1, 0, 1, 0, 0}))
	seed(f, 2, dictPickle([][]int{{1, 2}, {0}, {0, 300}}))
	seed(f, 3, []byte("\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00ls\x85R."))
	// Arrays long enough to be detached (detachPayloads).
	long := make([]int32, 1100)
	seed(f, 4, csrPickle(1, 1100, []int32{0, 1100}, long, make([]float32, 1100)))
	// Memo references that repeat a string, a matrix state (hostile_test.go).
	seed(f, 5, memoStringPickle(20))
	seed(f, 6, memoCSRPickle(20))
	f.Fuzz(func(t *testing.T, data []byte) {
		var o any
		var err error
		capAlloc(t, len(data), func() { o, err = decodePickle("p", data) })
		checkErr(t, err)
		if err == nil && o == nil {
			t.Fatal("nil object without error")
		}
	})
}

func npzBytes(members map[string][]byte) []byte {
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for _, name := range []string{"adj_data", "adj_indices", "adj_indptr", "adj_shape", "attr_data", "attr_indices", "attr_indptr", "attr_shape", "labels", "class_names"} {
		if m, ok := members[name]; ok {
			// Stored, as numpy.savez writes them (and deflate's set-up
			// would cost more than the reading in a fuzzer).
			w, _ := z.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
			w.Write(m)
		}
	}
	z.Close()
	return b.Bytes()
}

// npy encodes a 1-d array as a version 1.0 .npy file.
func npyFile(descr string, n int, raw []byte) []byte {
	h := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d,), }", descr, n)
	for (10+len(h)+1)%64 != 0 {
		h += " "
	}
	h += "\n"
	out := append([]byte("\x93NUMPY\x01\x00"), byte(len(h)), byte(len(h)>>8))
	out = append(out, h...)
	return append(out, raw...)
}

func toyNPZ() []byte {
	i64 := func(v ...int64) []byte {
		var b bytes.Buffer
		for _, x := range v {
			for s := 0; s < 64; s += 8 {
				b.WriteByte(byte(x >> s))
			}
		}
		return b.Bytes()
	}
	return npzBytes(map[string][]byte{
		"adj_data":     npyFile("<f4", 2, le([]float32{1, 1})),
		"adj_indices":  npyFile("<i4", 2, le([]int32{1, 2})),
		"adj_indptr":   npyFile("<i4", 4, le([]int32{0, 1, 2, 2})),
		"adj_shape":    npyFile("<i8", 2, i64(3, 3)),
		"attr_data":    npyFile("<f4", 3, le([]float32{1, 2, 3})),
		"attr_indices": npyFile("<i4", 3, le([]int32{0, 1, 1})),
		"attr_indptr":  npyFile("<i4", 4, le([]int32{0, 1, 2, 3})),
		"attr_shape":   npyFile("<i8", 2, i64(3, 2)),
		"labels":       npyFile("|i1", 3, []byte{0, 1, 1}),
	})
}

func TestReadNPZToy(t *testing.T) {
	b := toyNPZ()
	ds, err := readNPZ(bytes.NewReader(b), int64(len(b)), "toy.npz")
	if err != nil {
		t.Fatal(err)
	}
	// Edges 0→1, 1→2 made undirected: path 0-1-2; X = [[1 0] [0 2] [0 3]].
	X := denseX(t, ds)
	if ds.Graph.NumEdges() != 2 || !ds.Graph.HasEdge(2, 1) || ds.NumFeatures != 2 || X[3] != 2 || X[5] != 3 || ds.NumClasses != 2 {
		t.Errorf("%v X=%v classes %d", ds.Graph, X, ds.NumClasses)
	}
}

func FuzzReadNPZ(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	seed(f, 0, toyNPZ())
	seed(f, 1, npzBytes(map[string][]byte{"labels": npyFile("|i1", 9, []byte{1})}))
	// Zip and npy headers claiming 2^31 values over 64 bytes (hostile_test.go).
	seed(f, 2, npzMember("labels", append(npyHeader("<i8", "(2147483648,)"), make([]byte, 64)...), 1<<34))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ds *NodeDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = readNPZ(bytes.NewReader(data), int64(len(data)), "f.npz") })
		checkErr(t, err)
		if err == nil {
			if ds.X != nil || ds.SparseX == nil {
				t.Fatal("npz features not sparse")
			}
			if err := validSparse(ds.SparseX, ds.Graph.NumNodes(), ds.NumFeatures); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// splitParts cuts data at the byte 0x1e into at most n parts.
func splitParts(data []byte, n int) []string {
	parts := strings.SplitN(string(data), "\x1e", n)
	for len(parts) < n {
		parts = append(parts, "")
	}
	return parts
}

func FuzzReadTU(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	join := func(m map[string]string, names ...string) []byte {
		var s []string
		for _, n := range names {
			s = append(s, m[n])
		}
		return []byte(strings.Join(s, "\x1e"))
	}
	seed(f, 0, join(tuToy, "T_A.txt", "T_graph_indicator.txt", "T_graph_labels.txt", "T_node_labels.txt", "T_edge_labels.txt"))
	seed(f, 1, []byte("1, 1\n\x1e1\n\x1e0\n\x1e\x1e"))
	files, restore := memFiles()
	defer restore()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := splitParts(data, 5)
		m := map[string]string{"T_A.txt": p[0], "T_graph_indicator.txt": p[1], "T_graph_labels.txt": p[2]}
		if p[3] != "" {
			m["T_node_labels.txt"] = p[3]
		}
		if p[4] != "" {
			m["T_edge_labels.txt"] = p[4]
		}
		dir := files(t, m)
		var ds *GraphDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = ReadTU(dir, "T", TUOptions{}) })
		checkErr(t, err)
		if err == nil {
			if ds.NodeOffsets[len(ds.Graphs)]*ds.NumFeatures != len(ds.X) || len(ds.Y) != len(ds.Graphs) {
				t.Fatal("inconsistent dataset")
			}
			for _, y := range ds.Y {
				if y < 0 || int(y) >= ds.NumClasses {
					t.Fatal("label out of range")
				}
			}
		}
	})
}

func FuzzReadSNAP(f *testing.F) {
	quickMinimize()
	seed(f, 0, []byte("# c\r\n0\t1\r\n1\t2\r\n\x1e0 0\n1 1\n2 0\n"), true)
	seed(f, 1, []byte("10 20\n20 10\n20 20\n\x1e"), false)
	files, restore := memFiles()
	defer restore()
	f.Fuzz(func(t *testing.T, data []byte, directed bool) {
		p := splitParts(data, 2)
		dir := files(t, map[string]string{"e.txt": p[0], "l.txt": p[1]})
		lab := ""
		if p[1] != "" {
			lab = filepath.Join(dir, "l.txt")
		}
		var ds *NodeDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = ReadSNAP(filepath.Join(dir, "e.txt"), lab, directed) })
		checkErr(t, err)
		if err == nil && len(ds.IDs) != ds.Graph.NumNodes() {
			t.Fatal("IDs and nodes disagree")
		}
	})
}

func FuzzReadGML(f *testing.F) {
	quickMinimize()
	seed(f, 0, []byte("Creator \"x\"\ngraph\n[\n  node\n  [\n    id 1\n  ]\n  node [ id 2 ]\n  edge\n  [\n    source 2\n    target 1\n  ]\n]\n"))
	seed(f, 1, []byte("graph [ directed 1 node [ id 5 label \"a\" graphics [ x 1.5 ] ] edge [ source 5 target 5 ] ]"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var ds *NodeDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = readGML(bytes.NewReader(data), "f.gml") })
		checkErr(t, err)
		if err == nil && len(ds.IDs) != ds.Graph.NumNodes() {
			t.Fatal("IDs and nodes disagree")
		}
	})
}

func FuzzReadLINQS(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	seed(f, 0, []byte("p1\t1\t0\tA\np2\t0\t1\tB\n\x1ep1\tp2\np2\tp2\np3\tp1\n"))
	seed(f, 1, []byte("x\tA\n\x1e"))
	files, restore := memFiles()
	defer restore()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := splitParts(data, 2)
		dir := files(t, map[string]string{"c.content": p[0], "c.cites": p[1]})
		var ds *NodeDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = ReadLINQS(dir, "c") })
		checkErr(t, err)
		if err == nil && len(ds.X) != ds.Graph.NumNodes()*ds.NumFeatures {
			t.Fatal("X has the wrong size")
		}
	})
}

func FuzzReadSplits(f *testing.F) {
	quickMinimize()
	seed(f, 0, []byte(`{"dataset":"t","k":2,"folds":[{"train":[0],"val":[],"test":[1]},{"train":[1],"val":[],"test":[0]}]}`))
	seed(f, 1, []byte(`{"folds":[{"train":[5]}]}`))
	files, restore := memFiles()
	defer restore()
	f.Fuzz(func(t *testing.T, data []byte) {
		p := filepath.Join(files(t, map[string]string{"s.json": string(data)}), "s.json")
		var err error
		capAlloc(t, len(data), func() { _, err = ReadSplits(p) })
		checkErr(t, err)
	})
}

// FuzzNPZMember replaces one member of a valid toy npz with fuzzed .npy
// bytes, so the fuzzer works on npy headers and data rather than on the
// zip container.
func FuzzNPZMember(f *testing.F) {
	quickMinimize()
	defer smallDense()()
	seed(f, 0, npyFile("<i4", 2, le([]int32{1, 2})), uint8(1))
	seed(f, 1, npyFile("<f4", 3, le([]float32{1, 2, 3})), uint8(4))
	seed(f, 2, npyFile("|i1", 3, []byte{0, 1, 1}), uint8(8))
	seed(f, 3, npyFile("<U7", 1, []byte("a\x00\x00\x00b\x00\x00\x00c\x00\x00\x00d\x00\x00\x00e\x00\x00\x00f\x00\x00\x00g\x00\x00\x00")), uint8(9))
	// A version 2 header length of 4 GiB; a version 3 header (hostile_test.go).
	seed(f, 4, []byte("\x93NUMPY\x02\x00\xf0\xff\xff\xff{'descr': '<i8'"), uint8(8))
	seed(f, 5, append([]byte("\x93NUMPY\x03\x00\x3a\x00\x00\x00{'descr': '|i1', 'fortran_order': False, 'shape': (3,), }\n"), 0, 1, 1), uint8(8))
	names := []string{"adj_data", "adj_indices", "adj_indptr", "adj_shape", "attr_data", "attr_indices", "attr_indptr", "attr_shape", "labels", "class_names"}
	b := toyNPZ()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		f.Fatal(err)
	}
	toy := map[string][]byte{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		var buf bytes.Buffer
		buf.ReadFrom(rc)
		rc.Close()
		toy[strings.TrimSuffix(zf.Name, ".npy")] = buf.Bytes()
	}
	f.Fuzz(func(t *testing.T, member []byte, which uint8) {
		m := maps.Clone(toy)
		m[names[int(which)%len(names)]] = member
		data := npzBytes(m)
		var ds *NodeDataset
		var err error
		capAlloc(t, len(data), func() { ds, err = readNPZ(bytes.NewReader(data), int64(len(data)), "f.npz") })
		checkErr(t, err)
		if err == nil {
			if err := validSparse(ds.SparseX, ds.Graph.NumNodes(), ds.NumFeatures); err != nil {
				t.Fatal(err)
			}
		}
	})
}
