package graphio

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"unicode/utf8"

	"github.com/gnnwb/gnnwb/graphs"
)

// lineTracker counts the lines of what a json.Decoder reads, keeping the
// newline offsets only of the part the decoder has not consumed yet.
type lineTracker struct {
	r    io.Reader
	off  int64   // bytes delivered
	nl   []int64 // offsets of newlines at or after the consumed point
	base int     // newlines before nl[0]
}

func (t *lineTracker) Read(p []byte) (int, error) {
	n, err := t.r.Read(p)
	for i, c := range p[:n] {
		if c == '\n' {
			t.nl = append(t.nl, t.off+int64(i))
		}
	}
	t.off += int64(n)
	return n, err
}

// prune forgets the newlines before offset o (consumed by the decoder).
func (t *lineTracker) prune(o int64) {
	k := sort.Search(len(t.nl), func(i int) bool { return t.nl[i] >= o })
	if k > 0 {
		t.base += k
		t.nl = append(t.nl[:0], t.nl[k:]...)
	}
}

// line returns the 1-based line of offset o (o not pruned).
func (t *lineTracker) line(o int64) int {
	return t.base + sort.Search(len(t.nl), func(i int) bool { return t.nl[i] >= o }) + 1
}

// parseNodeLink reads nx.node_link_data's JSON, streaming: each node and
// edge object is decoded on its own.
func parseNodeLink(r io.Reader, name string, opt Options) (graphs.Graph, []string, error) {
	lt := &lineTracker{r: bufio.NewReaderSize(r, 1<<16)}
	dec := json.NewDecoder(lt)
	dec.UseNumber()
	at := int64(0) // offset of the element being read
	fail := func(err error) (graphs.Graph, []string, error) {
		var se *json.SyntaxError
		line := lt.line(max(at, 0))
		if errors.As(err, &se) {
			line = lt.line(dec.InputOffset())
			err = fmt.Errorf("%v: %w", se, graphs.ErrFormat)
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			line = lt.line(lt.off)
			err = fmt.Errorf("unexpected end of the JSON text: %w", graphs.ErrFormat)
		} else if _, ok := err.(*json.UnmarshalTypeError); ok {
			err = fmt.Errorf("%v: %w", err, graphs.ErrFormat)
		}
		return graphs.Graph{}, nil, &graphs.ParseError{Path: name, Line: line, Err: err}
	}
	delim := func(want json.Delim) error {
		at = dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return fmt.Errorf("found %v where %q was expected: %w", tok, string(want), graphs.ErrFormat)
		}
		return nil
	}
	if err := delim('{'); err != nil {
		return fail(err)
	}
	b := newBuilder()
	var listed []int32 // nodes in the order of "nodes"
	var isListed []bool
	directed := false
	seen := map[string]bool{}
	for dec.More() {
		lt.prune(dec.InputOffset())
		at = dec.InputOffset()
		tok, err := dec.Token()
		if err != nil {
			return fail(err)
		}
		key, _ := tok.(string)
		k := key
		if k == "links" {
			k = "edges"
		}
		if seen[k] && (k == "edges" || k == "nodes" || k == "directed" || k == "multigraph") {
			return fail(fmt.Errorf("key %q given twice (or both \"links\" and \"edges\"): %w", key, graphs.ErrFormat))
		}
		seen[k] = true
		switch k {
		case "directed", "multigraph":
			var v bool
			if err := dec.Decode(&v); err != nil {
				return fail(fmt.Errorf("%q: %w", key, err))
			}
			if k == "directed" {
				directed = v
			} else if v {
				return fail(fmt.Errorf("\"multigraph\": true: gnnwb graphs have no parallel edges: %w", graphs.ErrUnsupported))
			}
		case "nodes", "edges":
			if err := delim('['); err != nil {
				return fail(err)
			}
			for dec.More() {
				lt.prune(dec.InputOffset())
				at = dec.InputOffset()
				var obj map[string]json.RawMessage
				if err := dec.Decode(&obj); err != nil {
					return fail(err)
				}
				if k == "nodes" {
					id, err := jsonID(obj, "id")
					if err != nil {
						return fail(err)
					}
					i, err := b.node(id)
					if err != nil {
						return fail(err)
					}
					for len(isListed) <= i {
						isListed = append(isListed, false)
					}
					if !isListed[i] {
						isListed[i] = true
						listed = append(listed, int32(i))
					}
					continue
				}
				u, err := jsonID(obj, "source")
				if err != nil {
					return fail(err)
				}
				v, err := jsonID(obj, "target")
				if err != nil {
					return fail(err)
				}
				w := 1.0
				if raw, ok := obj["weight"]; ok {
					var num json.Number
					if err := json.Unmarshal(raw, &num); err != nil {
						return fail(fmt.Errorf("\"weight\" %.40s is not a number: %w", raw, graphs.ErrFormat))
					}
					if w, err = parseWeight(num.String()); err != nil {
						return fail(err)
					}
					b.weighted = true
				}
				if err := b.edge(u, v, w); err != nil {
					return fail(err)
				}
			}
			if err := delim(']'); err != nil {
				return fail(err)
			}
		default:
			if err := skipJSON(dec); err != nil {
				return fail(err)
			}
		}
	}
	if err := delim('}'); err != nil {
		return fail(err)
	}
	at = dec.InputOffset()
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = fmt.Errorf("text after the JSON object: %w", graphs.ErrFormat)
		}
		return fail(err)
	}
	if !seen["nodes"] {
		return fail(fmt.Errorf("no \"nodes\" key: %w", graphs.ErrFormat))
	}
	if !seen["edges"] {
		return fail(fmt.Errorf("no \"edges\" (or \"links\") key: %w", graphs.ErrFormat))
	}
	if opt.Directed && !directed {
		return fail(fmt.Errorf("the file says undirected but a directed graph was asked for: %w", graphs.ErrParameter))
	}
	reorder(b, listed, isListed)
	g, ids, err := b.build(directed, opt.KeepSelfLoops)
	if err != nil {
		return fail(err)
	}
	return g, ids, nil
}

