package ui

import (
	"io"
	"os"
	"os/signal"

	"golang.org/x/term"
)

// readPassword reads a line from the terminal fd without echo, as
// term.ReadPassword does, and puts the terminal back as it was when the
// process is interrupted while it waits (Ctrl-C): term.ReadPassword
// restores echo only when it returns, so an interrupt used to leave the
// user's shell without echo. The signal is then delivered again with its
// default action, so the process still ends as an interrupted one.
func readPassword(fd int, w io.Writer) ([]byte, error) {
	state, err := term.GetState(fd)
	if err != nil {
		return term.ReadPassword(fd)
	}
	var watch []os.Signal
	for _, sig := range interruptSignals {
		if !signal.Ignored(sig) { // e.g. SIGINT of a shell's background job
			watch = append(watch, sig)
		}
	}
	sigs := make(chan os.Signal, 1)
	done := make(chan struct{})
	signal.Notify(sigs, watch...)
	go func() {
		select {
		case sig := <-sigs:
			_ = term.Restore(fd, state)
			_, _ = io.WriteString(w, "\n")
			signal.Reset(watch...)
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				_ = p.Signal(sig)
			}
		case <-done:
		}
	}()
	defer func() {
		signal.Stop(sigs)
		close(done)
	}()
	return term.ReadPassword(fd)
}
