package ui

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/term"
)

// ReadSecretTTY prompts on the controlling terminal and reads a line from
// it without echo, whatever stdin, stdout and stderr are: a key's
// passphrase can be asked for while a token arrives on stdin and the
// output goes to a pipe. It returns ErrNoTTY when the process has no
// terminal (CI, cron, a service), so callers can say which flag to use
// instead; it never blocks on anything but a terminal.
func (s *Streams) ReadSecretTTY(prompt string) ([]byte, error) {
	if s.TTYSecret == nil {
		return nil, ErrNoTTY
	}
	return s.TTYSecret(prompt)
}

// readControllingTTY is the real TTYSecret. The prompt goes to the terminal
// itself, as ssh and gpg do, because stderr may be redirected while the
// user still sits at the terminal.
func readControllingTTY(prompt string) ([]byte, error) {
	in, out := "/dev/tty", "/dev/tty"
	if runtime.GOOS == "windows" {
		in, out = "CONIN$", "CONOUT$"
	}
	r, err := os.OpenFile(in, os.O_RDWR, 0)
	if err != nil {
		return nil, ErrNoTTY
	}
	defer r.Close()
	if !term.IsTerminal(int(r.Fd())) {
		return nil, ErrNoTTY
	}
	w := r
	if out != in {
		if w, err = os.OpenFile(out, os.O_WRONLY, 0); err != nil {
			return nil, ErrNoTTY
		}
		defer w.Close()
	}
	fmt.Fprint(w, prompt)
	b, err := readPassword(int(r.Fd()), w)
	fmt.Fprintln(w)
	if err != nil {
		return nil, fmt.Errorf("reading from the terminal: %w", err)
	}
	return b, nil
}
