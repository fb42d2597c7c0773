package graphio

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/gnnwb/gnnwb/graphs"
)

// graphmlKey is a <key> element: the weight key is the one for edges
// (or all) named "weight".
type graphmlKey struct {
	forWhat, name, typ string
	def                *string
}

// parseGraphML reads the first graph of a GraphML document, streaming.
func parseGraphML(r io.Reader, name string, opt Options) (graphs.Graph, []string, error) {
	d := xml.NewDecoder(bufio.NewReaderSize(r, 1<<16))
	fail := func(err error) (graphs.Graph, []string, error) {
		line, _ := d.InputPos()
		return graphs.Graph{}, nil, &graphs.ParseError{Path: name, Line: line, Err: err}
	}
	keys := map[string]graphmlKey{}
	b := newBuilder()
	var (
		inGraph, done, sawGraph, sawRoot bool
		edgeDefault                      string
		directedSet, directed            bool
		key                              *graphmlKey // the <key> being read (for its <default>)
		keyID                            string
		inEdge                           bool
		edgeSrc, edgeDst                 string
		edgeW                            float64
		edgeHas                          bool
		dataKey                          string // the <data> being read, "" outside
		inData, inDefault                bool
		text                             strings.Builder
		depthInGraph                     int
		defW                             = 1.0 // the weight key's <default>
		hasDefW                          bool
	)
	attr := func(se xml.StartElement, name string) (string, bool) {
		for _, a := range se.Attr {
			if a.Name.Local == name {
				return a.Value, true
			}
		}
		return "", false
	}
	weightKey := func(id string) (graphmlKey, bool, error) {
		k, ok := keys[id]
		if !ok {
			return k, false, fmt.Errorf("<data key=%q>: no <key> with that id: %w", id, graphs.ErrFormat)
		}
		return k, (k.forWhat == "edge" || k.forWhat == "all") && k.name == "weight", nil
	}
	for !done {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			if errors.As(err, &se) {
				return fail(fmt.Errorf("%s: %w", se.Msg, graphs.ErrFormat))
			}
			return fail(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !sawRoot {
				if t.Name.Local != "graphml" {
					return fail(fmt.Errorf("root element <%s>, want <graphml>: %w", t.Name.Local, graphs.ErrFormat))
				}
				sawRoot = true
				continue
			}
			if inGraph {
				depthInGraph++
			}
			switch t.Name.Local {
			case "key":
				if inGraph {
					break
				}
				id, ok := attr(t, "id")
				if !ok {
					return fail(fmt.Errorf("<key> without id: %w", graphs.ErrFormat))
				}
				f, _ := attr(t, "for")
				n, _ := attr(t, "attr.name")
				ty, _ := attr(t, "attr.type")
				keys[id] = graphmlKey{forWhat: f, name: n, typ: ty}
				k := keys[id]
				key, keyID = &k, id
			case "default":
				if key != nil {
					inDefault = true
					text.Reset()
				}
			case "graph":
				if sawGraph {
					if inGraph {
						return fail(fmt.Errorf("nested <graph>: %w", graphs.ErrUnsupported))
					}
					break
				}
				sawGraph, inGraph, depthInGraph = true, true, 0
				for id, k := range keys {
					if _, isW, _ := weightKey(id); isW && k.def != nil {
						w, err := parseWeight(strings.TrimSpace(*k.def))
						if err != nil {
							return fail(err)
						}
						defW, hasDefW = w, true
					}
				}
				edgeDefault, _ = attr(t, "edgedefault")
				switch edgeDefault {
				case "", "undirected", "directed":
				default:
					return fail(fmt.Errorf("edgedefault=%q, want directed or undirected: %w", edgeDefault, graphs.ErrFormat))
				}
			case "node":
				if !inGraph || depthInGraph != 1 {
					break
				}
				id, ok := attr(t, "id")
				if !ok {
					return fail(fmt.Errorf("<node> without id: %w", graphs.ErrFormat))
				}
				if _, err := b.node(id); err != nil {
					return fail(err)
				}
			case "edge":
				if !inGraph || depthInGraph != 1 {
					break
				}
				var ok1, ok2 bool
				edgeSrc, ok1 = attr(t, "source")
				edgeDst, ok2 = attr(t, "target")
				if !ok1 || !ok2 {
					return fail(fmt.Errorf("<edge> without source or target: %w", graphs.ErrFormat))
				}
				dir := edgeDefault == "directed"
				if v, ok := attr(t, "directed"); ok {
					switch v {
					case "true", "1":
						dir = true
					case "false", "0":
						dir = false
					default:
						return fail(fmt.Errorf("<edge directed=%q>: %w", v, graphs.ErrFormat))
					}
				}
				if directedSet && dir != directed {
					return fail(fmt.Errorf("mixed directed and undirected edges: %w", graphs.ErrUnsupported))
				}
				directedSet, directed = true, dir
				inEdge, edgeW, edgeHas = true, defW, hasDefW
			case "hyperedge":
				if inGraph {
					return fail(fmt.Errorf("<hyperedge>: %w", graphs.ErrUnsupported))
				}
			case "data":
				k, ok := attr(t, "key")
				if !ok {
					return fail(fmt.Errorf("<data> without key: %w", graphs.ErrFormat))
				}
				if _, _, err := weightKey(k); err != nil {
					return fail(err)
				}
				dataKey, inData = k, true
				text.Reset()
			}
		case xml.CharData:
			if inData || inDefault {
				if text.Len()+len(t) > 1<<20 {
					return fail(fmt.Errorf("<data> or <default> text longer than 1 MiB: %w", graphs.ErrTooLarge))
				}
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "default":
				if inDefault {
					s := text.String()
					key.def = &s
					keys[keyID] = *key
					inDefault = false
				}
			case "key":
				key = nil
			case "data":
				if inData {
					inData = false
					if _, isW, _ := weightKey(dataKey); isW && inEdge {
						w, err := parseWeight(strings.TrimSpace(text.String()))
						if err != nil {
							return fail(err)
						}
						edgeW, edgeHas = w, true
					}
				}
			case "edge":
				if inEdge && depthInGraph == 1 {
					inEdge = false
					b.weighted = b.weighted || edgeHas
					if err := b.edge(edgeSrc, edgeDst, edgeW); err != nil {
						return fail(err)
					}
				}
			case "graph":
				if inGraph && depthInGraph == 0 {
					inGraph, done = false, true
				}
			}
			if inGraph {
				depthInGraph--
			}
		}
	}
	if !sawRoot {
		return fail(fmt.Errorf("no <graphml> element: %w", graphs.ErrFormat))
	}
	if !sawGraph {
		return fail(fmt.Errorf("no <graph> element: %w", graphs.ErrFormat))
	}
	if !directedSet {
		directed = edgeDefault == "directed"
	}
	if opt.Directed && !directed {
		return fail(fmt.Errorf("the file says undirected but a directed graph was asked for: %w", graphs.ErrParameter))
	}
	g, ids, err := b.build(directed, opt.KeepSelfLoops)
	if err != nil {
		return fail(err)
	}
	return g, ids, nil
}

