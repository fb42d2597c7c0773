package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long work runs before a bar appears: quick commands
// print nothing.
const progressDelay = time.Second

// isTerminal reports whether w is a terminal (an *os.File on a tty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressBar draws a one-line bar on w for work measured in units of
// total, once the work has run for progressDelay, and only when w is a
// terminal. Its Update method is a library Progress callback; Done clears
// the line. A nil *progressBar is valid and draws nothing.
type progressBar struct {
	w       io.Writer
	label   string
	start   time.Time
	last    time.Time
	drawn   bool
	enabled bool
}

// newProgress returns a bar for label on w, or one that stays silent when w
// is not a terminal.
func newProgress(w io.Writer, label string) *progressBar {
	return &progressBar{w: w, label: label, start: time.Now(), enabled: isTerminal(w)}
}

// Update is called with the work done so far out of total.
func (p *progressBar) Update(done, total int64) {
	if p == nil || !p.enabled {
		return
	}
	now := time.Now()
	if now.Sub(p.start) < progressDelay || (p.drawn && now.Sub(p.last) < 100*time.Millisecond && done < total) {
		return
	}
	p.last, p.drawn = now, true
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	frac = min(max(frac, 0), 1)
	const width = 30
	full := int(frac * width)
	elapsed := now.Sub(p.start).Round(100 * time.Millisecond)
	eta := ""
	if frac > 0 && frac < 1 {
		rest := time.Duration(float64(now.Sub(p.start)) * (1 - frac) / frac).Round(time.Second)
		eta = fmt.Sprintf(" eta %v", rest)
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %v%s\x1b[K", p.label, strings.Repeat("=", full), strings.Repeat(" ", width-full), 100*frac, elapsed, eta)
}

// Done erases the bar if one was drawn.
func (p *progressBar) Done() {
	if p != nil && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
