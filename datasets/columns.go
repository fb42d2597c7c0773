package datasets

import (
	"errors"
	"fmt"
	"github.com/gnnwb/gnnwb/internal/inputfile"
	"io"
	"io/fs"
	"math"

	"github.com/gnnwb/gnnwb/graphs"
)

// openInput opens a file a loader reads: inputfile.Open, which refuses
// anything but a regular file (a named pipe would block the loader). The
// fuzz tests replace it with an in-memory file system, so that their
// inputs need no disk.
var openInput = func(path string) (fs.File, error) {
	f, err := inputfile.Open(path)
	if err != nil {
		return nil, err
	}
	return f, nil
}

// openText opens path for line reading. A missing file gives an error
// wrapping ErrMissing (and fs.ErrNotExist for optional files).
func openText(path string) (fs.File, error) {
	f, err := openInput(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w (%w)", missing(path), fs.ErrNotExist)
	}
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	return f, nil
}

// number is the element type of a table.
type number interface{ int32 | int64 | float64 }

// table is a numeric text table: rows of the same number of columns.
type table[T number] struct {
	vals []T
	cols int
	// lines[r] is the source line of row r, for error messages; nil while
	// row r is on line r+1 (no blank or comment line skipped).
	lines []int32
	n     int // rows
	hint  int
	size  int // bytes of the input when known (the file, or the text in memory), else 0
}

// addLine records that the next row came from line.
func (t *table[T]) addLine(line int) {
	if t.lines == nil && line != t.n+1 {
		t.lines = make([]int32, t.n, max(t.hint, t.n+1))
		for r := range t.lines {
			t.lines[r] = int32(r + 1)
		}
	}
	if t.lines != nil {
		t.lines = append(t.lines, int32(min(line, 1<<31-1)))
	}
	t.n++
}

