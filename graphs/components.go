package graphs

// ConnectedComponents returns the connected components of g (weakly connected
// components for a directed graph: edge directions are ignored). labels[i] is
// the component of node i; components are numbered 0..count−1 in the order of
// their smallest node id, so node 0 is in component 0 and labels[i] ≤ i.
//
// Union-find with path halving, linking the larger root under the smaller,
// without recursion. Cost O((n + entries)·α) time in practice, one int32 per
// node of memory (the returned labels), sequential.
func ConnectedComponents(g Graph) (labels []int32, count int) {
	n := g.NumNodes()
	parent := make([]int32, n)
	for i := range parent {
		parent[i] = int32(i)
	}
	find := func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	for i := range n {
		row := g.Neighbours(i)
		if !g.directed {
			// rows are symmetric: the entries j < i suffice
			k := 0
			for k < len(row) && int(row[k]) < i {
				k++
			}
			row = row[:k]
		}
		for _, j := range row {
			a, b := find(int32(i)), find(j)
			switch {
			case a < b:
				parent[b] = a
			case b < a:
				parent[a] = b
			}
		}
	}
	// Every parent pointer points to a smaller id (links go to the smaller
	// root, path halving only shortens), so each root is the smallest id of
	// its component. Scanning i upwards, parent[p] for p = parent[i] < i
	// already holds p's label, so one pass relabels in place.
	for i := range n {
		if p := parent[i]; p == int32(i) {
			parent[i] = int32(count)
			count++
		} else {
			parent[i] = parent[p]
		}
	}
	return parent, count
}
