package sweep

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gnnwb/gnnwb/graphs"
)

// TestReport: the page of a small sweep holds its grid, problem, solver
// check, every fitted slope and every PNG figure, inlined (no reference to a
// file or the network); it is made from the cells alone (fits and figures
// drawn on the way) and is the same bytes when made again.
func TestReport(t *testing.T) {
	w := smallSweep()
	dir := filepath.Join(t.TempDir(), "sw")
	if _, err := Run(context.Background(), w, dir, Options{}); err != nil {
		t.Fatal(err)
	}
	path, err := Report(dir)
	if err != nil {
		t.Fatal(err)
	}
	page := readFile(t, path)
	pngs, _ := filepath.Glob(filepath.Join(dir, "*.png"))
	if len(pngs) == 0 {
		t.Fatal("no figures drawn")
	}
	if got := bytes.Count(page, []byte(`<img src="data:image/png;base64,`)); got != len(pngs) {
		t.Errorf("%d inlined figures, %d PNG files", got, len(pngs))
	}
	if m := regexp.MustCompile(`(src|href)="(http|file|/)`).Find(page); m != nil {
		t.Errorf("the page refers outside itself: %s", m)
	}
	f, err := Fit(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<td class=\"l\">40, 80</td>", "<td class=\"l\">8, 16</td>", `&#34;graphon&#34;: &#34;exponential&#34;`, "particles M=64"} {
		if !bytes.Contains(page, []byte(want)) {
			t.Errorf("the page lacks %q", want)
		}
	}
	for _, a := range f.Axis {
		if a.Err != "" {
			continue
		}
		if row := fmt.Sprintf("<td>%.3f</td><td>[%.3f, %.3f]</td>", a.Slope, a.SlopeLo, a.SlopeHi); !bytes.Contains(page, []byte(row)) {
			t.Errorf("the page lacks the fit %s %s along %s at %d: %s", a.Limit, a.Kind, a.Axis, a.Fixed, row)
		}
	}
	if _, err := Report(dir); err != nil {
		t.Fatal(err)
	}
	if again := readFile(t, path); !bytes.Equal(again, page) {
		t.Error("a second report differs")
	}

	t.Run("chromium", func(t *testing.T) {
		var browser string
		for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
			if p, err := exec.LookPath(name); err == nil {
				browser = p
				break
			}
		}
		if browser == "" {
			t.Skip("no Chromium on PATH (chromium, chromium-browser, google-chrome): the page is not checked in a browser")
		}
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000",
			"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+path)
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("%s: %v", browser, err)
		}
		want := fmt.Sprintf(`data-figures="%d" data-figures-decoded="%d"`, len(pngs), len(pngs))
		if !strings.Contains(string(out), want) {
			body := regexp.MustCompile(`<body[^>]*>`).Find(out)
			t.Fatalf("Chromium decoded: %s, want %s", body, want)
		}
	})
}

// TestReportErrors: a summary that does not parse is a ParseError naming the
// file; a directory without a sweep is an error, not an empty page.
func TestReportErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := Report(dir); err == nil {
		t.Error("a report of an empty directory")
	}
	if err := os.WriteFile(filepath.Join(dir, SummaryFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	var pe *graphs.ParseError
	if _, err := Report(dir); !errors.As(err, &pe) || !strings.Contains(err.Error(), SummaryFile) {
		t.Errorf("a broken summary: %v", err)
	}
}
