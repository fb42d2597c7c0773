package datasets

import (
	"errors"
	"fmt"
)

// ParseError reports malformed content in a dataset file: File is the path
// (as given to the loader), Line the 1-based line (0 when the problem is not
// tied to one line, as in a binary pickle or npz member), and Err the cause,
// which wraps graphs.ErrFormat, graphs.ErrNodeID or graphs.ErrShape (or an
// I/O error) so errors.Is works.
type ParseError struct {
	File string
	Line int
	Err  error
}

// Error formats the error as "file:line: msg", or "file: msg" when Line is 0.
func (e *ParseError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }

// ErrMissing is wrapped by the error a loader returns when a required file
// does not exist; the message names the file and where to put it.
var ErrMissing = errors.New("dataset file missing")

// ErrChecksum is wrapped when a downloaded or cached file's SHA-256 differs
// from the registry's.
var ErrChecksum = errors.New("sha256 mismatch")

// ErrUnknown is wrapped when a dataset name is not in the registry.
var ErrUnknown = errors.New("unknown dataset")

func perr(file string, line int, kind error, format string, args ...any) *ParseError {
	return &ParseError{File: file, Line: line, Err: fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), kind)}
}
