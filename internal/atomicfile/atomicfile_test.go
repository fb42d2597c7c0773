package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestWriteReplacesWholeFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.txt")
	if err := WriteBytes(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(path, []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "second" {
		t.Fatalf("got %q, %v", got, err)
	}
}

func TestFailedWriteKeepsOldFileAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.txt")
	if err := WriteBytes(path, []byte("kept")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half of a new file")
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want boom", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "kept" {
		t.Fatalf("old content lost: %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("directory holds %d entries, want only out.txt", len(entries))
	}
}

func TestWriteIntoMissingDirectoryFails(t *testing.T) {
	err := WriteBytes(filepath.Join(t.TempDir(), "no", "such", "dir", "f"), []byte("x"))
	if err == nil {
		t.Fatal("want an error for a missing directory")
	}
}

// TestRemoveStale: writing a file removes the temporary files of the same
// name left by dead processes of this host, and keeps those of live
// processes, of other hosts and of other names.
func TestRemoveStale(t *testing.T) {
	dir := t.TempDir()
	const dead = 1<<22 + 12345 // above Linux's pid_max default of 2^22: never a live pid
	mk := func(name string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("partial"), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	stale := mk(tempPrefix("out.json") + strconv.Itoa(dead) + "-123")
	live := mk(tempPrefix("out.json") + "1-456") // pid 1 is always alive
	otherHost := mk(".out.json.tmp-elsewhere-" + strconv.Itoa(dead) + "-7")
	otherName := mk(tempPrefix("other.json") + strconv.Itoa(dead) + "-8")
	if err := WriteBytes(filepath.Join(dir, "out.json"), []byte("done")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Errorf("stale temporary file kept: %v", err)
	}
	for _, p := range []string{live, otherHost, otherName} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("%s removed: %v", filepath.Base(p), err)
		}
	}
	if b, err := os.ReadFile(filepath.Join(dir, "out.json")); err != nil || string(b) != "done" {
		t.Errorf("out.json = %q, %v", b, err)
	}
}

// TestWriteToDeviceAndLink: a path that is not a regular file (here a FIFO
// and /dev/null) is written in place, never replaced by a file; a symbolic
// link to a file keeps being a link, to the new content; a directory is an
// error.
func TestWriteToDeviceAndLink(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no FIFO here: %v", err)
	}
	got := make(chan []byte)
	go func() {
		b, _ := os.ReadFile(fifo)
		got <- b
	}()
	if err := WriteBytes(fifo, []byte("through the pipe")); err != nil {
		t.Fatal(err)
	}
	if b := <-got; string(b) != "through the pipe" {
		t.Fatalf("the reader got %q", b)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Fatalf("the FIFO was replaced: %v %v", fi.Mode(), err)
	}
	if err := WriteBytes(os.DevNull, []byte("gone")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(os.DevNull); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Fatalf("%s was replaced: %v %v", os.DevNull, fi.Mode(), err)
	}

	target, link := filepath.Join(dir, "target"), filepath.Join(dir, "link")
	if err := os.WriteFile(target, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("target", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteBytes(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v", err)
	}
	if b, _ := os.ReadFile(target); string(b) != "new" {
		t.Fatalf("the link's target holds %q", b)
	}
	if err := WriteBytes(dir, []byte("x")); err == nil {
		t.Fatal("a directory was written")
	}
}
