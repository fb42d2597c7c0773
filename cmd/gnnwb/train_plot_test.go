package main

import (
	"bytes"
	"encoding/json"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTrainHistory checks --history (the per-epoch history in the JSON
// report, only when asked) and --plot (a non-empty PNG or SVG).
func TestTrainHistory(t *testing.T) {
	tu := tinyTU(t)
	for _, tc := range []struct {
		name    string
		history bool
		plot    string // extension, or ""
		extra   []string
	}{
		{"neither", false, "", nil},
		{"history", true, "", nil},
		{"plot png", false, "png", nil},
		{"history and plot svg", true, "svg", nil},
		{"regression", true, "png", []string{"--task", "regression", "--targets", tinyTUTargets(t, 16)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			out, plot := filepath.Join(dir, "r.json"), filepath.Join(dir, "h."+tc.plot)
			args := []string{"train", "--dataset", "mutag", "--root", tu, "--model", "gin", "--folds", "2", "--epochs", "4", "--width", "8", "--out", out}
			if tc.history {
				args = append(args, "--history")
			}
			if tc.plot != "" {
				args = append(args, "--plot", plot)
			}
			code, _, stderr := gnnwb(t, append(args, tc.extra...)...)
			if code != 0 {
				t.Fatalf("code %d, %s", code, stderr)
			}
			b, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			var rep struct {
				Summary struct {
					Runs []struct {
						Epochs  int
						History []map[string]any
					}
				}
			}
			if err := json.Unmarshal(b, &rep); err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(b), `"history"`) != tc.history {
				t.Fatalf("history in the report: %v, want %v", strings.Contains(string(b), `"history"`), tc.history)
			}
			for k, r := range rep.Summary.Runs {
				if !tc.history {
					continue
				}
				if len(r.History) != r.Epochs {
					t.Fatalf("run %d: %d epochs in the history, %d run", k, len(r.History), r.Epochs)
				}
				for e, h := range r.History {
					_, acc := h["test_acc"]
					if h["epoch"] != float64(e) || h["train_loss"] == nil || h["val_metric"] == nil || acc == (len(tc.extra) > 0) {
						t.Fatalf("run %d epoch %d: %v", k, e, h)
					}
				}
			}
			switch tc.plot {
			case "png":
				f, err := os.ReadFile(plot)
				if err != nil {
					t.Fatal(err)
				}
				img, err := png.Decode(bytes.NewReader(f))
				if err != nil || img.Bounds().Dx() < 100 || img.Bounds().Dy() < 100 {
					t.Fatalf("PNG of %d bytes: %v", len(f), err)
				}
			case "svg":
				f, err := os.ReadFile(plot)
				if err != nil || !bytes.Contains(f, []byte("<svg")) || !bytes.Contains(f, []byte("epoch")) {
					t.Fatalf("SVG of %d bytes: %v", len(f), err)
				}
			}
		})
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"history without --out", []string{"--history"}, "give --out FILE.json"},
		{"history with CSV", []string{"--history", "--out", filepath.Join(t.TempDir(), "r.csv")}, "give --out FILE.json"},
		{"plot extension", []string{"--plot", filepath.Join(t.TempDir(), "h.jpg")}, `--plot=`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := gnnwb(t, append([]string{"train", "--dataset", "mutag", "--root", tu, "--epochs", "1"}, tc.args...)...)
			if code != 2 || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("code %d, stderr %q, want one line with %q", code, stderr, tc.want)
			}
		})
	}
}
