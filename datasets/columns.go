package datasets

import (
	"bytes"
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
// '%' are skipped; room for rowsHint rows is reserved up front. Errors are *ParseError with the line.
func readTable[T int64 | float64](r io.Reader, file string, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	return readLines[T](newLineReader(r, file), comma, wantCols, comments, rowsHint)
}

// readTableBytes is readTable on text already in memory (not copied).
func readTableBytes[T int64 | float64](b []byte, file string, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	return readLines[T](&lineReader{data: b, inMem: true, file: file}, comma, wantCols, comments, rowsHint)
}

func readLines[T int64 | float64](lr *lineReader, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	file := lr.file
	rowsHint = min(max(rowsHint, 0), 1<<24)
	t := &table[T]{cols: wantCols, lines: make([]int32, 0, rowsHint)}
	if wantCols > 0 {
		t.vals = make([]T, 0, rowsHint*wantCols)
	}
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
		if iv, ok := any(&t.vals).(*[]int64); ok && t.cols > 0 {
			// Fast path: a plain row of small decimal integers.
			if vals, ok := scanInts(*iv, line, comma, t.cols); ok {
				*iv = vals
				t.lines = append(t.lines, int32(min(lr.line, 1<<31-1)))
				continue
			}
		}
		flds = fields(flds, line, comma)
		if t.cols == 0 {
			t.cols = len(flds)
			t.vals = make([]T, 0, rowsHint*t.cols)
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
	b, err := readOpen(f, path)
	if err != nil {
		return nil, err
	}
	return readTableBytes[T](b, path, comma, wantCols, false, bytes.Count(b, []byte{'\n'})+1)
}

// scanInts appends to dst the cols integers of line if it is a plain row of
// decimal integers of at most 18 digits separated by commas (comma) or
// blanks, surrounded by optional blanks; otherwise it returns ok = false
// and dst unchanged (in length), and the caller takes the general path,
// which also produces the error message.
func scanInts(out []int64, line []byte, comma bool, cols int) ([]int64, bool) {
	n0 := len(out)
	i, n := 0, 0
	for {
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		neg := false
		if i < len(line) && line[i] == '-' {
			neg = true
			i++
		}
		start := i
		var v int64
		for i < len(line) && line[i] >= '0' && line[i] <= '9' {
			v = v*10 + int64(line[i]-'0')
			i++
		}
		if i == start || i-start > 18 {
			return out[:n0], false
		}
		if neg {
			v = -v
		}
		out = append(out, v)
		n++
		for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
			i++
		}
		if i == len(line) {
			break
		}
		if comma {
			if line[i] != ',' {
				return out[:n0], false
			}
			i++
		} else if line[i-1] != ' ' && line[i-1] != '\t' {
			return out[:n0], false
		}
	}
	if n != cols {
		return out[:n0], false
	}
	return out, true
}

// readOpen reads all of the open file f (named path) into one buffer sized
// from its length.
func readOpen(f *os.File, path string) ([]byte, error) {
	size := int64(0)
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
		size = st.Size()
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	if _, err := buf.ReadFrom(f); err != nil {
		return nil, &ParseError{File: path, Err: err}
	}
	return buf.Bytes(), nil
}
