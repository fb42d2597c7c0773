package datasets

import (
	"bufio"
	"fmt"
	"io"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// gmlTok is one GML token: a key, a number, a string, '[' or ']'.
type gmlTok struct {
	kind byte // 'k' key, 'n' number, 's' string, '[' , ']'
	text string
	line int
}

// gmlLexer splits GML text into tokens, tracking lines; '#' starts a
// comment that runs to the end of the line.
type gmlLexer struct {
	r    *bufio.Reader
	file string
	line int
}

func (l *gmlLexer) next() (gmlTok, error) {
	for {
		c, err := l.r.ReadByte()
		if err != nil {
			return gmlTok{}, err
		}
		switch {
		case c == '\n':
			l.line++
		case isSpace(c):
		case c == '#':
			for c != '\n' {
				if c, err = l.r.ReadByte(); err != nil {
					return gmlTok{}, err
				}
			}
			l.line++
		case c == '[' || c == ']':
			return gmlTok{kind: c, line: l.line}, nil
		case c == '"':
			start := l.line
			var b []byte
			for {
				c, err = l.r.ReadByte()
				if err != nil {
					return gmlTok{}, perr(l.file, start, graphs.ErrFormat, "unterminated string")
				}
				if c == '"' {
					return gmlTok{kind: 's', text: string(b), line: start}, nil
				}
				if c == '\n' {
					l.line++
				}
				if len(b) > 1<<20 {
					return gmlTok{}, perr(l.file, start, graphs.ErrFormat, "string longer than 1 MiB")
				}
				b = append(b, c)
			}
		default:
			b := []byte{c}
			for {
				c, err = l.r.ReadByte()
				if err == io.EOF {
					break
				}
				if err != nil {
					return gmlTok{}, err
				}
				if isSpace(c) || c == '\n' || c == '[' || c == ']' || c == '"' || c == '#' {
					l.r.UnreadByte()
					break
				}
				if len(b) > 1<<10 {
					return gmlTok{}, perr(l.file, l.line, graphs.ErrFormat, "token longer than 1 KiB")
				}
				b = append(b, c)
			}
			kind := byte('n')
			if (b[0] >= 'a' && b[0] <= 'z') || (b[0] >= 'A' && b[0] <= 'Z') || b[0] == '_' {
				kind = 'k'
			}
			return gmlTok{kind: kind, text: string(b), line: l.line}, nil
		}
	}
}

// ReadGML reads a graph in GML: graph [ directed 0|1 node [ id N ... ]
// edge [ source S target T ... ] ]. Only node ids and edge endpoints are
// used; other keys (label, value, graphics, ...) are parsed and ignored.
// Node ids are integers, numbered 0..n−1 in ascending order (IDs keeps
// them, Meta.Relabelled says whether they changed). Self loops are dropped
// and duplicates merged (counted in Meta). Errors are *graphs.ParseError with file
// and line: unknown endpoint ids, repeated node ids, unbalanced brackets,
// non-integer ids. Cost O(size + m log m).
func ReadGML(path string) (*NodeDataset, error) {
	f, err := openText(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readGML(f, path)
}

func readGML(r io.Reader, path string) (*NodeDataset, error) {
	lx := &gmlLexer{r: bufio.NewReader(r), file: path, line: 1}
	ds := &NodeDataset{Name: baseName(path)}
	ds.Meta.Format = "gml"
	ds.Meta.Files = []string{path}
	var ids []int64
	var edges [][2]int64
	var edgeLines []int
	directed := false
	depth := 0
	// Path of keys leading to the current list: e.g. [graph node].
	var stack []string
	var pendingKey *gmlTok
	cur := map[string]int64{}
	var curLine int
	foundGraph := false
	for {
		t, err := lx.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			if pe, ok := err.(*graphs.ParseError); ok {
				return nil, pe
			}
			return nil, &graphs.ParseError{Path: path, Line: lx.line, Err: err}
		}
		switch t.kind {
		case 'k':
			if pendingKey != nil {
				return nil, perr(path, t.line, graphs.ErrFormat, "key %q has no value before key %q", pendingKey.text, t.text)
			}
			tt := t
			pendingKey = &tt
		case '[':
			if pendingKey == nil {
				return nil, perr(path, t.line, graphs.ErrFormat, "'[' without a key")
			}
			stack = append(stack, pendingKey.text)
			depth++
			if depth > 64 {
				return nil, perr(path, t.line, graphs.ErrFormat, "lists nested deeper than 64")
			}
			if depth == 1 && pendingKey.text == "graph" {
				foundGraph = true
			}
			if depth == 2 && stack[0] == "graph" {
				clear(cur)
				curLine = t.line
			}
			pendingKey = nil
		case ']':
			if pendingKey != nil {
				return nil, perr(path, t.line, graphs.ErrFormat, "key %q has no value", pendingKey.text)
			}
			if depth == 0 {
				return nil, perr(path, t.line, graphs.ErrFormat, "unbalanced ']'")
			}
			if depth == 2 && stack[0] == "graph" {
				switch stack[1] {
				case "node":
					id, ok := cur["id"]
					if !ok {
						return nil, perr(path, curLine, graphs.ErrFormat, "node without id")
					}
					ids = append(ids, id)
				case "edge":
					s, ok1 := cur["source"]
					d, ok2 := cur["target"]
					if !ok1 || !ok2 {
						return nil, perr(path, curLine, graphs.ErrFormat, "edge without source or target")
					}
					edges = append(edges, [2]int64{s, d})
					edgeLines = append(edgeLines, curLine)
				}
			}
			stack = stack[:len(stack)-1]
			depth--
		default: // value
			if pendingKey == nil {
				return nil, perr(path, t.line, graphs.ErrFormat, "value %q without a key", t.text)
			}
			k := pendingKey.text
			pendingKey = nil
			wanted := (depth == 2 && stack[0] == "graph" && (k == "id" || k == "source" || k == "target")) ||
				(depth == 1 && stack[0] == "graph" && k == "directed")
			if !wanted {
				continue
			}
			if t.kind != 'n' {
				return nil, perr(path, t.line, graphs.ErrFormat, "%s is %q, want an integer", k, t.text)
			}
			v, err := atoi([]byte(t.text))
			if err != nil {
				return nil, &graphs.ParseError{Path: path, Line: t.line, Err: fmt.Errorf("%s: %w", k, err)}
			}
			if depth == 1 {
				directed = v != 0
				continue
			}
			if _, dup := cur[k]; dup {
				return nil, perr(path, t.line, graphs.ErrFormat, "%s given twice", k)
			}
			cur[k] = v
		}
	}
	if depth != 0 || pendingKey != nil {
		return nil, perr(path, lx.line, graphs.ErrFormat, "unexpected end of file (%d lists open)", depth)
	}
	if !foundGraph {
		return nil, perr(path, 0, graphs.ErrFormat, "no graph [ ... ] list")
	}
	sorted := slices.Clone(ids)
	slices.Sort(sorted)
	for i := 1; i < len(sorted); i++ {
		if sorted[i] == sorted[i-1] {
			return nil, perr(path, 0, graphs.ErrFormat, "node id %d defined twice", sorted[i])
		}
	}
	n := len(sorted)
	if n > graphs.MaxNodes {
		return nil, perr(path, 0, graphs.ErrTooLarge, "%d nodes", n)
	}
	ds.IDs = sorted
	ds.Meta.Relabelled = n > 0 && (sorted[0] != 0 || sorted[n-1] != int64(n-1))
	src := make([]int32, len(edges))
	dst := make([]int32, len(edges))
	for k, e := range edges {
		for j, v := range e {
			i, ok := slices.BinarySearch(sorted, v)
			if !ok {
				return nil, perr(path, edgeLines[k], graphs.ErrNodeID, "edge endpoint %d is not a node id", v)
			}
			if j == 0 {
				src[k] = int32(i)
			} else {
				dst[k] = int32(i)
			}
		}
	}
	ds.Meta.LinesRead = len(edges)
	g, _, err := buildGraph(n, src, dst, directed, &ds.Meta, false)
	if err != nil {
		return nil, &graphs.ParseError{Path: path, Err: err}
	}
	ds.Graph = g
	return ds, nil
}

// KarateClub is the faction of each member of Zachary's karate club after
// the split, indexed by the 1-based ids of Newman's karate.gml: 0 = "Mr. Hi",
// 1 = "Officer". Source: Zachary (1977), as recorded in NetworkX 2.8.8's
// karate_club_graph() node attribute "club" (PROVENANCE.md §4); the GML
// file carries no labels.
var KarateClub = [35]int8{-1, // index 0 unused
	0, 0, 0, 0, 0, 0, 0, 0, 0, 1, // 1..10
	0, 0, 0, 0, 1, 1, 0, 0, 1, 0, // 11..20
	1, 0, 1, 1, 1, 1, 1, 1, 1, 1, // 21..30
	1, 1, 1, 1, // 31..34
}

// ReadKarate reads Newman's karate.gml and labels its 34 members with
// KarateClub (classes "Mr. Hi", "Officer"). It fails unless the file has
// exactly the nodes 1..34. Features are the 34×34 identity (one-hot node
// id, the usual input for this graph in GNN examples).
func ReadKarate(path string) (*NodeDataset, error) {
	ds, err := ReadGML(path)
	if err != nil {
		return nil, err
	}
	if len(ds.IDs) != 34 || ds.IDs[0] != 1 || ds.IDs[33] != 34 {
		return nil, perr(path, 0, graphs.ErrShape, "karate club needs nodes 1..34, file has %d nodes", len(ds.IDs))
	}
	ds.Name = "karate"
	ds.Meta.OneBased = true
	ds.NumClasses = 2
	ds.ClassNames = []string{"Mr. Hi", "Officer"}
	ds.Y = make([]int32, 34)
	ds.NumFeatures = 34
	ds.X = make([]float64, 34*34)
	for i := range 34 {
		ds.Y[i] = int32(KarateClub[i+1])
		ds.X[i*34+i] = 1
	}
	return ds, nil
}
