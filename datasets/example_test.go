package datasets_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/gnnwb/gnnwb/datasets"
	"github.com/gnnwb/gnnwb/graphs"
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

// A malformed line gives a *graphs.ParseError naming the file and line.
func ExampleReadSNAP_parseError() {
	dir, err := os.MkdirTemp("", "snap")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "edges.txt")
	os.WriteFile(p, []byte("0 1\n1 x\n"), 0o644)
	_, err = datasets.ReadSNAP(p, "", false)
	var pe *graphs.ParseError
	if errors.As(err, &pe) {
		fmt.Println(pe.Line, filepath.Base(pe.Path))
	}
	// Output: 2 edges.txt
}

func ExampleReadTU() {
	dir, err := os.MkdirTemp("", "tu")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	// Two graphs: a triangle (nodes 1-3) and an edge (nodes 4-5), each edge
	// in both directions, 1-based ids; labels -1 and 1; node labels 0..2.
	files := map[string]string{
		"T_A.txt":               "1, 2\n2, 1\n2, 3\n3, 2\n1, 3\n3, 1\n4, 5\n5, 4\n",
		"T_graph_indicator.txt": "1\n1\n1\n2\n2\n",
		"T_graph_labels.txt":    "-1\n1\n",
		"T_node_labels.txt":     "0\n1\n2\n0\n0\n",
	}
	for name, text := range files {
		os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
	}
	ds, err := datasets.ReadTU(dir, "T", datasets.TUOptions{})
	if err != nil {
		log.Fatal(err)
	}
	s := ds.Stats()
	fmt.Println(s.Graphs, s.Nodes, s.Edges, s.Features, ds.Y, ds.Meta.LabelValues)
	fmt.Println(ds.X[3:6]) // node 2 (0-based 1): label 1, one-hot
	// Output:
	// 2 5 4 3 [0 1] [-1 1]
	// [0 1 0]
}

func ExampleErricaSplits() {
	y := make([]int32, 100)
	for i := range y {
		y[i] = int32(i % 2)
	}
	s, err := datasets.ErricaSplits("toy", y, 0)
	if err != nil {
		log.Fatal(err)
	}
	dir, _ := os.MkdirTemp("", "splits")
	defer os.RemoveAll(dir)
	if err := datasets.WriteSplits(filepath.Join(dir, "toy.json"), s); err != nil {
		log.Fatal(err)
	}
	back, err := datasets.ReadSplits(filepath.Join(dir, "toy.json"))
	if err != nil {
		log.Fatal(err)
	}
	f := back.Folds[0]
	fmt.Println(back.K, len(f.Train), len(f.Val), len(f.Test))
	// Output: 10 80 10 10
}

func ExampleLoad() {
	dir, _ := os.MkdirTemp("", "empty")
	defer os.RemoveAll(dir)
	_, err := datasets.Load("cora", dir)
	fmt.Println(errors.Is(err, datasets.ErrMissing))
	// Output: true
}

func ExampleReadGML() {
	dir, _ := os.MkdirTemp("", "gml")
	defer os.RemoveAll(dir)
	p := filepath.Join(dir, "g.gml")
	os.WriteFile(p, []byte("graph [\n node [ id 1 ]\n node [ id 2 ]\n node [ id 3 ]\n edge [ source 1 target 2 ]\n edge [ source 2 target 3 ]\n]\n"), 0o644)
	ds, err := datasets.ReadGML(p)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(ds.Graph.NumNodes(), ds.Graph.NumEdges(), ds.Graph.Degree(1), ds.IDs)
	// Output: 3 2 2 [1 2 3]
}
