package datasets

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync/atomic"

	"github.com/gnnwb/gnnwb/internal/atomicfile"
	"github.com/gnnwb/gnnwb/internal/inputfile"
)

// Integrity. Load checks every file of a dataset against the registry's
// digest (SHA-256, or the git blob id of PubMed's ind.pubmed.allx) the
// first time it reads it, and remembers what it verified, the file's size
// and modification time, in a memo: later loads of an unchanged file skip
// the hashing. The memo is the file .gnnwb-verified.json in the data root
// when the root is writable (its mode has a write bit: a copy made
// read-only, as continuous integration's is, is never written to), else a
// file of the user cache directory (os.UserCacheDir()/gnnwb/verified/),
// else there is none and every load hashes. A memo that cannot be read or
// written is ignored: it never makes a load fail. A file changed with its
// size and modification time restored escapes the memo; Verify (`gnnwb
// datasets verify`) hashes every file regardless.
//
// Load checks the files that have the size the registry lists: a damaged
// copy of a registered file (a flipped bit, bytes overwritten) keeps its
// size. A file of another size is not the registered file but one laid out
// in its place (a test's small fixture, a variant of one's own), which
// Load reads as it is, unverified: the parsers still check its structure,
// and Verify reports it as corrupt.

// verifiedName is the memo's name in a data root.
const verifiedName = ".gnnwb-verified.json"

// maxMemo bounds the size of a memo file read (a real one holds a line per
// file of the registry, a few KB).
const maxMemo = 1 << 20

// verified is one memo entry: a file found to have the registry's Digest
// when it had this size and modification time.
type verified struct {
	Size    int64  `json:"size"`
	ModTime int64  `json:"mtime_ns"`
	Digest  string `json:"digest"`
}

// verifiedMemo is the content of a memo file: entries by path under the
// root (RemoteFile.Path).
type verifiedMemo struct {
	Root  string              `json:"root"`
	Files map[string]verified `json:"files"`
}

// hashCount counts the files hashed (hashFile), for the tests.
var hashCount atomic.Int64

// digest returns the registry's digest of rf as "sha256:<hex>" or
// "git-blob:<hex>", or "" when none is known.
func digest(rf RemoteFile) string {
	switch {
	case rf.SHA256 != "":
		return "sha256:" + rf.SHA256
	case rf.GitBlob != "":
		return "git-blob:" + rf.GitBlob
	}
	return ""
}

// hashFile returns the digest of the file at path in the form of
// digest(rf) (git blob id when rf has only that, else SHA-256) and its
// size. Only a regular file is read (inputfile.Open).
func hashFile(path string, rf RemoteFile) (string, int64, error) {
	hashCount.Add(1)
	fh, err := inputfile.Open(path)
	if err != nil {
		return "", 0, err
	}
	defer fh.Close()
	var h hash.Hash
	kind := "sha256:"
	if rf.SHA256 == "" && rf.GitBlob != "" {
		// A git blob id hashes a header with the size first.
		st, err := fh.Stat()
		if err != nil {
			return "", 0, err
		}
		h, kind = sha1.New(), "git-blob:"
		h.Write([]byte("blob " + strconv.FormatInt(st.Size(), 10) + "\x00"))
	} else {
		h = sha256.New()
	}
	n, err := io.Copy(h, fh)
	if err != nil {
		return "", n, err
	}
	return kind + hex.EncodeToString(h.Sum(nil)), n, nil
}

// memoPaths lists the memo files of root, in the order they are tried for
// writing: the root's own when root is a writable folder, then the user
// cache directory's.
func memoPaths(root string) []string {
	var out []string
	if st, err := os.Stat(root); err == nil && st.IsDir() && st.Mode().Perm()&0o222 != 0 {
		out = append(out, filepath.Join(root, verifiedName))
	}
	abs, err := filepath.Abs(root)
	if c, cerr := os.UserCacheDir(); err == nil && cerr == nil {
		sum := sha256.Sum256([]byte(abs))
		out = append(out, filepath.Join(c, "gnnwb", "verified", hex.EncodeToString(sum[:8])+".json"))
	}
	return out
}

// readMemo returns the entries of the memos of root (both, when both
// exist); unreadable or malformed memos are ignored.
func readMemo(root string) map[string]verified {
	out := map[string]verified{}
	paths := memoPaths(root)
	if len(paths) == 0 || paths[0] != filepath.Join(root, verifiedName) {
		paths = append([]string{filepath.Join(root, verifiedName)}, paths...) // a memo left when root was writable
	}
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || st.Size() > maxMemo {
			continue
		}
		b, err := inputfile.ReadFile(p)
		if err != nil {
			continue
		}
		var m verifiedMemo
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		for k, v := range m.Files {
			if _, ok := out[k]; !ok {
				out[k] = v
			}
		}
	}
	return out
}

