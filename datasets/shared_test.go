package datasets

import (
	"os"
	"testing"

	"github.com/gnnwb/gnnwb/internal/shared"
)

// sharedDir returns the shared datasets folder (GNNWB_SHARED, else a
// "shared/datasets" found beside an ancestor of the working directory), or
// skips the test with a message saying where it was looked for.
func sharedDir(t testing.TB) string {
	t.Helper()
	d, err := shared.Datasets()
	if err != nil {
		t.Skip(err)
	}
	return d
}

// needFile skips when path is absent.
func needFile(t testing.TB, path string) {
	t.Helper()
	if _, err := os.Stat(path); err != nil {
		t.Skipf("%s is absent (see PROVENANCE.md); skipping", path)
	}
}
