package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

func TestGenerateThenStats(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "er.txt")
	code, stdout, stderr := gnnwb(t, "generate", "er", "--nodes", "200", "--p", "0.05", "--seed", "3", "--out", file)
	if code != 0 || stdout != "" || stderr != "" {
		t.Fatalf("generate: code %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	g, err := graphs.ReadEdgeList(file, graphs.EdgeListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if g.NumNodes() != 200 {
		t.Fatalf("nodes = %d, want 200", g.NumNodes())
	}
	// The same seed to stdout gives the same bytes as the file.
	code, stdout, _ = gnnwb(t, "generate", "er", "--nodes", "200", "--p", "0.05", "--seed", "3")
	want, _ := os.ReadFile(file)
	if code != 0 || stdout != string(want) {
		t.Fatalf("stdout differs from --out file (code %d)", code)
	}
	code, stdout, stderr = gnnwb(t, "stats", "--json", file)
	if code != 0 {
		t.Fatalf("stats: code %d: %s", code, stderr)
	}
	var s struct {
		Nodes, Edges, Components int
		Triangles                int64
		Clustering               float64
		Degree                   struct {
			Min, Max int
			Mean     float64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &s); err != nil {
		t.Fatalf("stats --json output %q: %v", stdout, err)
	}
	tri, _ := graphs.Triangles(g)
	if s.Nodes != 200 || s.Edges != g.NumEdges() || s.Triangles != tri || s.Degree.Mean != float64(2*g.NumEdges())/200 {
		t.Fatalf("stats = %+v, graph has %d edges, %d triangles", s, g.NumEdges(), tri)
	}
	code, stdout, _ = gnnwb(t, "stats", file)
	if code != 0 || !strings.Contains(stdout, "triangles") {
		t.Fatalf("stats text: code %d, %q", code, stdout)
	}
}

func TestGenerateEveryModel(t *testing.T) {
	dir := t.TempDir()
	weights := filepath.Join(dir, "w.txt")
	if err := os.WriteFile(weights, []byte("# expected degrees\n3\n1\n2\n2\n4\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		args  []string
		nodes int
	}{
		{"er avg degree", []string{"er", "--nodes", "50", "--avg-degree", "4"}, 50},
		{"er old spelling --n", []string{"er", "--n", "50", "--avg-degree", "4"}, 50},
		{"gnm", []string{"gnm", "--nodes", "30", "--m", "40"}, 30},
		{"sbm", []string{"sbm", "--sizes", "20,30", "--probs", "0.3,0.05;0.05,0.2"}, 50},
		{"graphon", []string{"graphon", "--nodes", "40", "--graphon", "exponential", "--rho", "0.5"}, 40},
		{"graphon sbm", []string{"graphon", "--nodes", "40", "--graphon", "sbm:0.5,0.5:0.6,0.1;0.1,0.6"}, 40},
		{"graphon weighted", []string{"graphon", "--nodes", "10", "--graphon", "product", "--weighted"}, 10},
		{"chunglu", []string{"chunglu", "--weights", weights}, 5},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_"))
			code, _, stderr := gnnwb(t, append(append([]string{"generate"}, tt.args...), "--out", out)...)
			if code != 0 {
				t.Fatalf("code %d: %s", code, stderr)
			}
			g, err := graphs.ReadEdgeList(out, graphs.EdgeListOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if g.NumNodes() != tt.nodes {
				t.Fatalf("nodes = %d, want %d", g.NumNodes(), tt.nodes)
			}
			if tt.name == "gnm" && g.NumEdges() != 40 {
				t.Fatalf("gnm edges = %d, want 40", g.NumEdges())
			}
		})
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
		want string // in the one stderr line
	}{
		{"unknown flag", []string{"generate", "er", "--nodes", "10", "--p", "0.1", "--bogus", "1"}, "bogus"},
		{"bad number", []string{"generate", "er", "--nodes", "ten", "--p", "0.1"}, "ten"},
		{"p above one", []string{"generate", "er", "--nodes", "10", "--p", "1.5"}, "1.5"},
		{"p NaN", []string{"generate", "er", "--nodes", "10", "--p", "NaN"}, "NaN"},
		{"negative n", []string{"generate", "er", "--nodes", "-4", "--p", "0.1"}, "-4"},
		{"missing n", []string{"generate", "er", "--p", "0.1"}, "--nodes is required"},
		{"nodes and n", []string{"generate", "er", "--nodes", "10", "--n", "10", "--p", "0.1"}, "not both"},
		{"too many edges", []string{"generate", "gnm", "--nodes", "4", "--m", "7"}, "7"},
		{"bad probs", []string{"generate", "sbm", "--sizes", "2,2", "--probs", "0.1,x;0.1,0.1"}, "x"},
		{"asymmetric probs", []string{"generate", "sbm", "--sizes", "2,2", "--probs", "0.1,0.2;0.3,0.1"}, "symmetric"},
		{"unknown graphon", []string{"generate", "graphon", "--nodes", "5", "--graphon", "nosuch"}, "nosuch"},
		{"rho above one", []string{"generate", "graphon", "--nodes", "5", "--graphon", "product", "--rho", "1.5"}, "rho"},
		{"unknown command", []string{"generate", "nosuch"}, "nosuch"},
		{"stats no file", []string{"stats"}, "FILE"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out.txt")
			code, stdout, stderr := gnnwb(t, append(tt.args, "--out", out)...)
			if tt.name == "stats no file" {
				code, stdout, stderr = gnnwb(t, tt.args...)
			}
			if code != 2 {
				t.Fatalf("code = %d, want 2 (stderr %q)", code, stderr)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("stderr = %q, want one line naming %q", stderr, tt.want)
			}
			if stdout != "" {
				t.Fatalf("stdout = %q, want nothing", stdout)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Fatalf("--out file was written")
			}
		})
	}
}

func TestHelpStatesDefaultSeed(t *testing.T) {
	code, stdout, _ := gnnwb(t, "generate", "er", "--help")
	if code != 0 || !strings.Contains(stdout, "--seed value") || !strings.Contains(stdout, "(default: 1)") {
		t.Fatalf("help (code %d) does not state the default seed:\n%s", code, stdout)
	}
}
