package checksum

import (
	"bytes"
	"errors"
	"testing"
)

// TestOpen: a sealed payload opens to itself; every single flipped bit of a
// sealed file is caught (a flip in the marker makes the file unsealed,
// which the readers refuse for sealed format versions); unsealed data
// passes through.
func TestOpen(t *testing.T) {
	payload := []byte("the parameters of a model, gob-encoded")
	sealed := Seal(append([]byte(nil), payload...))
	got, ok, err := Open(sealed)
	if err != nil || !ok || !bytes.Equal(got, payload) {
		t.Fatalf("Open(Seal(p)) = %q, %v, %v", got, ok, err)
	}
	for i := range len(sealed) * 8 {
		bad := append([]byte(nil), sealed...)
		bad[i/8] ^= 1 << (i % 8)
		got, ok, err := Open(bad)
		if ok && !errors.Is(err, ErrMismatch) || !ok && bytes.Equal(got, payload) {
			t.Fatalf("bit %d flipped: %q, %v, %v", i, got, ok, err)
		}
	}
	if got, ok, err := Open(payload); ok || err != nil || !bytes.Equal(got, payload) {
		t.Fatalf("Open(unsealed) = %q, %v, %v", got, ok, err)
	}
}
