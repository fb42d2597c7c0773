package graphio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/gnnwb/gnnwb/internal/lines"
)

// parseNetworkX reads nx.write_edgelist's format (see the package
// documentation).
func parseNetworkX(r io.Reader, name string, opt Options) (graphs.Graph, []string, error) {
	fail := func(line int, err error) (graphs.Graph, []string, error) {
		return graphs.Graph{}, nil, &graphs.ParseError{Path: name, Line: line, Err: err}
	}
	br := bufio.NewReaderSize(r, 1<<16)
	b := newBuilder()
	var long []byte
	lineNo := 0
	for {
		line, rerr := lines.Next(br, &long)
		if rerr != nil && rerr != io.EOF {
			return fail(lineNo+1, rerr)
		}
		if len(line) == 0 && rerr == io.EOF {
			break
		}
		lineNo++
		if k := bytes.IndexByte(line, '#'); k >= 0 {
			line = line[:k] // NetworkX: '#' anywhere starts a comment
		}
		tok := bytes.Fields(line)
		switch {
		case len(tok) == 0:
		case len(tok) == 1:
			return fail(lineNo, fmt.Errorf("one field %q, want \"u v\", \"u v {data}\" or \"u v weight\": %w", tok[0], graphs.ErrFormat))
		default:
			u, v := string(tok[0]), string(tok[1])
			if !utf8.ValidString(u) || !utf8.ValidString(v) {
				return fail(lineNo, fmt.Errorf("node id is not UTF-8 text: %w", graphs.ErrFormat))
			}
			w, has := 1.0, false
			if len(tok) > 2 {
				var err error
				if tok[2][0] == '{' {
					w, has, err = dictWeight(bytes.Join(tok[2:], []byte(" ")))
					if !has {
						w = 1
					}
				} else {
					w, err = parseWeight(string(tok[2]))
					has = true
				}
				if err != nil {
					return fail(lineNo, err)
				}
			}
			b.weighted = b.weighted || has
			if err := b.edge(u, v, w); err != nil {
				return fail(lineNo, err)
			}
		}
		if rerr == io.EOF {
			break
		}
	}
	g, ids, err := b.build(opt.Directed, opt.KeepSelfLoops)
	if err != nil {
		return fail(0, err)
	}
	return g, ids, nil
}

// parseWeight parses a finite float (Python's float() syntax as far as
// strconv.ParseFloat shares it).
func parseWeight(s string) (float64, error) {
	w, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
		return 0, fmt.Errorf("weight %q is not a finite number: %w", s, graphs.ErrFormat)
	}
	return w, nil
}

// dictWeight parses the Python dict literal of an edge's data, as
// nx.write_edgelist writes it ("{'weight': 1.5, 'color': 'red'}"), and
// returns its 'weight' entry, which must be a number, if any.
func dictWeight(b []byte) (float64, bool, error) {
	p := &pyParser{s: b}
	w, has, err := p.dict()
	if err == nil {
		p.blank()
		if p.i != len(p.s) {
			err = p.errorf("text after the dict")
		}
	}
	if err != nil {
		return 0, false, err
	}
	return w, has, nil
}

// pyParser reads the subset of Python literals that edge data holds:
// dicts, lists, tuples, sets, strings, numbers, True, False and None.
type pyParser struct {
	s     []byte
	i     int
	depth int
}

const maxDepth = 64

func (p *pyParser) errorf(format string, args ...any) error {
	return fmt.Errorf("edge data %.40q at column %d: %s: %w", p.s, p.i+1, fmt.Sprintf(format, args...), graphs.ErrFormat)
}

func (p *pyParser) blank() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\t') {
		p.i++
	}
}

// dict reads "{key: value, ...}" and returns the number under 'weight'.
func (p *pyParser) dict() (float64, bool, error) {
	p.blank()
	if p.i >= len(p.s) || p.s[p.i] != '{' {
		return 0, false, p.errorf("want '{'")
	}
	p.i++
	w, has := 0.0, false
	for first := true; ; first = false {
		p.blank()
		if p.i < len(p.s) && p.s[p.i] == '}' {
			p.i++
			return w, has, nil
		}
		if !first {
			if p.i >= len(p.s) || p.s[p.i] != ',' {
				return 0, false, p.errorf("want ',' or '}'")
			}
			p.i++
			p.blank()
			if p.i < len(p.s) && p.s[p.i] == '}' {
				p.i++
				return w, has, nil
			}
		}
		key, isStr, err := p.value()
		if err != nil {
			return 0, false, err
		}
		p.blank()
		if p.i >= len(p.s) || p.s[p.i] != ':' {
			return 0, false, p.errorf("want ':'")
		}
		p.i++
		start := p.i
		_, _, err = p.value()
		if err != nil {
			return 0, false, err
		}
		if isStr && key == "weight" {
			v, err := parseWeight(strings.TrimSpace(string(p.s[start:p.i])))
			if err != nil {
				return 0, false, err
			}
			w, has = v, true
		}
	}
}

