package ui

import (
	"io"
	"sync"
)

// LockedWriter serialises the lines of the request log, net/http's error
// log and serve's own notes on one stream.
type LockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *LockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// NewLockedWriter returns a LockedWriter writing to w.
func NewLockedWriter(w io.Writer) *LockedWriter { return &LockedWriter{w: w} }
