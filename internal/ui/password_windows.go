//go:build windows

package ui

import "os"

// interruptSignals end a prompt: Ctrl-C.
var interruptSignals = []os.Signal{os.Interrupt}
