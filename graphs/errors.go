package graphs

import "errors"

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
