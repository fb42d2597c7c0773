package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/gnnwb/gnnwb/internal/parallel"
)

// TestInternalError: a panic, in the command's goroutine or in a worker of
// internal/parallel, is one line on stderr naming an internal error and
// exit status 3, not a runtime trace.
func TestInternalError(t *testing.T) {
	old := runtime.GOMAXPROCS(2)
	defer runtime.GOMAXPROCS(old)
	for _, tc := range []struct {
		name   string
		action func(*cli.Context) error
	}{
		{"direct", func(*cli.Context) error { panic("index out of range [3] with length 3") }},
		{"worker", func(*cli.Context) error {
			parallel.For(8, func(c int) {
				if c == 6 {
					var s []int
					_ = s[c]
				}
			})
			return nil
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			app := newApp(&out, &errb)
			app.Commands = append(app.Commands, &cli.Command{Name: "boom", Action: tc.action})
			code := runApp(context.Background(), app, []string{"gnnwb", "boom"}, &errb)
			msg := errb.String()
			if code != exitInternal || !strings.HasPrefix(msg, "gnnwb: internal error") || strings.Count(msg, "\n") != 1 || strings.Contains(msg, "goroutine") {
				t.Fatalf("code %d, stderr %q", code, msg)
			}
		})
	}
}

// TestFlagsFirst: flags after positional arguments are read as flags, with
// their values; "--" and completion requests are left alone.
func TestFlagsFirst(t *testing.T) {
	app := newApp(&bytes.Buffer{}, &bytes.Buffer{})
	for _, tc := range []struct{ in, want string }{
		{"gnnwb stats g.txt --json", "gnnwb stats --json g.txt"},
		{"gnnwb stats g.txt --directed=true --json", "gnnwb stats --directed=true --json g.txt"},
		{"gnnwb limits plot DIR --formats png", "gnnwb limits plot --formats png DIR"},
		{"gnnwb -q limits plot DIR --formats=svg", "gnnwb -q limits plot --formats=svg DIR"},
		{"gnnwb datasets info cora --json --root /data", "gnnwb datasets info --json --root /data cora"},
		{"gnnwb online --alpha -1 --graphon exponential", "gnnwb online --alpha -1 --graphon exponential"},
		{"gnnwb stats -- --weird-name --json", "gnnwb stats -- --weird-name --json"},
		{"gnnwb stats g.txt --nope x", "gnnwb stats --nope g.txt x"},
		{"gnnwb limits plot DIR --formats", "gnnwb limits plot --formats DIR"},
		{"gnnwb limits DIR --formats png", "gnnwb limits DIR --formats png"},
		{"gnnwb stats g.txt --generate-bash-completion", "gnnwb stats g.txt --generate-bash-completion"},
	} {
		if got := strings.Join(flagsFirst(app, strings.Fields(tc.in)), " "); got != tc.want {
			t.Errorf("%s\n  gives %s\n  want  %s", tc.in, got, tc.want)
		}
	}
}

// TestUserMessage: an error is one line for a user, "gnnwb WORDS: what",
// without the library's package and function prefixes or its kind.
func TestUserMessage(t *testing.T) {
	for _, tc := range []struct {
		words, err, want string
	}{
		{"limits solve", "limits: Problem: --rho=2 not in (0,1]: invalid parameter", "gnnwb limits solve: --rho=2 not in (0,1]"},
		{"generate er", "generate er: generators: ErdosRenyi: --nodes=-5 is negative: invalid parameter", "gnnwb generate er: --nodes=-5 is negative"},
		{"limits width", "fluctuation: Constant.Width: --tol=0 not a finite number > 0: invalid parameter", "gnnwb limits width: --tol=0 not a finite number > 0"},
		{"train", "train: datasets: Load cora: /d/x is missing\nrun fetch", "gnnwb train: /d/x is missing run fetch"},
		{"stats", "g.txt:3: bad line", "gnnwb stats: g.txt:3: bad line"},
		{"", "unknown command \"nope\"", "gnnwb: unknown command \"nope\""},
	} {
		if got := userMessage(tc.words, errors.New(tc.err)); got != tc.want {
			t.Errorf("%q: %q, want %q", tc.err, got, tc.want)
		}
	}
}

// TestOutputDirMissing: an output file in a directory that does not exist
// is refused before any work (exit 2, one line naming the flag), by every
// command that writes one; a command whose --out is a directory creates it.
func TestOutputDirMissing(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "no", "such")
	for _, args := range [][]string{
		{"generate", "er", "--nodes", "10", "--p", "0.1", "--out", filepath.Join(missing, "g.txt")},
		{"online", "--graphon", "exponential", "--out", filepath.Join(missing, "o.json")},
		{"limits", "solve", "--out", filepath.Join(missing, "l.csv")},
		{"limits", "walk", "--out", filepath.Join(missing, "w.csv")},
		{"limits", "collapse", "--out", filepath.Join(missing, "c.png")},
		{"train", "--generate", "sbm:10,10:0.3,0.05;0.05,0.3", "--plot", filepath.Join(missing, "p.png")},
		{"train", "--generate", "sbm:10,10:0.3,0.05;0.05,0.3", "--save-model", filepath.Join(missing, "m.gnnwb")},
		{"predict", "--model", "m.gnnwb", "--dataset", "cora", "--embeddings", filepath.Join(missing, "e.csv")},
	} {
		start := time.Now()
		code, _, stderr := gnnwb(t, args...)
		if code != 2 || !strings.Contains(stderr, "does not exist") || strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
			t.Errorf("%v: code %d, stderr %q", args, code, stderr)
		}
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%v: refused after %v, not before the work", args, d)
		}
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("%s was created", missing)
	}
}
