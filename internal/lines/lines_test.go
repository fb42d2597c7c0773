package lines

import (
	"bufio"
	"errors"
	"io"
	"strings"
	"testing"
)

// TestNext: lines come back whole, newline included, whatever the buffer
// size; the last line may lack its newline; the end is an empty line with
// io.EOF; a read error is returned as it is.
func TestNext(t *testing.T) {
	long := strings.Repeat("x", 100)
	for _, size := range []int{16, 4096} {
		br := bufio.NewReaderSize(strings.NewReader("a b\n"+long+"\n\nlast"), size)
		var buf []byte
		var got []string
		for {
			line, err := Next(br, &buf)
			if len(line) == 0 && err == io.EOF {
				break
			}
			if err != nil && err != io.EOF {
				t.Fatal(err)
			}
			got = append(got, string(line))
		}
		want := []string{"a b\n", long + "\n", "\n", "last"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("buffer %d: %q, want %q", size, got, want)
		}
	}
	boom := errors.New("boom")
	br := bufio.NewReaderSize(io.MultiReader(strings.NewReader("abc"), iotestErr{boom}), 16)
	var buf []byte
	if _, err := Next(br, &buf); !errors.Is(err, boom) {
		t.Errorf("read error: %v", err)
	}
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }
