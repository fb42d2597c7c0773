// Package shared finds the project's shared benchmark data sets
// (../shared/datasets beside the checkout), for tests that read real graphs
// and must skip with a clear message when they are absent.
package shared

import (
	"fmt"
	"os"
	"path/filepath"
)

// Datasets returns the shared datasets folder: $GNNWB_SHARED/datasets or
// $GNNWB_SHARED itself when that variable is set, else the first
// "shared/datasets" beside an ancestor of the working directory. The error
// says where it looked.
func Datasets() (string, error) {
	if d := os.Getenv("GNNWB_SHARED"); d != "" {
		for _, c := range []string{filepath.Join(d, "datasets"), d} {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				return c, nil
			}
		}
		return "", fmt.Errorf("GNNWB_SHARED=%s has no datasets folder", d)
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("shared datasets not found: %w", err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(filepath.Dir(d), "shared", "datasets")
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("shared datasets folder not found (looked for ../shared/datasets beside an ancestor of %s; set GNNWB_SHARED)", wd)
}
