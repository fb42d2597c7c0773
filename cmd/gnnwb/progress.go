package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/urfave/cli/v2"
	"golang.org/x/term"
)

// progressDelay is how long work runs before a bar appears: quick commands
// print nothing.
const progressDelay = time.Second

// progressTick is how often a visible bar is redrawn.
const progressTick = 200 * time.Millisecond

// progressLogEvery is how often a log line is written when stderr is not a
// terminal (a batch job's log, a pipe): at most one line per period.
const progressLogEvery = 10 * time.Second

// isTerminal reports whether w is a terminal (an *os.File on a tty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressMode is how a progressBar reports.
type progressMode int

const (
	progressSilent progressMode = iota // --quiet: nothing
	progressDraw                       // a terminal: a bar redrawn in place
	progressLog                        // anything else: a plain line now and then
)

// progressBar reports the progress of long work on w. On a terminal it
// draws a one-line bar once the work has run for progressDelay; elsewhere
// (a pipe, a file, a batch system's log) it writes a plain line at most
// every progressLogEvery, and a last one when work that logged ends; with
// the global --quiet it says nothing. Update is a library Progress callback
// (done out of total); Phase names a stage whose size is unknown (building,
// writing), shown with the elapsed time; Done stops it. The bar is redrawn by
// its own ticker, so it keeps moving through stages that report nothing.
//
// The estimated time left counts only the work reported so far: it runs from
// the first Update, not from the start, so that what comes before the first
// unit (loading, solving a limit) does not inflate it, and it is shown once
// two units have been reported. A nil *progressBar is valid and says nothing.
type progressBar struct {
	w     io.Writer
	label string
	mode  progressMode
	start time.Time
	every time.Duration // progressTick or progressLogEvery
	delay time.Duration // before the first report
	stop  chan struct{}
	ended sync.WaitGroup

	// work: done and total count estimated work, not items, and only
	// their ratio is shown
	work bool

	mu          sync.Mutex
	phase       string
	done, total int64
	first       time.Time // of the first Update
	firstDone   int64
	drawn       bool // a bar is on the line (draw) or a line was logged (log)
}

// newProgress returns the progress reporter of command c for label, on the
// command's error writer: a bar on a terminal, log lines elsewhere, silence
// under --quiet.
func newProgress(c *cli.Context, label string) *progressBar {
	mode := progressLog
	switch {
	case c.Bool("quiet"):
		mode = progressSilent
	case isTerminal(c.App.ErrWriter):
		mode = progressDraw
	}
	delay, every := progressDelay, progressTick
	if mode == progressLog {
		delay, every = progressLogEvery, progressLogEvery
	}
	return startProgress(c.App.ErrWriter, label, mode, time.Now(), delay, every)
}

// newWorkProgress is newProgress for a library that reports estimated work
// rather than items done (limits/sweep): only the fraction is shown.
func newWorkProgress(c *cli.Context, label string) *progressBar {
	p := newProgress(c, label)
	p.mu.Lock()
	p.work = true
	p.mu.Unlock()
	return p
}

// startProgress starts a reporter that first reports after delay, then
// every period.
func startProgress(w io.Writer, label string, mode progressMode, start time.Time, delay, every time.Duration) *progressBar {
	p := &progressBar{w: w, label: label, mode: mode, start: start, every: every, delay: delay}
	if mode == progressSilent {
		return p
	}
	p.stop = make(chan struct{})
	p.ended.Add(1)
	go p.run()
	return p
}

func (p *progressBar) run() {
	defer p.ended.Done()
	delay := time.NewTimer(p.delay)
	defer delay.Stop()
	select {
	case <-p.stop:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(p.every)
	defer tick.Stop()
	for {
		p.report()
		select {
		case <-p.stop:
			return
		case <-tick.C:
		}
	}
}

// Update records that done units of total are finished.
func (p *progressBar) Update(done, total int64) {
	if p == nil {
		return
	}
	now := time.Now()
	p.mu.Lock()
	if p.first.IsZero() {
		p.first, p.firstDone = now, done
	}
	p.done, p.total, p.phase = done, total, ""
	p.mu.Unlock()
}

// Phase names the current stage when its size is unknown.
func (p *progressBar) Phase(name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.phase = name
	p.mu.Unlock()
}

// Println writes line (and a newline) on the reporter's writer, prefixed
// "gnnwb: ", at once, when it is a log (not a terminal): a result that
// should not wait for the end of a batch job. On a terminal, whose bar
// shows the progress and whose results come at the end, and under --quiet,
// nothing is written.
func (p *progressBar) Println(line string) {
	if p == nil || p.mode != progressLog {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "gnnwb: %s\n", line)
}

// report writes the current state: the bar in place, or one log line.
func (p *progressBar) report() {
	p.mu.Lock()
	defer p.mu.Unlock()
	line := p.status(time.Now())
	if p.mode == progressDraw {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintf(p.w, "gnnwb: %s\n", line)
	}
	p.drawn = true
}

// status is the state at now in words: the bar (on a terminal) or a count,
// then the elapsed time, the rate and the estimated time left.
func (p *progressBar) status(now time.Time) string {
	elapsed := now.Sub(p.start).Round(100 * time.Millisecond)
	if p.mode == progressLog {
		elapsed = elapsed.Round(time.Second)
	}
	if p.phase != "" || p.total <= 0 {
		phase := p.phase
		if phase == "" {
			phase = "working"
		}
		return fmt.Sprintf("%s: %s… %v", p.label, phase, elapsed)
	}
	frac := min(max(float64(p.done)/float64(p.total), 0), 1)
	var b strings.Builder
	if p.mode == progressDraw {
		const width = 30
		full := int(frac * width)
		fmt.Fprintf(&b, "%s [%s%s] %3.0f%% %v", p.label, strings.Repeat("=", full), strings.Repeat(" ", width-full), 100*frac, elapsed)
	} else if p.work {
		fmt.Fprintf(&b, "%s: %.0f%% done, %v elapsed", p.label, 100*frac, elapsed)
	} else {
		fmt.Fprintf(&b, "%s: %d/%d done (%.0f%%), %v elapsed", p.label, p.done, p.total, 100*frac, elapsed)
	}
	if units, span := p.done-p.firstDone, now.Sub(p.first); units > 0 && span > 0 && p.done < p.total {
		rate := float64(units) / span.Seconds()
		left := time.Duration(float64(p.total-p.done) / rate * float64(time.Second)).Round(time.Second)
		if p.mode == progressLog && !p.work {
			fmt.Fprintf(&b, ", %s/s", formatRate(rate))
		}
		fmt.Fprintf(&b, " eta %v", left)
	}
	return b.String()
}

// formatRate prints a rate with three significant digits.
func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f", r)
	case r >= 10:
		return fmt.Sprintf("%.1f", r)
	case r >= 1:
		return fmt.Sprintf("%.2f", r)
	}
	return fmt.Sprintf("%.3g", r)
}

// Done stops the reporter: the bar is erased; work that logged gets a last
// line with its total time.
func (p *progressBar) Done() {
	if p == nil || p.stop == nil {
		return
	}
	close(p.stop)
	p.ended.Wait()
	p.stop = nil
	if !p.drawn {
		return
	}
	if p.mode == progressDraw {
		fmt.Fprint(p.w, "\r\x1b[K")
		return
	}
	fmt.Fprintf(p.w, "gnnwb: %s: ended after %v\n", p.label, time.Since(p.start).Round(time.Second))
}
