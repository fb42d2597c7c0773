package datasets

import (
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/gnnwb/gnnwb/graphs"
)

// PerClassSplit returns a random node split with trainPerClass training
// and valPerClass validation nodes of every class and all other labelled
// nodes as test nodes, the protocol of Shchur et al. (Pitfalls of Graph
// Neural Network Evaluation, 2018: 20 and 30 per class) for datasets that
// ship no split. Labels y[i] < 0 mark unlabelled nodes, which are left out.
//
// Algorithm (deterministic for a seed; rng = rand.New(rand.NewPCG(seed, 0))):
// the members of each class (ascending ids, classes in ascending order)
// are shuffled with rng (Fisher–Yates); the first trainPerClass go to
// train, the next valPerClass to val, the rest to test. Each part is sorted
// ascending. Errors wrap graphs.ErrParameter when a count is negative or a
// class has at most trainPerClass+valPerClass members (so no test node).
// Cost O(n).
func PerClassSplit(y []int32, trainPerClass, valPerClass int, seed uint64) (train, val, test []int32, err error) {
	if trainPerClass < 1 || valPerClass < 0 {
		return nil, nil, nil, fmt.Errorf("datasets: PerClassSplit: trainPerClass=%d valPerClass=%d: %w", trainPerClass, valPerClass, graphs.ErrParameter)
	}
	C := 0
	for _, c := range y {
		C = max(C, int(c)+1)
	}
	members := make([][]int32, C)
	for i, c := range y {
		if c >= 0 {
			members[c] = append(members[c], int32(i))
		}
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	for c, m := range members {
		if len(m) == 0 {
			continue
		}
		if len(m) <= trainPerClass+valPerClass {
			return nil, nil, nil, fmt.Errorf("datasets: PerClassSplit: class %d has %d nodes, not more than %d+%d: %w", c, len(m), trainPerClass, valPerClass, graphs.ErrParameter)
		}
		rng.Shuffle(len(m), func(a, b int) { m[a], m[b] = m[b], m[a] })
		train = append(train, m[:trainPerClass]...)
		val = append(val, m[trainPerClass:trainPerClass+valPerClass]...)
		test = append(test, m[trainPerClass+valPerClass:]...)
	}
	slices.Sort(train)
	slices.Sort(val)
	slices.Sort(test)
	return train, val, test, nil
}
