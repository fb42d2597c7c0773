package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestProgressSilentWhenNotTerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf, "job")
	p.Update(1, 2)
	p.Phase("writing")
	p.Done()
	var nilBar *progressBar
	nilBar.Update(1, 2)
	nilBar.Done()
	if buf.Len() != 0 {
		t.Fatalf("a bar on a non-terminal wrote %q", buf.String())
	}
}

func TestProgressDraw(t *testing.T) {
	var buf bytes.Buffer
	p := &progressBar{w: &buf, label: "job", start: time.Now().Add(-3 * time.Second)}
	p.Update(5, 10)
	p.draw()
	if s := buf.String(); !strings.Contains(s, "job [===============               ]  50%") || !strings.Contains(s, "eta") {
		t.Fatalf("bar at half: %q", s)
	}
	buf.Reset()
	p.Phase("writing")
	p.draw()
	if s := buf.String(); !strings.Contains(s, "job: writing") {
		t.Fatalf("phase: %q", s)
	}
}
