//go:build !windows

package ui

import (
	"os"
	"syscall"
)

// interruptSignals end a prompt: Ctrl-C, and a polite kill or hang-up.
var interruptSignals = []os.Signal{os.Interrupt, syscall.SIGTERM, syscall.SIGHUP}
