package ui

import (
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Progress draws a one-line progress indicator on stderr while a long batch
// runs. It appears only when stderr is a terminal and the run has lasted
// longer than a moment, and is erased when done. On a pipe it does nothing.
type Progress struct {
	done  atomic.Int64
	total int64
	label string
	s     *Streams
	stop  chan struct{}
	wg    sync.WaitGroup
	drawn bool
}

// progressDelay is how long a run must last before the bar appears.
const progressDelay = 500 * time.Millisecond

// StartProgress starts the indicator; total 0 means unknown (a counter).
func (s *Streams) StartProgress(label string, total int64) *Progress {
	return s.startProgress(label, total, time.After(progressDelay), nil)
}

// startProgress is StartProgress with its clock as channels: the bar
// appears when shown fires and redraws on each tick (nil: every 100ms).
// Tests drive both by hand instead of sleeping.
func (s *Streams) startProgress(label string, total int64, shown, ticks <-chan time.Time) *Progress {
	p := &Progress{total: total, label: label, s: s, stop: make(chan struct{})}
	if !s.ErrTTY {
		return p
	}
	p.wg.Add(1)
	go p.loop(shown, ticks)
	return p
}

// Add records n finished items. Safe for concurrent use.
func (p *Progress) Add(n int) { p.done.Add(int64(n)) }

// Done stops and erases the indicator.
func (p *Progress) Done() {
	select {
	case <-p.stop:
		return
	default:
	}
	close(p.stop)
	p.wg.Wait()
	if p.drawn {
		fmt.Fprint(p.s.ErrOut, "\r\033[K")
	}
}

func (p *Progress) loop(shown, ticks <-chan time.Time) {
	defer p.wg.Done()
	start := time.Now()
	select {
	case <-p.stop:
		return
	case <-shown:
	}
	if ticks == nil {
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		ticks = t.C
	}
	for {
		p.draw(time.Since(start))
		select {
		case <-p.stop:
			return
		case <-ticks:
		}
	}
}

func (p *Progress) draw(elapsed time.Duration) {
	n := p.done.Load()
	rate := float64(n) / elapsed.Seconds()
	p.drawn = true
	if p.total > 0 {
		const width = 30
		frac := float64(n) / float64(p.total)
		if frac > 1 {
			frac = 1
		}
		fill := int(frac * width)
		bar := make([]byte, width)
		for i := range bar {
			if i < fill {
				bar[i] = '#'
			} else {
				bar[i] = '-'
			}
		}
		fmt.Fprintf(p.s.ErrOut, "\r\033[K%s [%s] %d/%d (%.0f/s)", p.label, bar, n, p.total, rate)
		return
	}
	fmt.Fprintf(p.s.ErrOut, "\r\033[K%s %d (%.0f/s)", p.label, n, rate)
}
