package shared

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDatasets(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, "shared", "datasets")
	work := filepath.Join(root, "repo", "pkg", "sub")
	for _, d := range []string{want, work} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	t.Setenv("GNNWB_SHARED", "")
	os.Unsetenv("GNNWB_SHARED")
	if got, err := Datasets(); err != nil || got != want {
		t.Fatalf("walking up: %q, %v; want %q", got, err, want)
	}
	t.Setenv("GNNWB_SHARED", filepath.Join(root, "shared"))
	if got, err := Datasets(); err != nil || got != want {
		t.Fatalf("GNNWB_SHARED: %q, %v; want %q", got, err, want)
	}
	t.Setenv("GNNWB_SHARED", filepath.Join(root, "none"))
	if _, err := Datasets(); err == nil {
		t.Fatal("a missing GNNWB_SHARED folder gave no error")
	}
}