// value skips one literal; for a string it returns its text and true.
func (p *pyParser) value() (string, bool, error) {
	p.blank()
	if p.i >= len(p.s) {
		return "", false, p.errorf("value missing")
	}
	switch c := p.s[p.i]; {
	case c == '\'' || c == '"':
		s, err := p.str()
		return s, err == nil, err
	case c == '{' || c == '[' || c == '(':
		p.depth++
		if p.depth > maxDepth {
			return "", false, p.errorf("nested more than %d deep", maxDepth)
		}
		closing := map[byte]byte{'{': '}', '[': ']', '(': ')'}[c]
		p.i++
		for first := true; ; first = false {
			p.blank()
			if p.i < len(p.s) && p.s[p.i] == closing {
				p.i++
				p.depth--
				return "", false, nil
			}
			if !first {
				if p.i >= len(p.s) || p.s[p.i] != ',' {
					return "", false, p.errorf("want ',' or %q", closing)
				}
				p.i++
				p.blank()
				if p.i < len(p.s) && p.s[p.i] == closing {
					p.i++
					p.depth--
					return "", false, nil
				}
			}
			if _, _, err := p.value(); err != nil {
				return "", false, err
			}
			if c == '{' {
				p.blank()
				if p.i < len(p.s) && p.s[p.i] == ':' {
					p.i++
					if _, _, err := p.value(); err != nil {
						return "", false, err
					}
				}
			}
		}
	default:
		start := p.i
		for p.i < len(p.s) && (isWord(p.s[p.i]) || ((p.s[p.i] == '+' || p.s[p.i] == '-') && (p.i == start || p.s[p.i-1] == 'e' || p.s[p.i-1] == 'E'))) {
			p.i++
		}
		word := string(p.s[start:p.i])
		switch word {
		case "True", "False", "None":
			return "", false, nil
		}
		if _, err := strconv.ParseFloat(word, 64); err != nil && !errors.Is(err, strconv.ErrRange) {
			return "", false, p.errorf("%q is not a literal", word)
		}
		return "", false, nil
	}
}

func isWord(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '.' || c == '_'
}

// str reads a quoted string with Python's common escapes.
func (p *pyParser) str() (string, error) {
	q := p.s[p.i]
	p.i++
	var sb strings.Builder
	for p.i < len(p.s) {
		c := p.s[p.i]
		p.i++
		switch c {
		case q:
			return sb.String(), nil
		case '\\':
			if p.i >= len(p.s) {
				return "", p.errorf("unterminated string")
			}
			e := p.s[p.i]
			p.i++
			switch e {
			case 'n':
				sb.WriteByte('\n')
			case 't':
				sb.WriteByte('\t')
			case 'r':
				sb.WriteByte('\r')
			default:
				sb.WriteByte('\\')
				sb.WriteByte(e)
			}
		default:
			sb.WriteByte(c)
		}
	}
	return "", p.errorf("unterminated string")
}

// checkNXID refuses ids that nx.read_edgelist would split or cut.
func checkNXID(i int, id string) error {
	if id == "" || strings.ContainsAny(id, " \t\n\r\v\f#") || !utf8.ValidString(id) {
		return fmt.Errorf("graphio: Encode: node %d has id %q: the networkx edge list needs non-empty UTF-8 ids without blanks or '#': %w", i, id, graphs.ErrParameter)
	}
	return nil
}

// encodeNetworkX writes g as nx.write_edgelist(G, path) does: one line
// "u v {'weight': w}" per edge ("u v {}" for an unweighted graph),
// undirected edges once.
func encodeNetworkX(w io.Writer, g graphs.Graph, ids []string) error {
	if ids != nil {
		for i, id := range ids {
			if err := checkNXID(i, id); err != nil {
				return err
			}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 128)
	err := eachEdge(g, func(u, v int, x float64) error {
		buf = append(buf[:0], idOf(ids, u)...)
		buf = append(buf, ' ')
		buf = append(buf, idOf(ids, v)...)
		if g.Weighted() {
			buf = append(buf, " {'weight': "...)
			buf = appendPyFloat(buf, x)
			buf = append(buf, "}\n"...)
		} else {
			buf = append(buf, " {}\n"...)
		}
		_, err := bw.Write(buf)
		return err
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("graphio: Encode: %w", err)
	}
	return nil
}

// appendPyFloat appends x as Python's repr(float) writes it: the shortest
// digits that read back to x, positional for exponents in [−4, 16), with
// ".0" on whole numbers.
func appendPyFloat(buf []byte, x float64) []byte {
	if x == 0 {
		if math.Signbit(x) {
			return append(buf, "-0.0"...)
		}
		return append(buf, "0.0"...)
	}
	e := math.Floor(math.Log10(math.Abs(x)))
	// Log10 can be off by one at powers of ten: use the 'e' format's exponent.
	s := strconv.FormatFloat(x, 'e', -1, 64)
	if k := strings.IndexByte(s, 'e'); k >= 0 {
		if v, err := strconv.Atoi(s[k+1:]); err == nil {
			e = float64(v)
		}
	}
	if e >= -4 && e < 16 {
		start := len(buf)
		buf = strconv.AppendFloat(buf, x, 'f', -1, 64)
		if bytes.IndexByte(buf[start:], '.') < 0 {
			buf = append(buf, ".0"...)
		}
		return buf
	}
	return append(buf, s...)
}
