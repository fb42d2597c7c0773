package datasets

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strconv"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/lines"
)

// lineReader yields the lines of a text stream without their "\n" or
// "\r\n" ending, counting them from 1. Lines may be of any length.
type lineReader struct {
	r    *bufio.Reader
	file string
	line int
	buf  []byte
	err  error
	// in-memory mode: the lines are data[pos:]. With src set, data is a
	// window of src refilled by fill: win[:filled] holds the bytes read,
	// data the complete lines at its start.
	data   []byte
	pos    int
	inMem  bool
	size   int // bytes of input when known (in-memory: len(data)), for capacity limits
	src    io.Reader
	win    []byte
	filled int
	eof    bool
}

// windowSize is the read window of a windowed lineReader (newFileLines):
// text files are parsed one window at a time, so a load holds the parsed
// arrays and one window, not the whole text.
const windowSize = 1 << 18

// newFileLines returns a windowed in-memory lineReader over f (size bytes,
// 0 if unknown) and an estimate of its number of lines: exact when the
// file fits in one window, else extrapolated from the first window.
func newFileLines(f io.Reader, file string, size int) (*lineReader, int) {
	w := windowSize
	if size > 0 {
		w = max(min(w, size+1), 512)
	}
	l := &lineReader{file: file, inMem: true, size: size, src: f, win: make([]byte, w)}
	if !l.fill() {
		return l, 0
	}
	lines := bytes.Count(l.data, []byte{'\n'})
	if l.eof {
		return l, lines + 1
	}
	return l, int(float64(size)/float64(len(l.data))*float64(lines)*1.05) + 16
}

// more reports whether data[pos:] holds input, refilling the window when
// it is exhausted.
func (l *lineReader) more() bool {
	return l.pos < len(l.data) || l.fill()
}

// fill moves the partial line after data to the start of the window and
// reads until the window is full or src ends; data becomes the complete
// lines (all of the rest at the end of src). A line longer than the window
// doubles it. It returns false at the end of src or on a read error (kept
// in err).
func (l *lineReader) fill() bool {
	if l.src == nil || l.eof || l.err != nil {
		return false
	}
	l.filled = copy(l.win, l.win[len(l.data):l.filled])
	l.data, l.pos = l.win[:0], 0
	for {
		k, err := io.ReadFull(l.src, l.win[l.filled:])
		l.filled += k
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			l.eof = true
			l.data = l.win[:l.filled]
			return l.filled > 0
		}
		if err != nil {
			l.err = &graphs.ParseError{Path: l.file, Line: l.line + 1, Err: err}
			return false
		}
		if i := bytes.LastIndexByte(l.win[:l.filled], '\n'); i >= 0 {
			l.data = l.win[:i+1]
			return true
		}
		l.win = append(l.win, make([]byte, len(l.win))...)
	}
}

func newLineReader(r io.Reader, file string) *lineReader {
	return &lineReader{r: bufio.NewReaderSize(r, 1<<16), file: file}
}

// next returns the next line (valid until the following call) and true, or
// false at the end of input or on a read error (see Err).
func (l *lineReader) next() ([]byte, bool) {
	if l.err != nil {
		return nil, false
	}
	if l.inMem {
		if !l.more() {
			if l.err == nil {
				l.err = io.EOF
			}
			return nil, false
		}
		rest := l.data[l.pos:]
		b := rest
		// Short lines (most of ours) are found faster by a plain loop
		// than by the vectorised IndexByte with its call overhead.
		i := 0
		for i < len(rest) && i < 32 && rest[i] != '\n' {
			i++
		}
		if i == 32 {
			if j := bytes.IndexByte(rest[32:], '\n'); j >= 0 {
				i = 32 + j
			} else {
				i = len(rest)
			}
		}
		if i < len(rest) {
			b = rest[:i]
			l.pos += i + 1
		} else {
			l.pos = len(l.data)
		}
		l.line++
		if n := len(b); n > 0 && b[n-1] == '\r' {
			b = b[:n-1]
		}
		return b, true
	}
	b, err := lines.Next(l.r, &l.buf)
	if err != nil && err != io.EOF {
		l.err = &graphs.ParseError{Path: l.file, Line: l.line + 1, Err: err}
		return nil, false
	}
	if len(b) == 0 && err == io.EOF {
		l.err = io.EOF
		return nil, false
	}
	if err == io.EOF {
		l.err = io.EOF // last line without newline; report it, stop next time
	}
	l.line++
	if n := len(b); n > 0 && b[n-1] == '\n' {
		b = b[:n-1]
	}
	if n := len(b); n > 0 && b[n-1] == '\r' {
		b = b[:n-1]
	}
	return b, true
}

// Err returns the read error that stopped next, or nil at a clean end.
func (l *lineReader) Err() error {
	if l.err == io.EOF {
		return nil
	}
	return l.err
}

// fields splits line into dst: at every comma (comma set; fields are
// trimmed of blanks, and may be empty), or at runs of blanks (comma unset).
func fields(dst [][]byte, line []byte, comma bool) [][]byte {
	dst = dst[:0]
	if comma {
		for {
			i := bytes.IndexByte(line, ',')
			if i < 0 {
				return append(dst, trimSpace(line))
			}
			dst = append(dst, trimSpace(line[:i]))
			line = line[i+1:]
		}
	}
	i := 0
	for i < len(line) {
		for i < len(line) && isSpace(line[i]) {
			i++
		}
		j := i
		for j < len(line) && !isSpace(line[j]) {
			j++
		}
		if j > i {
			dst = append(dst, line[i:j])
		}
		i = j
	}
	return dst
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f' }

func trimSpace(b []byte) []byte {
	for len(b) > 0 && isSpace(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isSpace(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// isBlank reports whether line holds only spaces.
func isBlank(line []byte) bool { return len(trimSpace(line)) == 0 }

// atoi parses a decimal integer (optional sign) without allocating.
func atoi(b []byte) (int64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty field where an integer is expected: %w", graphs.ErrFormat)
	}
	neg := false
	s := b
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
		if len(s) == 0 {
			return 0, fmt.Errorf("%q is not an integer: %w", b, graphs.ErrFormat)
		}
	}
	var v uint64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("%q is not an integer: %w", b, graphs.ErrFormat)
		}
		if v > (math.MaxInt64-9)/10 {
			return 0, fmt.Errorf("%q overflows int64: %w", b, graphs.ErrFormat)
		}
		v = v*10 + uint64(c-'0')
	}
	if neg {
		return -int64(v), nil
	}
	return int64(v), nil
}

// atof parses a float; NaN and ±Inf are refused (features must be finite).
func atof(b []byte) (float64, error) {
	if len(b) == 0 {
		return 0, fmt.Errorf("empty field where a number is expected: %w", graphs.ErrFormat)
	}
	if v, err := atoi(b); err == nil && v > -1<<53 && v < 1<<53 {
		return float64(v), nil // fast path for the integer features most files hold
	}
	v, err := strconv.ParseFloat(string(b), 64)
	if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("%q is not a finite number: %w", b, graphs.ErrFormat)
	}
	return v, nil
}
