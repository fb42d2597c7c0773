package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"
)

// progressDelay is how long work runs before a bar appears: quick commands
// print nothing.
const progressDelay = time.Second

// progressTick is how often a visible bar is redrawn.
const progressTick = 200 * time.Millisecond

// isTerminal reports whether w is a terminal (an *os.File on a tty).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// progressBar draws a one-line bar on w once the work has run for
// progressDelay, and only when w is a terminal. Update is a library Progress
// callback (done out of total); Phase names a stage whose size is unknown
// (building, writing), shown with the elapsed time; Done clears the line.
// The bar is redrawn by its own ticker, so it keeps moving through stages
// that report nothing. A nil *progressBar is valid and draws nothing.
type progressBar struct {
	w     io.Writer
	label string
	start time.Time
	stop  chan struct{}
	ended sync.WaitGroup

	mu          sync.Mutex
	phase       string
	done, total int64
	drawn       bool
}

// newProgress returns a bar for label on w, or one that stays silent when w
// is not a terminal.
func newProgress(w io.Writer, label string) *progressBar {
	p := &progressBar{w: w, label: label, start: time.Now()}
	if !isTerminal(w) {
		return p
	}
	p.stop = make(chan struct{})
	p.ended.Add(1)
	go p.run()
	return p
}

func (p *progressBar) run() {
	defer p.ended.Done()
	delay := time.NewTimer(progressDelay)
	defer delay.Stop()
	select {
	case <-p.stop:
		return
	case <-delay.C:
	}
	tick := time.NewTicker(progressTick)
	defer tick.Stop()
	for {
		p.draw()
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
	p.mu.Lock()
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

func (p *progressBar) draw() {
	p.mu.Lock()
	defer p.mu.Unlock()
	elapsed := time.Since(p.start).Round(100 * time.Millisecond)
	if p.phase != "" || p.total <= 0 {
		phase := p.phase
		if phase == "" {
			phase = "working"
		}
		fmt.Fprintf(p.w, "\r%s: %s… %v\x1b[K", p.label, phase, elapsed)
		p.drawn = true
		return
	}
	frac := min(max(float64(p.done)/float64(p.total), 0), 1)
	const width = 30
	full := int(frac * width)
	eta := ""
	if frac > 0 && frac < 1 {
		rest := time.Duration(float64(time.Since(p.start)) * (1 - frac) / frac).Round(time.Second)
		eta = fmt.Sprintf(" eta %v", rest)
	}
	fmt.Fprintf(p.w, "\r%s [%s%s] %3.0f%% %v%s\x1b[K", p.label, strings.Repeat("=", full), strings.Repeat(" ", width-full), 100*frac, elapsed, eta)
	p.drawn = true
}

// Done stops the bar and erases it if it was drawn.
func (p *progressBar) Done() {
	if p == nil || p.stop == nil {
		return
	}
	close(p.stop)
	p.ended.Wait()
	p.stop = nil
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
