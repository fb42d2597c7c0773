package datasets

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// archiveFor builds what the canonical URL u serves, from the shared files:
// the file itself, its gzip, or a zip / tar.gz holding the members.
func archiveFor(t *testing.T, shared, u string) []byte {
	t.Helper()
	var files []RemoteFile
	for _, e := range registry {
		for _, f := range e.Files {
			if f.URL == u {
				files = append(files, f)
			}
		}
	}
	if len(files) == 0 {
		return nil
	}
	read := func(f RemoteFile) []byte {
		b, err := os.ReadFile(filepath.Join(shared, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Fatalf("archiveFor: %v", err)
		}
		return b
	}
	var buf bytes.Buffer
	switch files[0].Archive {
	case "":
		return read(files[0])
	case "gz":
		z := gzip.NewWriter(&buf)
		z.Write(read(files[0]))
		z.Close()
	case "zip":
		z := zip.NewWriter(&buf)
		for _, f := range files {
			w, _ := z.Create(f.Member)
			w.Write(read(f))
		}
		z.Close()
	case "tgz":
		z := gzip.NewWriter(&buf)
		tw := tar.NewWriter(z)
		tw.WriteHeader(&tar.Header{Name: "junk/README", Mode: 0o644, Size: 3})
		tw.Write([]byte("hi\n"))
		for _, f := range files {
			b := read(f)
			tw.WriteHeader(&tar.Header{Name: f.Member, Mode: 0o644, Size: int64(len(b))})
			tw.Write(b)
		}
		tw.Close()
		z.Close()
	}
	return buf.Bytes()
}

// redirect sends every request to the test server, keeping the path.
type redirect struct{ base *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.base.Scheme, r.base.Host
	req.URL.RawQuery = "orig=" + url.QueryEscape(req.Host)
	req.Host = r.base.Host
	return http.DefaultTransport.RoundTrip(req)
}

// testServer serves the registry's URLs from the shared folder; mode
// "drop" sends half of each body then closes the connection, "corrupt"
// flips a byte.
func testServer(t *testing.T, shared, mode string) (*Fetcher, *int) {
	t.Helper()
	hits := new(int)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		*hits++
		orig := "https://" + r.URL.Query().Get("orig") + r.URL.Path
		b := archiveFor(t, shared, orig)
		if b == nil {
			b = archiveFor(t, shared, strings.Replace(orig, "https://", "http://", 1))
		}
		if b == nil {
			http.NotFound(w, r)
			return
		}
		switch mode {
		case "drop":
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.WriteHeader(http.StatusOK)
			w.Write(b[:len(b)/2])
			w.(http.Flusher).Flush()
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				conn.Close()
			}
			return
		case "corrupt":
			b = slices.Clone(b)
			b[len(b)/2] ^= 1
		}
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	base, _ := url.Parse(srv.URL)
	return &Fetcher{Client: &http.Client{Transport: redirect{base}}}, hits
}

// listFiles returns every file under root (relative paths).
func listFiles(t *testing.T, root string) []string {
	var out []string
	filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			r, _ := filepath.Rel(root, p)
			out = append(out, filepath.ToSlash(r))
		}
		return nil
	})
	return out
}

func TestFetchFromLocalServer(t *testing.T) {
	shared := sharedDir(t)
	f, hits := testServer(t, shared, "")
	root := t.TempDir()
	ctx := context.Background()
	// One dataset of each archive kind: plain, zip, gz, tar.gz.
	for _, name := range []string{"cora", "MUTAG", "ca-grqc", "cora-linqs", "karate", "ogbg-molbace"} {
		t.Run(name, func(t *testing.T) {
			before := *hits
			if err := f.Fetch(ctx, name, root); err != nil {
				t.Fatal(err)
			}
			e, _ := Info(name)
			for _, rf := range e.Files {
				a, err1 := os.ReadFile(filepath.Join(root, rf.Path))
				b, err2 := os.ReadFile(filepath.Join(shared, rf.Path))
				if err1 != nil || err2 != nil || !bytes.Equal(a, b) {
					t.Errorf("%s: fetched copy differs from the shared file (%v, %v)", rf.Path, err1, err2)
				}
			}
			fetched, err := Load(name, root)
			if err != nil {
				t.Fatal(err)
			}
			orig, err := Load(name, shared)
			if err != nil {
				t.Fatal(err)
			}
			if fetched.Stats() != orig.Stats() {
				t.Errorf("stats %+v, want %+v", fetched.Stats(), orig.Stats())
			}
			// A second Fetch verifies and downloads nothing.
			n := *hits
			if err := f.Fetch(ctx, name, root); err != nil || *hits != n {
				t.Errorf("second Fetch: err %v, %d new requests", err, *hits-n)
			}
			if *hits == before {
				t.Errorf("no request was made")
			}
		})
	}
	for _, p := range listFiles(t, root) {
		if strings.Contains(filepath.Base(p), ".tmp") || strings.Contains(p, ".download") {
			t.Errorf("temporary file %s left in the cache", p)
		}
	}
}