// line returns the source line of row r.
func (t *table[T]) line(r int) int {
	if t.lines == nil {
		return r + 1
	}
	return int(t.lines[r])
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
// '%' are skipped; room for rowsHint rows is reserved up front. Errors are *graphs.ParseError with the line.
func readTable[T number](r io.Reader, file string, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	return readLines[T](newLineReader(r, file), comma, wantCols, comments, rowsHint)
}

// readTableBytes is readTable on text already in memory (not copied).
func readTableBytes[T number](b []byte, file string, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	return readLines[T](&lineReader{data: b, inMem: true, size: len(b), file: file}, comma, wantCols, comments, rowsHint)
}

func readLines[T number](lr *lineReader, comma bool, wantCols int, comments bool, rowsHint int) (*table[T], error) {
	file := lr.file
	rowsHint = min(max(rowsHint, 0), 1<<24)
	if lr.inMem && lr.size > 0 {
		rowsHint = min(rowsHint, lr.size/2+1) // a row takes two bytes at least
	}
	t := &table[T]{cols: wantCols, hint: rowsHint, size: lr.size}
	if wantCols > 0 {
		t.vals = make([]T, 0, capVals(lr, rowsHint, wantCols))
	}
	var flds [][]byte
	var zero T
	_, isInt := any(zero).(int64)
	iv, _ := any(&t.vals).(*[]int64)
	i32, _ := any(&t.vals).(*[]int32)
	isInt = isInt || i32 != nil
	var row [16]int64 // an int32 row before its range check
	// scan parses one plain integer row at data[i] (scanInts) into t.
	scan := func(data []byte, i int) (int, bool) {
		if iv != nil {
			vals, next, ok := scanInts(*iv, data, i, comma, t.cols)
			if ok {
				*iv = vals
			}
			return next, ok
		}
		if t.cols > len(row) {
			return 0, false
		}
		vals, next, ok := scanInts(row[:0], data, i, comma, t.cols)
		if !ok {
			return 0, false
		}
		for _, v := range vals {
			if v != int64(int32(v)) {
				return 0, false // the general path reports it
			}
		}
		for _, v := range vals {
			*i32 = append(*i32, int32(v))
		}
		return next, true
	}
	for {
		if (iv != nil || i32 != nil) && lr.inMem && t.cols > 0 && lr.err == nil && lr.more() {
			// Fastest path: parse integers straight from the buffer.
			if next, ok := scan(lr.data, lr.pos); ok {
				lr.pos = next
				lr.line++
				t.addLine(lr.line)
				continue
			}
		}
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
		if (iv != nil || i32 != nil) && t.cols > 0 {
			// Fast path: a plain row of small decimal integers.
			if _, ok := scan(line, 0); ok {
				t.addLine(lr.line)
				continue
			}
		}
		flds = fields(flds, line, comma)
		if t.cols == 0 {
			t.cols = len(flds)
			t.vals = make([]T, 0, capVals(lr, rowsHint, t.cols))
		}
		if len(flds) != t.cols {
			return nil, perr(file, lr.line, graphs.ErrShape, "%d columns, want %d", len(flds), t.cols)
		}
		for _, f := range flds {
			if isInt {
				v, err := atoi(f)
				if err != nil {
					return nil, &graphs.ParseError{Path: file, Line: lr.line, Err: err}
				}
				if i32 != nil && v != int64(int32(v)) {
					return nil, perr(file, lr.line, graphs.ErrFormat, "integer %d out of range [%d, %d]", v, math.MinInt32, math.MaxInt32)
				}
				t.vals = append(t.vals, T(v))
			} else {
				v, err := atof(f)
				if err != nil {
					return nil, &graphs.ParseError{Path: file, Line: lr.line, Err: err}
				}
				t.vals = append(t.vals, T(v))
			}
		}
		t.addLine(lr.line)
	}
	if err := lr.Err(); err != nil {
		return nil, err
	}
	return t, nil
}

// readTableFile is readTable on a file; optional files that do not exist
// return (nil, nil).
func readTableFile[T number](path string, comma bool, wantCols int, optional bool) (*table[T], error) {
	f, err := openText(path)
	if err != nil {
		if optional && errors.Is(err, fs.ErrNotExist) {
			return nil, nil
		}
		return nil, err
	}
	defer f.Close()
	lr, rows := newFileLines(f, path, fileSize(f))
	return readLines[T](lr, comma, wantCols, false, rows)
}

// fileSize returns the size of f when it is a regular file, else 0.
func fileSize(f fs.File) int {
	if st, err := f.Stat(); err == nil && st.Mode().IsRegular() && st.Size() < 1<<40 {
		return int(st.Size())
	}
	return 0
}

// scanInts appends to out the cols integers of the line that starts at
// data[i] if it is a plain row of decimal integers of at most 18 digits
// separated by commas (comma) or blanks, with optional blanks around them
// and an optional '\r' before the '\n' that ends it (or the end of data).
// It returns the index after the line and ok = true; otherwise ok = false,
// out unchanged in length, and the caller takes the general path, which
// also produces the error message.
func scanInts(out []int64, data []byte, i int, comma bool, cols int) ([]int64, int, bool) {
	n0 := len(out)
	n := 0
	blank := func(c byte) bool { return c == ' ' || c == '\t' || c == '\r' }
	for {
		for i < len(data) && blank(data[i]) {
			i++
		}
		neg := false
		if i < len(data) && data[i] == '-' {
			neg = true
			i++
		}
		start := i
		var v int64
		for i < len(data) && data[i] >= '0' && data[i] <= '9' {
			v = v*10 + int64(data[i]-'0')
			i++
		}
		if i == start || i-start > 18 {
			return out[:n0], 0, false
		}
		if neg {
			v = -v
		}
		out = append(out, v)
		n++
		sep := i
		for i < len(data) && blank(data[i]) {
			i++
		}
		if i == len(data) || data[i] == '\n' {
			if i < len(data) {
				i++
			}
			break
		}
		if comma {
			if data[i] != ',' {
				return out[:n0], 0, false
			}
			i++
		} else if i == sep {
			return out[:n0], 0, false
		}
	}
	if n != cols {
		return out[:n0], 0, false
	}
	return out, i, true
}

// capVals is the capacity to reserve for rows×cols values: never more than
// the input can hold (each value takes at least two bytes, digit and
// separator) nor 2^24 when streaming.
func capVals(lr *lineReader, rows, cols int) int {
	limit := 1 << 24
	if lr.inMem && lr.size > 0 {
		limit = lr.size/2 + 1
	}
	if cols > 0 && rows > limit/cols {
		return limit
	}
	return rows * cols
}
