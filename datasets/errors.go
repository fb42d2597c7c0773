package datasets

import (
	"errors"
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
)

// ErrMissing is wrapped by the error a loader returns when a required file
// does not exist; the message names the file and where to put it.
var ErrMissing = errors.New("dataset file missing")

// ErrChecksum is wrapped when a downloaded or cached file's SHA-256 differs
// from the registry's.
var ErrChecksum = errors.New("sha256 mismatch")

// ErrUnknown is wrapped when a dataset name is not in the registry.
var ErrUnknown = errors.New("unknown dataset")

// perr returns the *graphs.ParseError for file and line (0: none) whose
// cause wraps kind.
func perr(file string, line int, kind error, format string, args ...any) *graphs.ParseError {
	return &graphs.ParseError{Path: file, Line: line, Err: fmt.Errorf("%s: %w", fmt.Sprintf(format, args...), kind)}
}
