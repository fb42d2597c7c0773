package datasets

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// cpickleDict writes adj as Python 2's cPickle does (protocol 2): memo puts
// after the globals, the defaultdict and every list; items in batches of
// batch (MARK … SETITEMS, a lone item with SETITEM), list elements in
// batches of batch (MARK … APPENDS, a lone element with APPEND). longPut
// uses LONG_BINPUT for every put.
func cpickleDict(adj [][]int, batch int, longPut bool) []byte {
	var p py2
	memo := uint32(0)
	put := func() {
		memo++
		if longPut {
			p.op('r', byte(memo), byte(memo>>8), byte(memo>>16), byte(memo>>24))
		} else {
			p.op('q', byte(memo))
		}
	}
	p.op(0x80, 2)
	p.WriteString("ccollections\ndefaultdict\n")
	put()
	p.WriteString("c__builtin__\nlist\n")
	put()
	p.op(0x85, 'R')
	put()
	for lo := 0; lo < len(adj); lo += batch {
		hi := min(lo+batch, len(adj))
		if hi-lo > 1 {
			p.op('(')
		}
		for k := lo; k < hi; k++ {
			p.int(k)
			p.op(']')
			put()
			l := adj[k]
			for a := 0; a < len(l); a += batch {
				b := min(a+batch, len(l))
				if b-a == 1 {
					p.int(l[a])
					p.op('a')
					continue
				}
				p.op('(')
				for _, v := range l[a:b] {
					p.int(v)
				}
				p.op('e')
			}
		}
		if hi-lo > 1 {
			p.op('u')
		} else {
			p.op('s')
		}
	}
	p.op('.')
	return p.Bytes()
}

// memoRef pickles {0: l, 1: l} with l = [1], the second value a memo
// reference (BINGET) to the first list.
const memoRef = "\x80\x02ccollections\ndefaultdict\nq\x01c__builtin__\nlist\nq\x02\x85Rq\x03(K\x00]q\x04K\x01aK\x01h\x04u."

// TestAdjacencyFast: the direct reader accepts the streams cPickle writes
// (batches of every size, short and long memo puts, one-, two- and
// four-byte ints) and gives what gopickle gives; streams it does not know
// fall back to gopickle with the same result.
func TestAdjacencyFast(t *testing.T) {
	adj := [][]int{{1, 300, 70000}, {0}, {}, {3, 2, 1, 0, 2}, {9}}
	for _, tc := range []struct {
		name string
		data []byte
		fast bool
	}{
		{"cpickle batch 1000", cpickleDict(adj, 1000, false), true},
		{"cpickle batch 2", cpickleDict(adj, 2, false), true},
		{"cpickle batch 1", cpickleDict(adj, 1, true), true},
		{"test fixture (no puts)", dictPickle(adj), true},
		{"memo reference", []byte(memoRef), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := adjacencyGeneral("g", tc.data)
			if err != nil {
				t.Fatal(err)
			}
			got, ok := adjacencyFast(tc.data)
			if ok != tc.fast {
				t.Fatalf("fast path taken = %v, want %v", ok, tc.fast)
			}
			if !ok {
				if got, err = decodeAdjacency("g", tc.data); err != nil {
					t.Fatal(err)
				}
			}
			if !sameAdjacency(got, want) {
				t.Fatalf("fast %+v\ngeneral %+v", got, want)
			}
		})
	}
	// The memo-reference stream: key 1's list is key 0's list, so both
	// give 0→1 and 1→1 (gopickle shares the list object).
	a, _ := decodeAdjacency("g", []byte(memoRef))
	if !sameAdjacency(a, &adjacency{Keys: []int64{0, 1}, Src: []int64{0, 1}, Dst: []int64{1, 1}}) {
		t.Errorf("memo reference: %+v", a)
	}
}

// TestAdjacencyFastReal: the Planetoid graph files take the direct path
// and agree with gopickle.
func TestAdjacencyFastReal(t *testing.T) {
	dir := filepath.Join(sharedDir(t), "planetoid", "raw")
	for _, name := range []string{"cora", "citeseer", "pubmed"} {
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, "ind."+name+".graph"))
			if err != nil {
				t.Skipf("ind.%s.graph: %v", name, err)
			}
			got, ok := adjacencyFast(data)
			if !ok {
				t.Fatal("fast path refused the file")
			}
			want, err := adjacencyGeneral(name, data)
			if err != nil {
				t.Fatal(err)
			}
			if !sameAdjacency(got, want) {
				t.Fatalf("fast and general decoders differ (%d vs %d entries)", len(got.Src), len(want.Src))
			}
		})
	}
}

// FuzzAdjacency: whenever the direct reader accepts a stream, gopickle
// accepts it too and decodes the same adjacency; decodeAdjacency never
// panics.
func FuzzAdjacency(f *testing.F) {
	quickMinimize()
	seed(f, 0, cpickleDict([][]int{{1, 2}, {0}, {}, {0, 300}}, 1000, false))
	seed(f, 1, cpickleDict([][]int{{1, 2, 3}, {0}, {70000}}, 2, true))
	seed(f, 2, dictPickle([][]int{{1}, {0}}))
	seed(f, 3, memoListPickle(10, 50)) // one list under 50 keys (hostile_test.go)
	f.Fuzz(func(t *testing.T, data []byte) {
		var err error
		capAlloc(t, len(data), func() { _, err = decodeAdjacency("g", data) })
		checkErr(t, err)
		fast, ok := adjacencyFast(data)
		if !ok {
			return
		}
		general, err := adjacencyGeneral("g", data)
		if errors.Is(err, graphs.ErrTooLarge) {
			return // beyond gopickle's allocation allowance (pickleBudget), not a disagreement
		}
		if err != nil {
			t.Fatalf("fast path accepted what gopickle refuses: %v", err)
		}
		if !sameAdjacency(fast, general) {
			t.Fatalf("fast %+v\ngeneral %+v", fast, general)
		}
	})
}

func sameAdjacency(a, b *adjacency) bool {
	return a != nil && b != nil && slices.Equal(a.Keys, b.Keys) && slices.Equal(a.Src, b.Src) && slices.Equal(a.Dst, b.Dst)
}
