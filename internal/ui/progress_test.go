package ui

import (
	"strings"
	"testing"
	"time"
)

func TestProgressOnlyOnATerminal(t *testing.T) {
	for _, tty := range []bool{false, true} {
		s, _, errOut := Test("")
		s.ErrTTY = tty
		p := s.StartProgress("minting", 10)
		p.Add(4)
		time.Sleep(progressDelay + 150*time.Millisecond)
		p.Done()
		p.Done() // idempotent
		got := errOut.String()
		switch {
		case !tty && got != "":
			t.Errorf("not a terminal: drew %q", got)
		case tty && (!strings.Contains(got, "minting [") || !strings.Contains(got, "4/10") || !strings.HasSuffix(got, "\r\033[K")):
			t.Errorf("terminal: drew %q, want a bar that is erased at the end", got)
		}
	}
}

func TestProgressQuickRunDrawsNothing(t *testing.T) {
	s, _, errOut := Test("")
	s.ErrTTY = true
	p := s.StartProgress("verifying", 0)
	p.Add(1000)
	p.Done()
	if errOut.Len() != 0 {
		t.Errorf("a run shorter than %v drew %q", progressDelay, errOut.String())
	}
}
