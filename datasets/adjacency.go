package datasets

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/gnnwb/gnnwb/graphs"
	"github.com/nlpodyssey/gopickle/types"
)

// adjacency is a decoded Planetoid ind.<name>.graph file, the pickled
// defaultdict(list) {u: [v, ...]}: Keys in pickle order, and one entry
// (Src[k], Dst[k]) per list element, grouped by key in the same order.
type adjacency struct {
	Keys     []int64
	Src, Dst []int64
}

// decodeAdjacency decodes the adjacency pickle data of file. The opcode
// stream Python 2's cPickle writes for a defaultdict of int lists is read
// directly into flat slices (adjacencyFast); any other stream goes through
// decodePickle and gopickle, which give the same result for every stream
// both accept (FuzzAdjacency). Errors are *graphs.ParseError.
func decodeAdjacency(file string, data []byte) (*adjacency, error) {
	if a, ok := adjacencyFast(data); ok {
		return a, nil
	}
	return adjacencyGeneral(file, data)
}

// adjacencyGeneral decodes any whitelisted pickle with decodePickle and
// converts the defaultdict it must hold.
func adjacencyGeneral(file string, data []byte) (*adjacency, error) {
	obj, allow, err := decodePickleAllow(file, data)
	if err != nil {
		return nil, err
	}
	dict, ok := obj.(*defaultDict)
	if !ok {
		return nil, &graphs.ParseError{Path: file, Err: fmt.Errorf("holds %T, want a defaultdict(list): %w", obj, graphs.ErrShape)}
	}
	// The memo may name one list under many keys: count the entries and
	// charge them before allocating.
	entries := int64(0)
	for i, k := range dict.keys {
		u, ok := k.(int)
		if !ok {
			return nil, perr(file, 0, graphs.ErrNodeID, "key %v of item %d is not an integer node id", k, i)
		}
		l, ok := dict.values[i].(*types.List)
		if !ok {
			return nil, perr(file, 0, graphs.ErrFormat, "value of key %d is %T, want a list", u, dict.values[i])
		}
		entries += int64(l.Len())
	}
	if err := allow.take(16*entries+8*int64(len(dict.keys)), fmt.Sprintf("%d adjacency entries", entries)); err != nil {
		return nil, &graphs.ParseError{Path: file, Err: err}
	}
	a := &adjacency{Keys: make([]int64, len(dict.keys)), Src: make([]int64, 0, entries), Dst: make([]int64, 0, entries)}
	for i, k := range dict.keys {
		u := k.(int)
		a.Keys[i] = int64(u)
		for _, w := range *dict.values[i].(*types.List) {
			v, ok := w.(int)
			if !ok {
				return nil, perr(file, 0, graphs.ErrNodeID, "neighbour %v of node %d is not an integer node id", w, u)
			}
			a.Src = append(a.Src, int64(u))
			a.Dst = append(a.Dst, int64(v))
		}
	}
	return a, nil
}

// adjacencyFast reads the protocol-2 stream
//
//	PROTO 2, GLOBAL collections defaultdict, PUT, GLOBAL __builtin__ list, PUT,
//	TUPLE1, REDUCE, PUT?, then batches of items and STOP,
//
// where a batch is MARK item… SETITEMS or a single item then SETITEM, an
// item is an int key, EMPTY_LIST, PUT? and its elements (batches MARK int…
// APPENDS, or int APPEND), an int is BININT1, BININT2 or BININT, and PUT is
// BINPUT or LONG_BINPUT. It reports false, having allocated nothing worth
// keeping, for anything else (memo references, other opcodes, a truncated
// stream), leaving such files to the general decoder. Cost O(len(data)).
func adjacencyFast(data []byte) (*adjacency, bool) {
	p := 0
	// readInt reads BININT1/BININT2/BININT at p.
	readInt := func() (int64, bool) {
		if p >= len(data) {
			return 0, false
		}
		switch data[p] {
		case 'K':
			if p+2 > len(data) {
				return 0, false
			}
			p += 2
			return int64(data[p-1]), true
		case 'M':
			if p+3 > len(data) {
				return 0, false
			}
			p += 3
			return int64(binary.LittleEndian.Uint16(data[p-2:])), true
		case 'J':
			if p+5 > len(data) {
				return 0, false
			}
			p += 5
			return int64(int32(binary.LittleEndian.Uint32(data[p-4:]))), true
		}
		return 0, false
	}
	put := func() { // a truncated PUT leaves p at the end: the caller fails
		if p < len(data) && data[p] == 'q' {
			p = min(p+2, len(data))
		} else if p < len(data) && data[p] == 'r' {
			p = min(p+5, len(data))
		}
	}
	global := func(names ...string) bool {
		for _, g := range names {
			if bytes.HasPrefix(data[p:], []byte(g)) {
				p += len(g)
				put()
				return true
			}
		}
		return false
	}
	if !bytes.HasPrefix(data, []byte("\x80\x02")) {
		return nil, false
	}
	p = 2
	if !global("ccollections\ndefaultdict\n") || !global("c__builtin__\nlist\n", "cbuiltins\nlist\n") ||
		!bytes.HasPrefix(data[p:], []byte("\x85R")) {
		return nil, false
	}
	p += 2
	put()
	a := &adjacency{Src: make([]int64, 0, len(data)/3), Dst: make([]int64, 0, len(data)/3)}
	// item reads one key and its list.
	item := func() bool {
		u, ok := readInt()
		if !ok || p >= len(data) || data[p] != ']' {
			return false
		}
		p++
		put()
		a.Keys = append(a.Keys, u)
		for p < len(data) {
			switch data[p] {
			case '(': // MARK int… APPENDS
				p++
				for p < len(data) && data[p] != 'e' {
					v, ok := readInt()
					if !ok {
						return false
					}
					a.Src, a.Dst = append(a.Src, u), append(a.Dst, v)
				}
				if p >= len(data) {
					return false
				}
				p++
			case 'K', 'M', 'J': // int APPEND, or the next item's key
				q := p
				v, ok := readInt()
				if !ok {
					return false
				}
				if p < len(data) && data[p] == 'a' {
					p++
					a.Src, a.Dst = append(a.Src, u), append(a.Dst, v)
					continue
				}
				p = q
				return true
			default:
				return true
			}
		}
		return false
	}
	for p < len(data) {
		switch data[p] {
		case '.':
			return a, true // bytes after STOP are ignored, as by every unpickler
		case '(': // MARK item… SETITEMS
			p++
			for p < len(data) && data[p] != 'u' {
				if !item() {
					return nil, false
				}
			}
			if p >= len(data) {
				return nil, false
			}
			p++
		default: // item SETITEM
			if !item() || p >= len(data) || data[p] != 's' {
				return nil, false
			}
			p++
		}
	}
	return nil, false
}
