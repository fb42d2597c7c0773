package datasets

import (
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/internal/inputfile"
)

// copyDataset copies the files of dataset name from the shared root into a
// new root and returns it (skipping when the shared root lacks them).
func copyDataset(t *testing.T, name string) string {
	t.Helper()
	shared := sharedDir(t)
	e, err := Info(name)
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, rf := range e.Files {
		b, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(rf.Path)))
		if err != nil {
			t.Skip(err)
		}
		writeBytesAt(t, filepath.Join(root, filepath.FromSlash(rf.Path)), b)
	}
	return root
}

func writeBytesAt(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// hashesDuring returns the number of files hashed while f ran.
func hashesDuring(f func()) int64 {
	before := hashCount.Load()
	f()
	return hashCount.Load() - before
}

// flipByte flips the bits of byte k of the file p, keeping its
// modification time when keepTime is set.
func flipByte(t *testing.T, p string, k int, keepTime bool) {
	t.Helper()
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	b[k] ^= 0xff
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if keepTime {
		if err := os.Chtimes(p, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
	} else {
		// A later modification time than the memo's, even on a file
		// system whose clock ticks coarsely.
		later := st.ModTime().Add(time.Second)
		os.Chtimes(p, later, later)
	}
}

// TestLoadVerifiesOnce: the first Load hashes every file and records it in
// the root's memo, the second hashes none; a flipped byte is refused with
// an error naming the file, both digests and the fetch command; a flip
// that keeps the size and modification time escapes the memo but not
// Verify.
func TestLoadVerifiesOnce(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := copyDataset(t, "cora")
	x := filepath.Join(root, "planetoid", "raw", "ind.cora.x")
	if n := hashesDuring(func() { mustLoad(t, "cora", root) }); n != 8 {
		t.Errorf("first Load hashed %d files, want 8", n)
	}
	if _, err := os.Stat(filepath.Join(root, verifiedName)); err != nil {
		t.Errorf("no memo in the writable root: %v", err)
	}
	if n := hashesDuring(func() { mustLoad(t, "cora", root) }); n != 0 {
		t.Errorf("second Load hashed %d files, want 0", n)
	}

	flipByte(t, x, 1000, false)
	_, err := Load("cora", root)
	want := manifest["planetoid/raw/ind.cora.x"].SHA256
	for _, s := range []string{x, "sha256:" + want, "gnnwb datasets fetch cora"} {
		if err == nil || !strings.Contains(err.Error(), s) {
			t.Errorf("Load of a flipped file: err = %v, want it to name %q", err, s)
		}
	}
	if !errors.Is(err, ErrChecksum) {
		t.Errorf("err = %v, want ErrChecksum", err)
	}
	checks, err := Verify(root, "cora")
	if err != nil || len(checks) != 8 {
		t.Fatalf("Verify: %d checks, %v", len(checks), err)
	}
	for _, c := range checks {
		if wantState := map[bool]string{true: "corrupt", false: "ok"}[c.Path == x]; c.State != wantState || (c.State == "corrupt") != errors.Is(c.Err, ErrChecksum) {
			t.Errorf("%s: %s (%v), want %s", c.Path, c.State, c.Err, wantState)
		}
	}

	flipByte(t, x, 1000, false) // restored
	if n := hashesDuring(func() { mustLoad(t, "cora", root) }); n != 1 {
		t.Errorf("Load after the repair hashed %d files, want 1", n)
	}
	flipByte(t, x, 2000, true) // same size and time: the memo vouches for it
	if _, err := Load("cora", root); err != nil {
		t.Logf("flip with the time kept: %v", err) // the parser may still notice
	}
	if checks, _ := Verify(root, "cora"); checks[0].State != "corrupt" || checks[0].Path != x {
		t.Errorf("Verify after a flip that kept the time: %+v", checks[0])
	}
	if checks, _ := Verify(root, "cora-npz"); len(checks) != 1 || checks[0].State != "missing" || !errors.Is(checks[0].Err, ErrMissing) {
		t.Errorf("Verify of an absent dataset: %+v", checks)
	}
}

func mustLoad(t *testing.T, name, root string) Dataset {
	t.Helper()
	ds, err := Load(name, root)
	if err != nil {
		t.Fatal(err)
	}
	return ds
}

// TestLoadReadOnlyRoot: a read-only root is never written; the memo goes to
// the user cache directory, and when that cannot be written either, Load
// still works, hashing every time. A malformed memo is ignored.
func TestLoadReadOnlyRoot(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the user cache directory is set through XDG_CACHE_HOME on Linux only")
	}
	root := copyDataset(t, "karate")
	os.WriteFile(filepath.Join(root, verifiedName), []byte("{not json"), 0o644)
	if err := os.Chmod(root, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(root, 0o755) })
	cache := t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	if n := hashesDuring(func() { mustLoad(t, "karate", root) }); n != 1 {
		t.Errorf("first Load hashed %d files, want 1", n)
	}
	if n := hashesDuring(func() { mustLoad(t, "karate", root) }); n != 0 {
		t.Errorf("second Load hashed %d files, want 0 (memo in the user cache)", n)
	}
	if b, _ := os.ReadFile(filepath.Join(root, verifiedName)); string(b) != "{not json" {
		t.Errorf("the read-only root's memo was rewritten: %q", b)
	}
	if m, _ := filepath.Glob(filepath.Join(cache, "gnnwb", "verified", "*.json")); len(m) != 1 {
		t.Errorf("memos in the user cache: %v", m)
	}
	// No memo can be written: the cache directory is a file.
	blocked := filepath.Join(t.TempDir(), "file")
	os.WriteFile(blocked, nil, 0o644)
	t.Setenv("XDG_CACHE_HOME", blocked)
	for range 2 {
		if n := hashesDuring(func() { mustLoad(t, "karate", root) }); n != 1 {
			t.Errorf("Load without a memo hashed %d files, want 1", n)
		}
	}
}

