// Package atomicfile writes files so that a reader sees either the old
// content or the complete new content, never a part: the data goes to a
// temporary file in the same directory, is synced, and is renamed over the
// destination.
//
// A temporary file is named .<name>.tmp-<host>-<pid>-<random>. A process
// killed while writing (kill -9, a lost node) leaves its temporary file
// behind; the next Write of the same name on the same host removes the
// temporary files of that name whose process is gone. Those of live
// processes, and of other hosts (a shared file system), are left alone.
package atomicfile

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// Write creates path atomically with the bytes that write produces. If write
// returns an error, or any step fails, the temporary file is removed, path is
// left as it was, and the error is returned.
//
// A path that exists and is not a regular file (a terminal, a pipe,
// /dev/stdout, /dev/null) is written in place, as a stream: renaming over it
// would replace the device with a file. A symbolic link to a regular file
// is followed: the file it points to is replaced, and the link stays. A
// directory is an error.
func Write(path string, write func(w io.Writer) error) (err error) {
	if fi, err := os.Stat(path); err == nil {
		switch {
		case fi.IsDir():
			return fmt.Errorf("atomicfile: %s is a directory", path)
		case !fi.Mode().IsRegular():
			return stream(path, write)
		}
		if target, err := filepath.EvalSymlinks(path); err == nil {
			path = target
		}
	}
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	removeStale(dir, base)
	f, err := os.CreateTemp(dir, tempPrefix(base)+strconv.Itoa(os.Getpid())+"-*")
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err = write(bw); err != nil {
		return err
	}
	if err = bw.Flush(); err != nil {
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("atomicfile: sync %s: %w", path, err)
	}
	if err = f.Chmod(0o644); err != nil {
		return fmt.Errorf("atomicfile: chmod %s: %w", path, err)
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("atomicfile: close %s: %w", path, err)
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("atomicfile: rename to %s: %w", path, err)
	}
	return nil
}

// stream writes to path, which is not a regular file, in place.
func stream(path string, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	bw := bufio.NewWriterSize(f, 1<<16)
	if err := write(bw); err != nil {
		f.Close()
		return err
	}
	if err := bw.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("atomicfile: write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("atomicfile: close %s: %w", path, err)
	}
	return nil
}

// WriteBytes is Write for a byte slice already in memory.
func WriteBytes(path string, data []byte) error {
	return Write(path, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// host is this machine's name as it appears in temporary file names (only
// letters, digits, '.' and '_'; "host" when unknown).
var host = func() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "host"
	}
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '_' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, h)
}()

// tempPrefix is the name of base's temporary files up to the pid.
func tempPrefix(base string) string { return "." + base + ".tmp-" + host + "-" }

// removeStale removes the temporary files of base in dir left by processes
// of this host that no longer run. Errors are ignored: a file that cannot be
// listed or removed is only left behind.
func removeStale(dir, base string) {
	prefix := tempPrefix(base)
	names, err := filepath.Glob(filepath.Join(dir, globEscape(prefix)+"*"))
	if err != nil {
		return
	}
	for _, path := range names {
		rest := strings.TrimPrefix(filepath.Base(path), prefix)
		pid, _, ok := strings.Cut(rest, "-")
		if !ok {
			continue
		}
		n, err := strconv.Atoi(pid)
		if err != nil || n <= 0 || n == os.Getpid() || alive(n) {
			continue
		}
		os.Remove(path)
	}
}

// globEscape escapes the metacharacters of filepath.Match in s.
func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// alive reports whether a process with this pid exists (signal 0 reaches
// it, or it exists but belongs to another user).
func alive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}
