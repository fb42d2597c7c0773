package dataroot

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFind(t *testing.T) {
	root := t.TempDir()
	want := filepath.Join(root, fallback)
	work := filepath.Join(root, "repo", "pkg", "sub")
	own := filepath.Join(root, "data")
	for _, d := range []string{want, work, own} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	t.Chdir(work)
	t.Setenv(Env, "")
	os.Unsetenv(Env)
	if got, err := Find(); err != nil || got != want {
		t.Fatalf("walking up: %q, %v; want %q", got, err, want)
	}
	t.Setenv(Env, own)
	if got, err := Find(); err != nil || got != own {
		t.Fatalf("%s: %q, %v; want %q", Env, got, err, own)
	}
	t.Setenv(Env, filepath.Join(root, "none"))
	if _, err := Find(); err == nil || !strings.Contains(err.Error(), Env) {
		t.Fatalf("a missing %s folder gave %v, want an error naming %s", Env, err, Env)
	}
	os.Unsetenv(Env)
	t.Chdir(t.TempDir()) // no shared folder beside it or its ancestors
	if _, err := Find(); err == nil || !strings.Contains(err.Error(), Env) {
		t.Fatalf("no data root gave %v, want an error naming %s", err, Env)
	}
}
