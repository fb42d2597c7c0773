package datasets_test

import (
	"context"
	"fmt"
	"log"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/gnn"
	"github.com/gnnwb/gnnwb/gnn/train"
)

// Training GCN on Cora's public split from the library, as `gnnwb train
// --dataset cora --model gcn --runs 10` does (81.07 ± 0.70 %). Not run as
// a test: it needs the Planetoid files under $GNNWB_DATA (or the cache,
// after `gnnwb datasets fetch cora`).
func Example_trainCora() {
	ds, err := datasets.LoadNode("cora", "") // root: $GNNWB_DATA, else the user cache
	if err != nil {
		log.Fatal(err)
	}
	x := ds.SparseX.RowNormalized() // sparse (49,216 entries) and row-normalised as Kipf & Welling
	cfg := train.DefaultNodeConfig(gnn.KindGCN)
	split := train.Split{Train: ds.Train, Val: ds.Val, Test: ds.Test}
	sum, err := train.RepeatNodes(context.Background(), cfg, 10, "", ds.Graph, gnn.Features{Sparse: x}, ds.Y, split)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("test accuracy %.2f ± %.2f %%\n", 100*sum.TestMean, 100*sum.TestStd)
}
