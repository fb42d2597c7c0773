package datasets

import (
	"path/filepath"
	"testing"
)

// Loading benchmarks; the peer is bench/peers/load_peers.py (PyG's reading
// with numpy/scipy). Run once with -benchtime=1x for a smoke test.

func BenchmarkLoadPlanetoid(b *testing.B) {
	dir := filepath.Join(sharedDir(b), "planetoid", "raw")
	for _, name := range []string{"cora", "citeseer", "pubmed"} {
		b.Run(name, func(b *testing.B) {
			needFile(b, filepath.Join(dir, "ind."+name+".allx"))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadPlanetoid(dir, name); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkLoadTU(b *testing.B) {
	root := sharedDir(b)
	for _, name := range []string{"PROTEINS"} {
		b.Run(name, func(b *testing.B) {
			dir := filepath.Join(root, "tu", name)
			needFile(b, filepath.Join(dir, name+"_A.txt"))
			b.ReportAllocs()
			for b.Loop() {
				if _, err := ReadTU(dir, name, TUOptions{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