func TestFetchFailuresLeaveNothing(t *testing.T) {
	shared := sharedDir(t)
	for _, mode := range []string{"drop", "corrupt"} {
		for _, name := range []string{"cora-npz", "mutag", "facebook"} {
			t.Run(mode+"/"+name, func(t *testing.T) {
				f, _ := testServer(t, shared, mode)
				root := t.TempDir()
				err := f.Fetch(context.Background(), name, root)
				if err == nil {
					t.Fatal("Fetch succeeded on a broken download")
				}
				if left := listFiles(t, root); len(left) != 0 {
					t.Errorf("files left after failed fetch: %v (err %v)", left, err)
				}
			})
		}
	}
	// A corrupt plain file fails its checksum.
	f, _ := testServer(t, shared, "corrupt")
	if err := f.Fetch(context.Background(), "cora-npz", t.TempDir()); !errors.Is(err, ErrChecksum) {
		t.Errorf("corrupt download: err = %v, want ErrChecksum", err)
	}
}

func TestFetchKeepsVerifiedAndRefusesCorrupt(t *testing.T) {
	shared := sharedDir(t)
	f, hits := testServer(t, shared, "")
	// Everything of cora is in the shared folder: Fetch only verifies.
	if err := f.Fetch(context.Background(), "cora", shared); err != nil || *hits != 0 {
		t.Fatalf("Fetch on the shared folder: err %v, %d requests", err, *hits)
	}
	root := t.TempDir()
	p := filepath.Join(root, "karate", "karate.gml")
	os.MkdirAll(filepath.Dir(p), 0o755)
	os.WriteFile(p, []byte("graph [ ]"), 0o644)
	if err := f.Fetch(context.Background(), "karate", root); !errors.Is(err, ErrChecksum) {
		t.Errorf("corrupt cached file: err = %v, want ErrChecksum", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "graph [ ]" {
		t.Error("Fetch overwrote a file it could not verify")
	}
}

func TestGitBlobCheck(t *testing.T) {
	// git hash-object of "hello\n" is ce013625030ba8dba906f756967f9e9ca394464a.
	content := []byte("hello\n")
	h := sha1.Sum(append([]byte("blob 6\x00"), content...))
	rf := RemoteFile{Path: "x", GitBlob: "ce013625030ba8dba906f756967f9e9ca394464a"}
	if got := sumOf(sha1.New(), "blob 6\x00", content); got != rf.GitBlob || got[:8] != "ce013625" || h[0] != 0xce {
		t.Fatalf("git blob id %s", got)
	}
	root := t.TempDir()
	if err := install(root, rf, bytes.NewReader(content)); err != nil {
		t.Fatal(err)
	}
	if err := install(root, rf, bytes.NewReader([]byte("hullo\n"))); !errors.Is(err, ErrChecksum) {
		t.Errorf("wrong content: err = %v", err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "x")); !bytes.Equal(b, content) {
		t.Error("failed install replaced the good file")
	}
}

func TestRegistry(t *testing.T) {
	names := Names()
	for _, want := range []string{"cora", "citeseer", "pubmed", "mutag", "proteins", "enzymes", "nci1", "nci109", "ptc_mr",
		"imdb-binary", "imdb-multi", "karate", "email-eu-core", "ca-grqc", "facebook", "ogbg-molbace",
		"cora-npz", "citeseer-npz", "cora-linqs", "citeseer-linqs"} {
		if !slices.Contains(names, want) {
			t.Errorf("registry lacks %s", want)
		}
	}
	if !slices.IsSorted(names) {
		t.Error("Names not sorted")
	}
	for _, alias := range []string{"CORA", "PTC-MR", "imdb_binary", " Ogbg-MolBace "} {
		if _, err := Info(alias); err != nil {
			t.Errorf("Info(%q): %v", alias, err)
		}
	}
	if _, err := Info("mnist"); !errors.Is(err, ErrUnknown) {
		t.Errorf("Info(mnist) = %v, want ErrUnknown", err)
	}
	// Every file but PubMed's allx has a SHA-256 from the manifest.
	for _, e := range registry {
		for _, f := range e.Files {
			if f.SHA256 == "" && f.GitBlob == "" {
				t.Errorf("%s: %s has no checksum", e.Name, f.Path)
			}
			if !strings.HasPrefix(f.URL, "https://") && !strings.HasPrefix(f.URL, "http://") {
				t.Errorf("%s: bad URL %s", e.Name, f.URL)
			}
		}
	}
	_, err := Load("cora", t.TempDir())
	if !errors.Is(err, ErrMissing) || !strings.Contains(err.Error(), "ind.cora.x") || !strings.Contains(err.Error(), "fetch cora") {
		t.Errorf("Load from an empty root: %v", err)
	}
	if _, err := LoadGraph("cora", sharedDir(t)); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("LoadGraph(cora) = %v, want ErrParameter", err)
	}
}

// TestManifestMatchesShared checks the embedded manifest against the files.
func TestManifestMatchesShared(t *testing.T) {
	shared := sharedDir(t)
	for p, s := range manifest {
		if err := verifyFile(filepath.Join(shared, p), RemoteFile{SHA256: s.SHA256, Size: s.Size}); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
}

func TestRoot(t *testing.T) {
	t.Setenv("GNNWB_DATA", "/x/y")
	if r, _ := Root("/a"); r != "/a" {
		t.Errorf("Root(/a) = %s", r)
	}
	if r, _ := Root(""); r != "/x/y" {
		t.Errorf("Root with GNNWB_DATA = %s", r)
	}
	t.Setenv("GNNWB_DATA", "")
	if r, err := Root(""); err == nil && !strings.HasSuffix(r, "gnnwb") {
		t.Errorf("default root %s", r)
	}
}

// TestFetchStopsAtRegistrySize: a body, a decompressed gzip or an archive
// member longer than the size the registry lists is cut there, the fetch
// fails with graphs.ErrTooLarge, and nothing is left under the root. The
// server listens on 127.0.0.1 only.
func TestFetchStopsAtRegistrySize(t *testing.T) {
	var zeros bytes.Buffer // 16 MiB of zeros, gzipped to some 16 KB
	z := gzip.NewWriter(&zeros)
	z.Write(make([]byte, 16<<20))
	z.Close()
	var bigZip bytes.Buffer // karate.gml of 1 MiB, deflated
	zw := zip.NewWriter(&bigZip)
	w, _ := zw.Create("karate.gml")
	w.Write(bytes.Repeat([]byte("# comment\n"), 1<<17/10*8))
	zw.Close()
	for _, tc := range []struct {
		name, dataset string
		serve         func(w http.ResponseWriter)
		msg           string
	}{
		{"body longer than the file", "cora", func(w http.ResponseWriter) {
			w.Write(make([]byte, 22119+100000)) // ind.cora.x has 22119 bytes
		}, "longer than the 22119 bytes"},
		{"length announced", "cora", func(w http.ResponseWriter) {
			w.Header().Set("Content-Length", "1000000000")
			w.WriteHeader(http.StatusOK)
		}, "1000000000 bytes announced"},
		{"gzip bomb", "ca-grqc", func(w http.ResponseWriter) {
			w.Write(zeros.Bytes()) // CA-GrQc.txt has 351704 bytes
		}, "more than the 351704 bytes the registry lists"},
		{"archive member too long", "karate", func(w http.ResponseWriter) {
			w.Write(bigZip.Bytes()) // karate.gml has 4194 bytes
		}, "more than the 4194 bytes the registry lists"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { tc.serve(w) }))
			defer srv.Close()
			if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
				t.Fatalf("server at %s, want 127.0.0.1", srv.URL)
			}
			base, _ := url.Parse(srv.URL)
			f := &Fetcher{Client: &http.Client{Transport: redirect{base}}}
			root := t.TempDir()
			err := f.Fetch(context.Background(), tc.dataset, root)
			if !errors.Is(err, graphs.ErrTooLarge) || !strings.Contains(err.Error(), tc.msg) {
				t.Fatalf("err = %v, want ErrTooLarge saying %q", err, tc.msg)
			}
			if left := listFiles(t, root); len(left) != 0 {
				t.Errorf("files left: %v", left)
			}
		})
	}
}
