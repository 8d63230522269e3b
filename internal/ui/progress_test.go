package ui

import (
	"strings"
	"testing"
	"time"
)

// The tests drive the indicator's clock through startProgress: a send on
// an unbuffered channel returns only once the loop has taken it, and Done
// waits for the loop, so what was drawn is known without sleeping.

func TestProgressOnlyOnATerminal(t *testing.T) {
	t.Parallel()
	for _, tty := range []bool{false, true} {
		s, _, errOut := Test("")
		s.ErrTTY = tty
		shown, ticks := make(chan time.Time), make(chan time.Time)
		p := s.startProgress("minting", 10, shown, ticks)
		p.Add(4)
		if tty {
			shown <- time.Time{} // the run has lasted progressDelay: first draw
			p.Add(3)
			ticks <- time.Time{} // one redraw
		}
		p.Done()
		p.Done() // idempotent
		got := errOut.String()
		switch {
		case !tty && got != "":
			t.Errorf("not a terminal: drew %q", got)
		case tty && (!strings.Contains(got, "minting [############------------------] 4/10") ||
			!strings.Contains(got, "minting [#####################---------] 7/10") ||
			!strings.HasSuffix(got, "\r\033[K")):
			t.Errorf("terminal: drew %q, want 4/10 then 7/10, erased at the end", got)
		}
	}
}

func TestProgressCounterWithoutTotal(t *testing.T) {
	t.Parallel()
	s, _, errOut := Test("")
	s.ErrTTY = true
	shown := make(chan time.Time)
	p := s.startProgress("verifying", 0, shown, make(chan time.Time))
	p.Add(42)
	shown <- time.Time{}
	p.Done()
	if got := errOut.String(); !strings.HasPrefix(got, "\r\033[Kverifying 42 (") || !strings.HasSuffix(got, "\r\033[K") {
		t.Errorf("drew %q", got)
	}
}

func TestProgressQuickRunDrawsNothing(t *testing.T) {
	t.Parallel()
	s, _, errOut := Test("")
	s.ErrTTY = true
	// shown never fires: the run ends before progressDelay.
	p := s.startProgress("verifying", 0, make(chan time.Time), nil)
	p.Add(1000)
	p.Done()
	if errOut.Len() != 0 {
		t.Errorf("a run shorter than %v drew %q", progressDelay, errOut.String())
	}
}

func TestStartProgressOnAPipeStartsNothing(t *testing.T) {
	t.Parallel()
	s, _, errOut := Test("")
	p := s.StartProgress("verifying", 0)
	p.Add(1)
	p.Done()
	if errOut.Len() != 0 {
		t.Errorf("drew %q on a pipe", errOut.String())
	}
}
