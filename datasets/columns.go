package datasets

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/gnnwb/gnnwb/graphs"
)

// openText opens path for line reading. A missing file gives an error
// wrapping ErrMissing (and fs.ErrNotExist for optional files).
func openText(path string) (*os.File, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%w)", missing(path), fs.ErrNotExist)
	}
	if err != nil {
		return nil, &ParseError{File: path, Err: err}
	}
	return f, nil
}

// table is a numeric text table: rows of the same number of columns.
type table[T int64 | float64] struct {
	vals  []T
	cols  int
	lines []int32 // source line of each row, for error messages
}

func (t *table[T]) rows() int {
	if t.cols == 0 {
		return 0
	}
	return len(t.vals) / t.cols
}

// readTable reads comma-separated (comma) or whitespace-separated numbers
// from r, one row per non-blank line, every row with the same number of
// columns (wantCols when > 0). With comments, lines starting with '#' or
// '%' are skipped; hint values are reserved up front. Errors are *ParseError with the line.
func readTable[T int64 | float64](r io.Reader, file string, comma bool, wantCols int, comments bool, hint int) (*table[T], error) {
	lr := newLineReader(r, file)
	t := &table[T]{cols: wantCols, vals: make([]T, 0, min(max(hint, 0), 1<<24))}
	var flds [][]byte
	var zero T
	_, isInt := any(zero).(int64)
	for {
		line, ok := lr.next()
		if !ok {
			break
		}
		if isBlank(line) {
			continue
		}
		if comments {
			if c := trimSpace(line)[0]; c == '#' || c == '%' {
				continue
			}
		}
		flds = fields(flds, line, comma)
		if t.cols == 0 {
			t.cols = len(flds)
		}
		if len(flds) != t.cols {
			return nil, perr(file, lr.line, graphs.ErrShape, "%d columns, want %d", len(flds), t.cols)
		}
		for _, f := range flds {
			if isInt {
				v, err := atoi(f)
				if err != nil {
					return nil, &ParseError{File: file, Line: lr.line, Err: err}
				}
				t.vals = append(t.vals, T(v))
			} else {
				v, err := atof(f)
				if err != nil {
					return nil, &ParseError{File: file, Line: lr.line, Err: err}
				}
				t.vals = append(t.vals, T(v))
			}
		}
		t.lines = append(t.lines, int32(min(lr.line, 1<<31-1)))
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// readTableFile is readTable on a file; optional files that do not exist
// return (nil, nil).
func readTableFile[T int64 | float64](path string, comma bool, wantCols int, optional bool) (*table[T], error) {
	f, err := openText(path)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	return readTable[T](f, path, comma, wantCols, false, 0)
}
