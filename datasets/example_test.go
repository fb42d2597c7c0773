package datasets_test

import (
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gnnwb/gnnwb/datasets"
)

func ExampleStratifiedFolds() {
	y := []int32{0, 0, 0, 0, 1, 1, 1, 1, 1, 1}
	folds, err := datasets.StratifiedFolds(y, 2, 0.25, 1)
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range folds {
		fmt.Println(len(f.Train), len(f.Val), len(f.Test))
	}
	// Output:
	// 3 2 5
	// 3 2 5
}

func ExampleReadSNAP() {
	dir, err := os.MkdirTemp("", "snap")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "edges.txt")
	// Non-contiguous ids, an edge listed in both directions and a self loop.
	os.WriteFile(p, []byte("# FromNodeId\tToNodeId\n10\t20\n20\t10\n20\t20\n20\t35\n"), 0o644)
	ds, err := datasets.ReadSNAP(p, "", false)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.Graph.NumNodes(), ds.Graph.NumEdges(), ds.IDs, ds.Meta.SelfLoops, ds.Meta.Relabelled)
	// Output: 3 2 [10 20 35] 1 true
}

func ExampleInfo() {
	e, err := datasets.Info("MUTAG")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Name, e.Kind, e.Format, len(e.Files), e.Files[0].Path)
	// Output: mutag graph tu 5 tu/MUTAG/MUTAG_A.txt
}

func ExampleParseError() {
	dir, err := os.MkdirTemp("", "snap")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "edges.txt")
	os.WriteFile(p, []byte("0 1\n1 x\n"), 0o644)
	_, err = datasets.ReadSNAP(p, "", false)
	fmt.Println(err.(*datasets.ParseError).Line, filepath.Base(err.(*datasets.ParseError).File))
	// Output: 2 edges.txt
}