// TestFlippedBytesDetected flips single bytes of Cora's Planetoid and npz
// files, one at a time in a copy: Load refuses every one (the SHA-256),
// although the parsers alone accept some of them silently.
func TestFlippedBytesDetected(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	rng := rand.New(rand.NewPCG(11, 0))
	for _, tc := range []struct{ name, file string }{{"cora", "planetoid/raw/ind.cora.x"}, {"cora", "planetoid/raw/ind.cora.graph"}, {"cora-npz", "gnn-benchmark-npz/cora.npz"}} {
		root := copyDataset(t, tc.name)
		p := filepath.Join(root, filepath.FromSlash(tc.file))
		st, _ := os.Stat(p)
		silent := 0
		const flips = 4
		for range flips {
			k := rng.IntN(int(st.Size()))
			flipByte(t, p, k, false)
			e, _ := lookup(tc.name)
			if _, err := e.load(root); err == nil {
				silent++ // what a load without the checksum would have accepted
			}
			if _, err := Load(tc.name, root); !errors.Is(err, ErrChecksum) {
				t.Errorf("%s: byte %d flipped: Load err = %v, want ErrChecksum", tc.file, k, err)
			}
			flipByte(t, p, k, false)
		}
		t.Logf("%s: %d of %d single-byte flips refused by Load, %d accepted by the parser alone", tc.file, flips, flips, silent)
	}
}

// TestLoadersRefuseNamedPipes: every entry point that reads a dataset file
// refuses a named pipe at once (inputfile) instead of blocking on it.
func TestLoadersRefuseNamedPipes(t *testing.T) {
	dir := t.TempDir()
	fifo := func(name string) string {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := syscall.Mkfifo(p, 0o644); err != nil {
			t.Skipf("no named pipes here: %v", err)
		}
		return p
	}
	writeFiles(t, filepath.Join(dir, "tu"), tuToy)
	os.Remove(filepath.Join(dir, "tu", "T_A.txt"))
	fifo("tu/T_A.txt")
	fifo("pl/ind.p.x")
	for _, part := range planetoidParts[1:] {
		writeBytesAt(t, filepath.Join(dir, "pl", "ind.p."+part), []byte("x"))
	}
	fifo("ogb/raw/num-node-list.csv.gz")
	fifo("root/karate/karate.gml")
	for _, tc := range []struct {
		name string
		read func() error
	}{
		{"ReadPlanetoid", func() error { _, err := ReadPlanetoid(filepath.Join(dir, "pl"), "p"); return err }},
		{"ReadNPZ", func() error { _, err := ReadNPZ(fifo("x.npz")); return err }},
		{"ReadTU", func() error { _, err := ReadTU(filepath.Join(dir, "tu"), "T", TUOptions{}); return err }},
		{"ReadSNAP", func() error { _, err := ReadSNAP(fifo("e.txt"), "", false); return err }},
		{"ReadLINQS", func() error { fifo("l/c.content"); _, err := ReadLINQS(filepath.Join(dir, "l"), "c"); return err }},
		{"ReadGML", func() error { _, err := ReadGML(fifo("g.gml")); return err }},
		{"ReadOGBGraph", func() error { _, err := ReadOGBGraph(filepath.Join(dir, "ogb"), "s"); return err }},
		{"ReadNodeLabels", func() error { _, err := ReadNodeLabels(fifo("labels.txt"), 3); return err }},
		{"ReadNodeFeatures", func() error { _, _, err := ReadNodeFeatures(fifo("feat.txt"), 3); return err }},
		{"ReadSplits", func() error { _, err := ReadSplits(fifo("s.json")); return err }},
		{"Load", func() error { _, err := Load("karate", filepath.Join(dir, "root")); return err }},
		{"Fetch", func() error { return (&Fetcher{}).Fetch(t.Context(), "karate", filepath.Join(dir, "root")) }},
		{"Verify", func() error {
			c, err := Verify(filepath.Join(dir, "root"), "karate")
			if err == nil {
				err = c[0].Err
			}
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			done := make(chan error, 1)
			go func() { done <- tc.read() }()
			select {
			case err := <-done:
				if !errors.Is(err, inputfile.ErrNotRegular) {
					t.Errorf("err = %v, want inputfile.ErrNotRegular", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("blocked on a named pipe")
			}
		})
	}
}

// TestLoadReadsReplacementsUnverified: files of other sizes than the
// registry's laid out as MUTAG (a fixture) load without hashing; Verify
// reports each as corrupt.
func TestLoadReadsReplacementsUnverified(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	root := t.TempDir()
	files := map[string]string{}
	for name, text := range tuToy {
		files[strings.Replace(name, "T_", "MUTAG_", 1)] = text
	}
	writeFiles(t, filepath.Join(root, "tu", "MUTAG"), files)
	if n := hashesDuring(func() { mustLoad(t, "mutag", root) }); n != 0 {
		t.Errorf("Load of a fixture hashed %d files, want 0", n)
	}
	checks, err := Verify(root, "mutag")
	if err != nil || len(checks) != 5 {
		t.Fatalf("Verify: %d checks, %v", len(checks), err)
	}
	for _, c := range checks {
		if c.State != "corrupt" || !errors.Is(c.Err, ErrChecksum) || c.Digest == c.Want {
			t.Errorf("%s: %+v, want corrupt", c.Path, c)
		}
	}
}
