// Package checksum seals a file's payload with its SHA-256, so that a
// reader tells a corrupt file (a flipped byte, a truncation) from a good one
// before it trusts its content.
//
// A sealed file is the payload followed by a trailer of 48 bytes: the
// SHA-256 of the payload (32 bytes) and the marker "gnnwb-sha256-v1\n".
// A payload that ends otherwise is reported as not sealed, so that readers
// still read files written before they were sealed when their own format
// version says so.
package checksum

import (
	"bytes"
	"crypto/sha256"
	"errors"
)

// marker ends every sealed file.
const marker = "gnnwb-sha256-v1\n"

// TrailerSize is the number of bytes Seal appends.
const TrailerSize = sha256.Size + len(marker)

// ErrMismatch is Open's error for a sealed file whose payload does not
// have the recorded digest.
var ErrMismatch = errors.New("checksum mismatch: the file is corrupt")

// Seal returns payload with its trailer appended (payload's array may be
// reused).
func Seal(payload []byte) []byte {
	sum := sha256.Sum256(payload)
	return append(append(payload, sum[:]...), marker...)
}

// Open returns the payload of data and whether data was sealed; a sealed
// data whose digest does not match gives ErrMismatch.
func Open(data []byte) (payload []byte, sealed bool, err error) {
	if len(data) < TrailerSize || !bytes.HasSuffix(data, []byte(marker)) {
		return data, false, nil
	}
	n := len(data) - TrailerSize
	sum := sha256.Sum256(data[:n])
	if !bytes.Equal(sum[:], data[n:n+sha256.Size]) {
		return nil, true, ErrMismatch
	}
	return data[:n], true, nil
}