// reorder numbers the listed nodes first, in their order, then the others
// in the order met (as nx.node_link_graph adds them).
func reorder(b *builder, listed []int32, isListed []bool) {
	n := len(b.ids)
	if len(listed) == n {
		sorted := true
		for i, k := range listed {
			if int(k) != i {
				sorted = false
				break
			}
		}
		if sorted {
			return
		}
	}
	perm := make([]int32, n) // old → new
	next := int32(0)
	for _, k := range listed {
		perm[k] = next
		next++
	}
	for i := range n {
		if i >= len(isListed) || !isListed[i] {
			perm[i] = next
			next++
		}
	}
	ids := make([]string, n)
	for i, id := range b.ids {
		ids[perm[i]] = id
		b.index[id] = perm[i]
	}
	b.ids = ids
	for e := range b.edges {
		b.edges[e].U, b.edges[e].V = int(perm[b.edges[e].U]), int(perm[b.edges[e].V])
	}
}

// jsonID returns obj[key] as an id: a string's text or a number's digits.
func jsonID(obj map[string]json.RawMessage, key string) (string, error) {
	raw, ok := obj[key]
	if !ok {
		return "", fmt.Errorf("object without %q: %w", key, graphs.ErrFormat)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("%q: %v: %w", key, err, graphs.ErrFormat)
		}
		return s, nil
	}
	if len(raw) > 0 && (raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9') {
		return string(raw), nil
	}
	return "", fmt.Errorf("%q is %.40s: gnnwb reads string and number ids only: %w", key, raw, graphs.ErrUnsupported)
}

// skipJSON skips one value, token by token (a large "graph" attribute
// costs no memory).
func skipJSON(dec *json.Decoder) error {
	depth := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
		if depth == 0 {
			return nil
		}
	}
}

// encodeNodeLink writes g as json.dump(nx.node_link_data(G)) would, one
// node or edge per line, edges under "edges" (NetworkX ≥ 3.4's key). Ids
// are JSON strings, or numbers when ids is nil.
func encodeNodeLink(w io.Writer, g graphs.Graph, ids []string) error {
	if ids != nil {
		for i, id := range ids {
			if !utf8.ValidString(id) {
				return fmt.Errorf("graphio: Encode: node %d has id %q, not UTF-8: %w", i, id, graphs.ErrParameter)
			}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	buf := make([]byte, 0, 128)
	id := func(buf []byte, i int) []byte {
		if ids == nil {
			return strconv.AppendInt(buf, int64(i), 10)
		}
		q, _ := json.Marshal(ids[i]) // a string always marshals
		return append(buf, q...)
	}
	fmt.Fprintf(bw, "{\"directed\": %t, \"multigraph\": false, \"graph\": {}, \"nodes\": [", g.Directed())
	for i := range g.NumNodes() {
		buf = buf[:0]
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, "\n{\"id\": "...)
		buf = id(buf, i)
		buf = append(buf, '}')
		bw.Write(buf)
	}
	bw.WriteString("],\n\"edges\": [")
	first := true
	err := eachEdge(g, func(u, v int, x float64) error {
		buf = buf[:0]
		if !first {
			buf = append(buf, ',')
		}
		first = false
		buf = append(buf, "\n{\"source\": "...)
		buf = id(buf, u)
		buf = append(buf, ", \"target\": "...)
		buf = id(buf, v)
		if g.Weighted() {
			buf = append(buf, ", \"weight\": "...)
			buf = appendPyFloat(buf, x)
		}
		buf = append(buf, '}')
		_, err := bw.Write(buf)
		return err
	})
	if err == nil {
		bw.WriteString("]}\n")
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("graphio: Encode: %w", err)
	}
	return nil
}
