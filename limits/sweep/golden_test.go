package sweep_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/gnnwb/gnnwb/limits/sweep"
)

// seconds matches the wall-clock fields of the cell files and timing.json,
// the only files of a sweep that are not deterministic.
var seconds = regexp.MustCompile(`("(?:cell_)?seconds": )[-+0-9.eE]+`)

// TestSweepGolden runs the tiny sweeps of testdata/golden/*.yaml (fit and
// PNG and SVG plots included) and checks every output file, byte for byte
// (wall-clock seconds set to 0), against the SHA-256 digests in
// testdata/golden/sha256, which were written by the code of commit c925177
// from the same configurations, except summary.json and timing.json: the
// wall-clock cell_seconds moved from the first to the second, and the new
// summary.json digests are those of c925177's files with that line removed
// (checked by running both builds on these configurations). The prediction
// of the mean-field error then added default/prediction_meanfield.json and
// changed default/summary.json and default/fits.json only by their new
// "prediction" key (with it removed they have the former digests) and the
// rate_N_meanfield_fun figures, which draw it. The figures' digests are
// those of the code that last changed how figures are drawn
// (one-column, 300 dpi, a sequential heat map with a colour bar): pixels have
// no independent oracle, so `go test -run TestSweepGolden -golden.update`
// rewrites the digests of the .png and .svg files only, after the new
// figures have been looked at. Skipped off amd64: other architectures may
// fuse multiply-adds and change the last bits.
func TestSweepGolden(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("golden digests are for amd64")
	}
	want := map[string]string{}
	f, err := os.Open(filepath.Join("testdata", "golden", "sha256"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("sha256: bad line %q", sc.Text())
		}
		want[name] = sum
	}
	root := t.TempDir()
	for _, name := range []string{"default", "sbm"} {
		cfg, err := os.ReadFile(filepath.Join("testdata", "golden", name+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		w, err := sweep.Decode(strings.NewReader(string(cfg)))
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(root, name)
		if _, err := sweep.Run(context.Background(), w, dir, sweep.Options{}); err != nil {
			t.Fatal(err)
		}
		if _, err := sweep.Fit(dir); err != nil {
			t.Fatal(err)
		}
		if _, err := sweep.Plot(dir, []string{"png", "svg"}); err != nil {
			t.Fatal(err)
		}
	}
	have := map[string]bool{}
	isFigure := func(name string) bool { return strings.HasSuffix(name, ".png") || strings.HasSuffix(name, ".svg") }
	err = filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		// A cell's checksum line is a function of the rest, which has
		// the wall-clock seconds: the golden digest is of the rest.
		if i := bytes.Index(data, []byte("\n# gnnwb sweep cell v2 sha256 ")); i >= 0 {
			data = data[:i+1]
		}
		data = seconds.ReplaceAll(data, []byte("${1}0"))
		sum := sha256.Sum256(data)
		have[rel] = true
		if *updateFigures && isFigure(rel) {
			want[rel] = hex.EncodeToString(sum[:])
			return nil
		}
		if w, ok := want[rel]; !ok {
			t.Errorf("%s: not in the golden outputs", rel)
		} else if got := hex.EncodeToString(sum[:]); got != w {
			t.Errorf("%s: sha256 %s, want %s", rel, got, w)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for name := range want {
		if !have[name] {
			t.Errorf("%s: not written", name)
		}
	}
	if *updateFigures && !t.Failed() {
		names := make([]string, 0, len(want))
		for name := range want {
			names = append(names, name)
		}
		sort.Strings(names)
		var b strings.Builder
		for _, name := range names {
			b.WriteString(want[name] + "  " + name + "\n")
		}
		if err := os.WriteFile(filepath.Join("testdata", "golden", "sha256"), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

var updateFigures = flag.Bool("golden.update", false, "rewrite the golden digests of the sweep's figures (.png, .svg)")
