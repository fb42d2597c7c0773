package datasets

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/atomicfile"
)

// Fetcher downloads registered datasets into a data root. The zero value
// uses http.DefaultClient and reports no progress.
type Fetcher struct {
	// Client performs the requests; nil means http.DefaultClient.
	Client *http.Client
	// Progress, if not nil, is called from the fetching goroutine with the
	// bytes received so far and the expected total (−1 if unknown) of the
	// current download.
	Progress func(done, total int64)
}

// Fetch is (&Fetcher{}).Fetch.
func Fetch(ctx context.Context, name, root string) error {
	return (&Fetcher{}).Fetch(ctx, name, root)
}

// Fetch makes every file of dataset name present and verified under root
// (see Root), in the layout of the package documentation. A file already
// there is checked against its SHA-256 (or git blob id) and kept; a file
// that fails the check is an error wrapping ErrChecksum (it is never
// overwritten: delete it to fetch again). Missing files are downloaded from
// their canonical URL (an archive is downloaded once for all its members)
// to a temporary file under root, extracted (gunzip, zip or tar.gz member),
// verified, and renamed into place; on any failure (a dropped connection, a
// checksum mismatch, a cancelled ctx) the temporary files are removed and
// nothing half-written remains. A body longer than the registry's sizes
// allow (the file's size; for an archive, whose other members the registry
// does not know, twice those of its registered members plus 1 MiB) is
// stopped there, and so is a decompressed file or member longer than its
// size: the error wraps graphs.ErrTooLarge. The error names the URL or
// file.
func (f *Fetcher) Fetch(ctx context.Context, name, root string) error {
	e, err := lookup(name)
	if err != nil {
		return err
	}
	if root, err = Root(root); err != nil {
		return err
	}
	// Group the missing files by URL, keeping registry order.
	var urls []string
	need := map[string][]RemoteFile{}
	for _, rf := range e.Files {
		dst := filepath.Join(root, filepath.FromSlash(rf.Path))
		switch err := verifyFile(dst, rf); {
		case err == nil:
			continue
		case errors.Is(err, fs.ErrNotExist):
			if _, ok := need[rf.URL]; !ok {
				urls = append(urls, rf.URL)
			}
			need[rf.URL] = append(need[rf.URL], rf)
		default:
			return err
		}
	}
	for _, u := range urls {
		if err := f.fetchURL(ctx, root, u, need[u]); err != nil {
			return fmt.Errorf("datasets: Fetch %s: %w", e.Name, err)
		}
	}
	return nil
}

// fetchURL downloads url into a temporary file under root and extracts the
// files want from it.
func (f *Fetcher) fetchURL(ctx context.Context, root, url string, want []RemoteFile) error {
	if err := os.MkdirAll(root, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(root, ".download-*")
	if err != nil {
		return err
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("GET %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("GET %s: %s", url, resp.Status)
	}
	limit := downloadLimit(url, want)
	if limit >= 0 && resp.ContentLength > limit {
		return fmt.Errorf("GET %s: %d bytes announced, more than the %d the registry's sizes allow: %w", url, resp.ContentLength, limit, graphs.ErrTooLarge)
	}
	var body io.Reader = resp.Body
	if f.Progress != nil {
		body = &progressReader{r: resp.Body, total: resp.ContentLength, fn: f.Progress}
	}
	if limit >= 0 {
		body = io.LimitReader(body, limit+1)
	}
	n, err := io.Copy(tmp, body)
	if err != nil {
		return fmt.Errorf("GET %s: after %d bytes: %w", url, n, err)
	}
	if limit >= 0 && n > limit {
		return fmt.Errorf("GET %s: longer than the %d bytes the registry's sizes allow, stopped there: %w", url, limit, graphs.ErrTooLarge)
	}
	if resp.ContentLength >= 0 && n != resp.ContentLength {
		return fmt.Errorf("GET %s: got %d of %d bytes", url, n, resp.ContentLength)
	}
	if _, err := tmp.Seek(0, io.SeekStart); err != nil {
		return err
	}
	switch want[0].Archive {
	case "":
		return install(root, want[0], tmp)
	case "gz":
		z, err := gzip.NewReader(tmp)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", url, err)
		}
		return install(root, want[0], z)
	case "zip":
		zr, err := zip.NewReader(tmp, n)
		if err != nil {
			return fmt.Errorf("%s: zip: %w", url, err)
		}
		for _, rf := range want {
			zf, err := zr.Open(rf.Member)
			if err != nil {
				return fmt.Errorf("%s: member %s: %w", url, rf.Member, err)
			}
			err = install(root, rf, zf)
			zf.Close()
			if err != nil {
				return err
			}
		}
		return nil
	case "tgz":
		z, err := gzip.NewReader(tmp)
		if err != nil {
			return fmt.Errorf("%s: gzip: %w", url, err)
		}
		tr := tar.NewReader(z)
		done := map[string]bool{}
		for len(done) < len(want) {
			h, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				return fmt.Errorf("%s: tar: %w", url, err)
			}
			for _, rf := range want {
				if h.Name == rf.Member && !done[rf.Member] {
					if err := install(root, rf, tr); err != nil {
						return err
					}
					done[rf.Member] = true
				}
			}
		}
		for _, rf := range want {
			if !done[rf.Member] {
				return fmt.Errorf("%s: member %s not in the archive: %w", url, rf.Member, ErrMissing)
			}
		}
		return nil
	}
	return fmt.Errorf("%s: unknown archive kind %q", url, want[0].Archive)
}

