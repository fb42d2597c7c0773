package graphs

import (
	"errors"
	"io"
	"testing"
)

func TestParseErrorFormat(t *testing.T) {
	tests := []struct {
		name string
		e    *ParseError
		want string
	}{
		{"path and line", &ParseError{Path: "a.txt", Line: 3, Err: ErrFormat}, "a.txt:3: malformed input"},
		{"path only", &ParseError{Path: "b", Err: ErrShape}, "b: shape mismatch"},
		{"line only", &ParseError{Line: 7, Err: ErrNodeID}, "line 7: node id out of range"},
		{"neither", &ParseError{Err: io.ErrUnexpectedEOF}, "unexpected EOF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.e.Error(); got != tt.want {
				t.Errorf("Error() = %q, want %q", got, tt.want)
			}
			if !errors.Is(tt.e, tt.e.Err) {
				t.Error("Unwrap does not reach Err")
			}
		})
	}
}
