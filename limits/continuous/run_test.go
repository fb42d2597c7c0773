package continuous

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestRunKeriven: RunKeriven writes the two figures and the JSON of the
// result it returns into a directory it creates; an invalid configuration
// writes nothing.
func TestRunKeriven(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	cfg := KerivenConfig{Sizes: []int{40, 80}, Exponents: []float64{0}, Reps: 2, Panels: 2, Seed: 3}
	res, err := RunKeriven(context.Background(), cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"keriven_node.png", "keriven_readout.png"} {
		if st, err := os.Stat(filepath.Join(dir, f)); err != nil || st.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	data, err := os.ReadFile(filepath.Join(dir, "keriven.json"))
	if err != nil {
		t.Fatal(err)
	}
	want, _ := json.MarshalIndent(res, "", " ")
	if string(data) != string(want)+"\n" {
		t.Errorf("keriven.json is not the returned result:\n%s", data)
	}
	empty := filepath.Join(t.TempDir(), "none")
	cfg.Sizes = []int{40}
	if _, err := RunKeriven(context.Background(), cfg, empty); !errors.Is(err, graphs.ErrParameter) {
		t.Errorf("one size: %v", err)
	}
	if _, err := os.Stat(empty); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("invalid config created %s: %v", empty, err)
	}
}