// downloadLimit is the most bytes that url may send for the files want,
// from the sizes the registry knows (−1: no limit, a size is unknown): the
// size of the file itself; for a gzipped file, that size plus what gzip
// adds to data it cannot compress; for an archive, whose other members the
// registry does not list, twice the sizes of all its registered members
// plus 1 MiB (the archives are compressed: they are smaller than that).
func downloadLimit(url string, want []RemoteFile) int64 {
	switch want[0].Archive {
	case "", "gz":
		s := want[0].Size
		if s <= 0 {
			return -1
		}
		if want[0].Archive == "gz" {
			s += s/256 + 4096
		}
		return s
	}
	total := int64(0)
	for _, e := range registry {
		for _, rf := range e.Files {
			if rf.URL == url {
				if rf.Size <= 0 {
					return -1
				}
				total += rf.Size
			}
		}
	}
	return 2*total + 1<<20
}

// install copies r to rf's place under root atomically, verifying its hash
// before the rename. Reading stops one byte beyond rf.Size, when known: a
// longer stream (a decompressed gzip, an archive member) is an error
// wrapping graphs.ErrTooLarge, and nothing is installed.
func install(root string, rf RemoteFile, r io.Reader) error {
	dst := filepath.Join(root, filepath.FromSlash(rf.Path))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	if rf.Size > 0 {
		r = &sizeLimit{r: io.LimitReader(r, rf.Size+1), path: rf.Path, size: rf.Size}
	}
	return atomicfile.Write(dst, func(w io.Writer) error {
		if rf.SHA256 == "" && rf.GitBlob != "" {
			// A git blob id hashes a header with the size first: buffer.
			b, err := io.ReadAll(r)
			if err != nil {
				return fmt.Errorf("%s: %w", rf.Path, err)
			}
			if err := checkSum(dst, rf, sumOf(sha1.New(), "blob "+strconv.Itoa(len(b))+"\x00", b), int64(len(b))); err != nil {
				return err
			}
			_, err = w.Write(b)
			return err
		}
		h := sha256.New()
		n, err := io.Copy(io.MultiWriter(w, h), r)
		if err != nil {
			return fmt.Errorf("%s: %w", rf.Path, err)
		}
		return checkSum(dst, rf, hex.EncodeToString(h.Sum(nil)), n)
	})
}

func sumOf(h hash.Hash, prefix string, b []byte) string {
	h.Write([]byte(prefix))
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil))
}

// checkSum compares a computed hash (SHA-256, or the git blob id when rf
// has no SHA-256) with rf's.
func checkSum(path string, rf RemoteFile, got string, size int64) error {
	want := rf.SHA256
	kind := "sha256"
	if want == "" {
		want, kind = rf.GitBlob, "git blob id"
	}
	if want == "" {
		return nil // no hash known
	}
	if got != want {
		return fmt.Errorf("datasets: %s: %s %s (%d bytes), want %s (%d bytes): %w", path, kind, got, size, want, rf.Size, ErrChecksum)
	}
	return nil
}

// verifyFile checks the file at path against rf; a missing file gives an
// error wrapping fs.ErrNotExist.
func verifyFile(path string, rf RemoteFile) error {
	got, n, err := hashFile(path, rf)
	if err != nil {
		return err
	}
	_, sum, _ := strings.Cut(got, ":")
	return checkSum(path, rf, sum, n)
}

// sizeLimit reads r, a stream limited to size+1 bytes, and fails once
// it has given more than size.
type sizeLimit struct {
	r    io.Reader
	path string
	size int64
	n    int64
}

func (l *sizeLimit) Read(b []byte) (int, error) {
	k, err := l.r.Read(b)
	l.n += int64(k)
	if l.n > l.size {
		return k, fmt.Errorf("%s: more than the %d bytes the registry lists: %w", l.path, l.size, graphs.ErrTooLarge)
	}
	return k, err
}

type progressReader struct {
	r     io.Reader
	done  int64
	total int64
	fn    func(done, total int64)
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	p.done += int64(n)
	p.fn(p.done, p.total)
	return n, err
}
