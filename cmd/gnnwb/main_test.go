package main

import (
	"bytes"
	"context"
	"runtime"
	"strings"
	"testing"

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
