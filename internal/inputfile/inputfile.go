// Package inputfile opens the files a user names as input. Only regular
// files are opened: a directory, a named pipe (which would block the reader
// until a writer appears, ignoring Ctrl-C and SIGTERM), a socket or a device
// is refused before it is opened, with an error naming the path and what it
// is.
package inputfile

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
)

// ErrNotRegular is wrapped by the errors of Open and ReadFile for a path
// that exists but is not a regular file.
var ErrNotRegular = errors.New("not a regular file")

// Check returns nil if path names a regular file (following symbolic
// links), an error wrapping ErrNotRegular that says what it is otherwise,
// and os.Stat's error (wrapping fs.ErrNotExist, …) if it cannot be read.
func Check(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	if st.Mode().IsRegular() {
		return nil
	}
	return &fs.PathError{Op: "open", Path: path, Err: fmt.Errorf("%w (%s)", ErrNotRegular, kind(st.Mode()))}
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0, m&fs.ModeCharDevice != 0:
		return "a device"
	}
	return "mode " + m.String()
}

// Open opens path for reading after Check. Errors: those of Check and
// os.Open.
func Open(path string) (*os.File, error) {
	if err := Check(path); err != nil {
		return nil, err
	}
	return os.Open(path)
}

// ErrEmpty is wrapped by the error of NotEmpty.
var ErrEmpty = errors.New("the file is empty")

// NotEmpty returns an error wrapping ErrEmpty when f, an opened input file,
// holds no bytes: for readers whose format has no valid empty file.
func NotEmpty(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		return ErrEmpty
	}
	return nil
}

// ReadFile reads the whole of path after Check.
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(f)
}
