package graphs

import (
	"errors"
	"fmt"
)

// Error kinds shared by every gnnwb package, so that errors.Is works across
// package boundaries. Functions wrap them with the value and the place that
// failed: fmt.Errorf("pkg: Func: what=%v: %w", v, graphs.ErrParameter).
var (
	// ErrParameter: a value outside its domain (p outside [0,1], NaN, n < 0, ...).
	ErrParameter = errors.New("invalid parameter")
	// ErrShape: lengths or dimensions that do not agree.
	ErrShape = errors.New("shape mismatch")
	// ErrTooLarge: a size whose arrays cannot be indexed or would not fit in memory.
	ErrTooLarge = errors.New("too large")
	// ErrNodeID: a node id outside [0, n).
	ErrNodeID = errors.New("node id out of range")
	// ErrFormat: malformed input text or bytes.
	ErrFormat = errors.New("malformed input")
	// ErrUnsupported: an operation that is not defined for this kind of graph
	// (for example triangles of a directed graph).
	ErrUnsupported = errors.New("unsupported")
)

// ParseError is malformed content in a file or stream that gnnwb reads
// (an edge list, a dataset file, a weights or problem file), in the manner
// of io/fs.PathError and encoding/csv.ParseError: Path names the file (as
// given to the reader; "" for an unnamed stream), Line is the 1-based line
// (0 when the problem is not tied to one line, as in a binary file or a
// read failure) and Err is the cause, which wraps ErrFormat, ErrNodeID,
// ErrShape, ErrParameter or ErrTooLarge (or is the reader's error), so
// errors.Is works through it.
type ParseError struct {
	Path string
	Line int
	Err  error
}

// Error formats e as "path:line: msg", "path: msg" when Line is 0, and
// "line N: msg" or "msg" when Path is "".
func (e *ParseError) Error() string {
	switch {
	case e.Path == "" && e.Line > 0:
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	case e.Path == "":
		return fmt.Sprint(e.Err)
	case e.Line > 0:
		return fmt.Sprintf("%s:%d: %v", e.Path, e.Line, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

// Unwrap returns Err.
func (e *ParseError) Unwrap() error { return e.Err }
