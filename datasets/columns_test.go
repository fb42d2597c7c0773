package datasets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestReadTableFileWindows: a file several read windows long, with blank
// and CRLF lines, a line longer than a window, and no final newline, reads
// as the same table (values and source lines) as the whole text in memory;
// an error in a later window names its line.
func TestReadTableFileWindows(t *testing.T) {
	var b strings.Builder
	line := 0
	for b.Len() < 3*windowSize+1000 {
		line++
		switch {
		case line%1000 == 7:
			b.WriteString("\r\n") // blank
		case line == 2500:
			b.WriteString(strings.Repeat(" ", windowSize+123) + "5, 6\n") // longer than a window
		case line%3 == 0:
			fmt.Fprintf(&b, "%d, %d\r\n", line, -line)
		default:
			fmt.Fprintf(&b, "%d,%d\n", line, 7*line)
		}
	}
	b.WriteString("1,2") // no final newline
	text := b.String()
	dir := t.TempDir()
	path := filepath.Join(dir, "t.txt")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := readTableFile[int64](path, true, 2, false)
	if err != nil {
		t.Fatal(err)
	}
	want, err := readTableBytes[int64]([]byte(text), path, true, 2, false, 0)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got.vals, want.vals) || got.rows() != want.rows() || got.rows() < 3*windowSize/40 {
		t.Fatalf("windowed read: %d rows, in memory %d", got.rows(), want.rows())
	}
	for r := range want.rows() {
		if got.line(r) != want.line(r) {
			t.Fatalf("row %d: line %d, want %d", r, got.line(r), want.line(r))
		}
	}
	// A bad value in the third window.
	bad := strings.Replace(text, "\n30001,", "\n30001x,", 1)
	if bad == text {
		t.Fatal("test text lacks line 30001")
	}
	if err := os.WriteFile(path, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = readTableFile[int64](path, true, 2, false)
	var pe *graphs.ParseError
	if !errors.As(err, &pe) || pe.Line != 30001 || pe.Path != path {
		t.Fatalf("err = %v, want a ParseError at %s:30001", err, path)
	}
}
