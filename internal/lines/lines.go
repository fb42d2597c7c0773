// Package lines reads text one line at a time, however long a line is:
// the shared first step of the project's line-oriented parsers (edge
// lists, NetworkX edge lists, label and feature files).
package lines

import "bufio"

// Next returns the next line of br, with its '\n' (the last line of the
// input may lack it), and the reader's error: nil, io.EOF at the end (with
// the last line, or with an empty line when nothing is left), or a read
// error. A line longer than br's buffer is assembled in *long, which is
// reused from call to call; the line is valid until the next call.
func Next(br *bufio.Reader, long *[]byte) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		*long = append((*long)[:0], line...)
		for err == bufio.ErrBufferFull {
			line, err = br.ReadSlice('\n')
			*long = append(*long, line...)
		}
		line = *long
	}
	return line, err
}