// writeMemo writes files as the memo of root in the first place of
// memoPaths that takes it; failures are ignored (the next load hashes
// again).
func writeMemo(root string, files map[string]verified) {
	abs, _ := filepath.Abs(root)
	b, err := json.MarshalIndent(verifiedMemo{Root: abs, Files: files}, "", " ")
	if err != nil {
		return
	}
	for _, p := range memoPaths(root) {
		if os.MkdirAll(filepath.Dir(p), 0o755) == nil && atomicfile.WriteBytes(p, append(b, '\n')) == nil {
			return
		}
	}
}

// memoHit reports whether the memo says that the file at path, as st
// describes it now, has rf's digest.
func memoHit(memo map[string]verified, rf RemoteFile, st fs.FileInfo) bool {
	v, ok := memo[rf.Path]
	return ok && v.Digest == digest(rf) && v.Size == st.Size() && v.ModTime == st.ModTime().UnixNano()
}

// verifyEntry checks the files of e under root against the registry,
// hashing only those the memo does not vouch for, and records the ones
// that match. A mismatch is an error wrapping ErrChecksum that names the
// file, both digests and how to fetch it again.
func verifyEntry(e *Entry, root string) error {
	memo := readMemo(root)
	changed := false
	defer func() {
		if changed {
			writeMemo(root, memo)
		}
	}()
	for _, rf := range e.Files {
		want := digest(rf)
		if want == "" {
			continue
		}
		p := filepath.Join(root, filepath.FromSlash(rf.Path))
		st, err := os.Stat(p)
		if err != nil {
			return fmt.Errorf("datasets: Load %s: %w", e.Name, err)
		}
		if memoHit(memo, rf, st) || (rf.Size > 0 && st.Size() != rf.Size) {
			continue // verified before; or not the registered file at all (see Load)
		}
		got, n, err := hashFile(p, rf)
		if err != nil {
			return fmt.Errorf("datasets: Load %s: %w", e.Name, err)
		}
		if got != want {
			return mismatch(e.Name, p, rf, got, n)
		}
		memo[rf.Path] = verified{Size: st.Size(), ModTime: st.ModTime().UnixNano(), Digest: want}
		changed = true
	}
	return nil
}

// mismatch is the error for the file p of dataset name whose digest is got
// (n bytes) instead of rf's.
func mismatch(name, p string, rf RemoteFile, got string, n int64) error {
	size := ""
	if rf.Size > 0 {
		size = fmt.Sprintf(", %d bytes", rf.Size)
	}
	return fmt.Errorf("datasets: %s: %s (%d bytes), want %s (the registry's%s): the file is damaged or not the registered version; delete it and run `gnnwb datasets fetch %s` (Fetch) to download it again: %w",
		p, got, n, digest(rf), size, name, ErrChecksum)
}

// FileCheck is what Verify found for one file of a dataset.
type FileCheck struct {
	Dataset string // the registry name
	Path    string // where the file belongs under the root
	// State is "ok" (the file has the registry's digest), "missing",
	// "corrupt" (another digest; Err says which and how to fetch the file
	// again) or "unreadable" (not a regular file, no permission, …: Err).
	State string
	// Digest is the file's digest when it was read, Want the registry's,
	// both as "sha256:<hex>" (or "git-blob:<hex>" for PubMed's allx).
	Digest, Want string
	Err          error
}

// Verify checks every file of the named datasets (names as for Info; all
// registered datasets when there are none) under root (see Root) against
// the registry's digest, hashing each file present whatever the memo of
// Load says, and records the files that match in that memo. It returns one
// FileCheck per file, in registry order. Errors: an unknown name (wrapping
// ErrUnknown), a root that cannot be resolved. Cost: reads every file.
func Verify(root string, names ...string) ([]FileCheck, error) {
	if len(names) == 0 {
		names = Names()
	}
	var entries []*Entry
	for _, name := range names {
		e, err := lookup(name)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(entries, e) {
			entries = append(entries, e)
		}
	}
	root, err := Root(root)
	if err != nil {
		return nil, err
	}
	memo := readMemo(root)
	changed := false
	var out []FileCheck
	for _, e := range entries {
		for _, rf := range e.Files {
			p := filepath.Join(root, filepath.FromSlash(rf.Path))
			c := FileCheck{Dataset: e.Name, Path: p, State: "ok", Want: digest(rf)}
			st, err := os.Stat(p)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				c.State, c.Err = "missing", fmt.Errorf("datasets: %s is missing: run `gnnwb datasets fetch %s` (Fetch): %w", p, e.Name, ErrMissing)
			case err != nil:
				c.State, c.Err = "unreadable", err
			default:
				got, n, err := hashFile(p, rf)
				c.Digest = got
				switch {
				case err != nil:
					c.State, c.Err = "unreadable", err
				case digest(rf) != "" && got != digest(rf):
					c.State, c.Err = "corrupt", mismatch(e.Name, p, rf, got, n)
				case digest(rf) != "":
					memo[rf.Path] = verified{Size: st.Size(), ModTime: st.ModTime().UnixNano(), Digest: digest(rf)}
					changed = true
				}
			}
			out = append(out, c)
		}
	}
	if changed {
		writeMemo(root, memo)
	}
	return out, nil
}
