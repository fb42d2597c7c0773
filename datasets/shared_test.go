package datasets

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedDir returns the shared datasets folder (GNNWB_SHARED, else a
// "shared/datasets" found beside an ancestor of the working directory), or
// skips the test with a message saying where it was looked for.
func sharedDir(t testing.TB) string {
	t.Helper()
	if d := os.Getenv("GNNWB_SHARED"); d != "" {
		if st, err := os.Stat(filepath.Join(d, "datasets")); err == nil && st.IsDir() {
			return filepath.Join(d, "datasets")
		}
		if st, err := os.Stat(d); err == nil && st.IsDir() {
			return d
		}
	}
	wd, err := os.Getwd()
	if err != nil {
		t.Skipf("shared datasets not found: %v", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(filepath.Dir(d), "shared", "datasets")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	t.Skipf("shared datasets folder not found (looked for ../shared/datasets beside an ancestor of %s; set GNNWB_SHARED)", wd)
	return ""
}

// needFile skips when path is absent.
func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (see PROVENANCE.md); skipping", path)
	}
}