// checkXMLID refuses ids that XML text cannot hold.
func checkXMLID(i int, id string) error {
	if !utf8.ValidString(id) {
		return fmt.Errorf("graphio: Encode: node %d has id %q, not UTF-8: %w", i, id, graphs.ErrParameter)
	}
	for _, r := range id {
		if !(r == 0x09 || r == 0x0A || r == 0x0D || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000 && r <= 0x10FFFF) {
			return fmt.Errorf("graphio: Encode: node %d has id %q with a character XML cannot hold: %w", i, id, graphs.ErrParameter)
		}
	}
	return nil
}

// encodeGraphML writes g as nx.write_graphml does.
func encodeGraphML(w io.Writer, g graphs.Graph, ids []string) error {
	if ids != nil {
		for i, id := range ids {
			if err := checkXMLID(i, id); err != nil {
				return err
			}
		}
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	bw.WriteString("<?xml version='1.0' encoding='utf-8'?>\n" +
		`<graphml xmlns="http://graphml.graphdrawing.org/xmlns" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">` + "\n")
	if g.Weighted() {
		bw.WriteString(`  <key id="d0" for="edge" attr.name="weight" attr.type="double" />` + "\n")
	}
	if g.Directed() {
		bw.WriteString(`  <graph edgedefault="directed">` + "\n")
	} else {
		bw.WriteString(`  <graph edgedefault="undirected">` + "\n")
	}
	esc := func(s string) {
		xml.EscapeText(bw, []byte(s)) // errors surface at Flush
	}
	for i := range g.NumNodes() {
		bw.WriteString(`    <node id="`)
		esc(idOf(ids, i))
		bw.WriteString("\" />\n")
	}
	buf := make([]byte, 0, 64)
	err := eachEdge(g, func(u, v int, x float64) error {
		bw.WriteString(`    <edge source="`)
		esc(idOf(ids, u))
		bw.WriteString(`" target="`)
		esc(idOf(ids, v))
		if !g.Weighted() {
			_, err := bw.WriteString("\" />\n")
			return err
		}
		bw.WriteString("\">\n      <data key=\"d0\">")
		buf = appendPyFloat(buf[:0], x)
		bw.Write(buf)
		_, err := bw.WriteString("</data>\n    </edge>\n")
		return err
	})
	if err == nil {
		bw.WriteString("  </graph>\n</graphml>\n")
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("graphio: Encode: %w", err)
	}
	return nil
}
