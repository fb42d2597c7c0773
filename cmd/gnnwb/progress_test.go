package main

import (
	"bytes"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressSilent(t *testing.T) {
	var buf bytes.Buffer
	p := startProgress(&buf, "job", progressSilent, time.Now(), 0, time.Millisecond)
	p.Update(1, 2)
	p.Phase("writing")
	p.Done()
	var nilBar *progressBar
	nilBar.Update(1, 2)
	nilBar.Done()
	if buf.Len() != 0 {
		t.Fatalf("a silent reporter wrote %q", buf.String())
	}
}

// TestProgressQuick: work that ends before the first report says nothing,
// on a terminal and in a log.
func TestProgressQuick(t *testing.T) {
	for _, mode := range []progressMode{progressDraw, progressLog} {
		var buf bytes.Buffer
		p := startProgress(&buf, "job", mode, time.Now(), time.Minute, time.Minute)
		p.Update(1, 2)
		p.Done()
		if buf.Len() != 0 {
			t.Fatalf("mode %d: quick work wrote %q", mode, buf.String())
		}
	}
}

func TestProgressDraw(t *testing.T) {
	var buf bytes.Buffer
	p := &progressBar{w: &buf, label: "job", mode: progressDraw, start: time.Now().Add(-3 * time.Second)}
	p.Update(5, 10)
	p.report()
	if s := buf.String(); !strings.HasPrefix(s, "\rjob [===============               ]  50%") || strings.Contains(s, "\n") {
		t.Fatalf("bar at half: %q", s)
	}
	buf.Reset()
	p.Phase("writing")
	p.report()
	if s := buf.String(); !strings.Contains(s, "job: writing") {
		t.Fatalf("phase: %q", s)
	}
}

// TestProgressETA: the time left is estimated from the units reported since
// the first Update, so a slow start (a limit solved before the first cell)
// does not inflate it, and there is no estimate before a second unit.
func TestProgressETA(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progressBar{label: "sweep", mode: progressLog, start: start}
	// 60 s of set-up, then one cell per second.
	p.first, p.firstDone, p.done, p.total = start.Add(60*time.Second), 1, 1, 100
	if s := p.status(start.Add(60 * time.Second)); strings.Contains(s, "eta") {
		t.Fatalf("an estimate from one unit: %q", s)
	}
	p.done = 11
	s := p.status(start.Add(70 * time.Second))
	for _, want := range []string{"sweep: 11/100 done (11%)", "1m10s elapsed", "1.00/s", "eta 1m29s"} {
		if !strings.Contains(s, want) {
			t.Fatalf("status %q lacks %q", s, want)
		}
	}
	p.done = 100
	if s := p.status(start.Add(160 * time.Second)); strings.Contains(s, "eta") {
		t.Fatalf("an estimate when done: %q", s)
	}
}

// TestProgressLog: off a terminal, long work writes whole lines (never a
// carriage return) at most every progressLogEvery, and one when it ends.
func TestProgressLog(t *testing.T) {
	var buf syncBuffer
	p := startProgress(&buf, "job", progressLog, time.Now(), 10*time.Millisecond, 10*time.Millisecond) // as if 10 s had passed
	p.Update(1, 4)
	time.Sleep(60 * time.Millisecond)
	p.Update(2, 4)
	p.Done()
	s := buf.String()
	if strings.Contains(s, "\r") || !strings.HasPrefix(s, "gnnwb: job: ") || !strings.HasSuffix(s, "\n") || !strings.Contains(s, "gnnwb: job: ended after") {
		t.Fatalf("log: %q", s)
	}
}

// TestQuietVersionCompletion: the global flags and the completion command.
func TestQuietVersionCompletion(t *testing.T) {
	if code, out, _ := gnnwb(t, "--version"); code != 0 || !strings.HasPrefix(out, "gnnwb version ") {
		t.Fatalf("--version: %d %q", code, out)
	}
	if code, out, errs := gnnwb(t, "--quiet", "generate", "er", "--nodes", "10", "--p", "0.2"); code != 0 || errs != "" || !strings.Contains(out, "# Nodes: 10") {
		t.Fatalf("--quiet generate: %d %q %q", code, out, errs)
	}
	for _, shell := range []string{"bash", "zsh", "fish"} {
		if code, out, _ := gnnwb(t, "completion", shell); code != 0 || !strings.Contains(out, "gnnwb") {
			t.Fatalf("completion %s: %d %q", shell, code, out)
		}
	}
	if code, _, errs := gnnwb(t, "completion", "tcsh"); code != 2 || !strings.Contains(errs, `"tcsh"`) {
		t.Fatalf("completion tcsh: %d %q", code, errs)
	}
	// urfave/cli reads the word before the cursor from os.Args, as the
	// shell passes it.
	for _, tc := range []struct{ args, want string }{
		{"limits --generate-bash-completion", "sweep\n"},
		{"limits sweep --wid --generate-bash-completion", "--widths\n"},
	} {
		args := strings.Fields(tc.args)
		old := os.Args
		os.Args = append([]string{"gnnwb"}, args...)
		code, out, _ := gnnwb(t, args...)
		os.Args = old
		if code != 0 || !strings.Contains(out, tc.want) {
			t.Fatalf("completion words of %q: %d %q", tc.args, code, out)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the reporter's goroutine.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestProgressWork: a reporter of estimated work shows the fraction, not
// the units.
func TestProgressWork(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p := &progressBar{label: "limits sweep", mode: progressLog, start: start, work: true}
	p.Update(1000, 4000)
	p.Update(2000, 4000)
	p.first = start.Add(10 * time.Second)
	s := p.status(start.Add(20 * time.Second))
	if want := "limits sweep: 50% done, 20s elapsed eta 20s"; s != want {
		t.Fatalf("status %q, want %q", s, want)
	}
}

// TestProgressPrintln: a run's result goes to a log at once, never over a
// terminal's bar nor under --quiet.
func TestProgressPrintln(t *testing.T) {
	for _, tc := range []struct {
		mode progressMode
		want string
	}{{progressLog, "gnnwb: run 1/2: done\n"}, {progressDraw, ""}, {progressSilent, ""}} {
		var buf bytes.Buffer
		p := &progressBar{w: &buf, mode: tc.mode}
		p.Println("run 1/2: done")
		if buf.String() != tc.want {
			t.Errorf("mode %d: %q, want %q", tc.mode, buf.String(), tc.want)
		}
	}
}
