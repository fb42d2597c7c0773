// Package dataroot finds the data root for tests that read real data sets,
// so that they use the same folder as the command line and skip with a clear
// message when it is absent.
//
// The data root is the folder datasets.Root resolves and `gnnwb datasets
// fetch` fills (planetoid/raw/..., tu/<DS>/..., and so on, see the datasets
// package). Tests read it from the same variable as the command line,
// GNNWB_DATA; without it they look for the datasets folder of a directory
// named shared beside the working directory or one of its ancestors, which
// is how continuous integration provides the data.
package dataroot

import (
	"fmt"
	"os"
	"path/filepath"
)

// Env is the environment variable that names the data root, for the tests
// as for the command line (datasets.Root).
const Env = "GNNWB_DATA"

// fallback is the data root looked for beside the working directory and
// each of its ancestors when Env is unset.
var fallback = filepath.Join("shared", "datasets")

// Find returns the data root: $GNNWB_DATA when that variable is set (it must
// be a directory), else the first fallback folder found beside the working
// directory or one of its ancestors. The error says which variable to set
// and where Find looked.
func Find() (string, error) {
	if d := os.Getenv(Env); d != "" {
		if st, err := os.Stat(d); err != nil || !st.IsDir() {
			return "", fmt.Errorf("%s=%s is not a directory; set %s to the data root (the folder `gnnwb datasets fetch` fills)", Env, d, Env)
		}
		return d, nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("data root not found (set %s to the data root): %w", Env, err)
	}
	for d := wd; ; d = filepath.Dir(d) {
		c := filepath.Join(filepath.Dir(d), fallback)
		if st, err := os.Stat(c); err == nil && st.IsDir() {
			return c, nil
		}
		if filepath.Dir(d) == d {
			break
		}
	}
	return "", fmt.Errorf("data root not found: set %s to the data root (the folder `gnnwb datasets fetch` fills); without it the tests look for %s beside %s and its ancestors", Env, fallback, wd)
}
