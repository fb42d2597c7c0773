package inputfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "g.txt")
	if err := os.WriteFile(file, []byte("0 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "pipe")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path, want string
		kind       error
	}{
		{file, "", nil},
		{link, "", nil},
		{dir, "a directory", ErrNotRegular},
		{fifo, "a named pipe", ErrNotRegular},
		{filepath.Join(dir, "missing"), "no such file", fs.ErrNotExist},
	} {
		done := make(chan error, 1)
		go func() {
			_, err := ReadFile(tc.path)
			done <- err
		}()
		select {
		case err := <-done:
			if tc.kind == nil {
				if err != nil {
					t.Errorf("%s: %v", tc.path, err)
				}
				continue
			}
			if !errors.Is(err, tc.kind) || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("%s: err = %v, want %v naming %q and the path", tc.path, err, tc.kind, tc.want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%s: ReadFile blocked", tc.path)
		}
	}
}
