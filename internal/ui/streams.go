// Package ui holds jwtkit's terminal concerns: the process streams, TTY
// detection, colour decisions, hidden secret prompts and progress output. It
// is the only package that imports fatih/color and golang.org/x/term.
package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/term"
)

// ColorMode is the value of --color.
type ColorMode string

// The accepted --color values.
const (
	ColorAuto   ColorMode = "auto"
	ColorAlways ColorMode = "always"
	ColorNever  ColorMode = "never"
)

// ParseColorMode validates a --color value.
func ParseColorMode(s string) (ColorMode, error) {
	switch m := ColorMode(strings.ToLower(s)); m {
	case ColorAuto, ColorAlways, ColorNever:
		return m, nil
	}
	return "", fmt.Errorf("invalid --color %q: want auto, always or never", s)
}

// Streams carries the three process streams and what is known about them.
// Commands write only through a Streams value so tests can inject buffers.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	// TTY facts, decided once when the value is built.
	InTTY, OutTTY, ErrTTY bool
	// Getenv reads the environment (NO_COLOR, TERM); tests replace it.
	Getenv func(string) string
	// TTYSecret asks for a secret on the controlling terminal (see
	// ReadSecretTTY); nil means there is none. Tests set it to fake a user.
	TTYSecret func(prompt string) ([]byte, error)

	colorMode ColorMode
	inFd      int
}

// System returns the real process streams.
func System() *Streams {
	isTerm := func(f *os.File) bool { return term.IsTerminal(int(f.Fd())) }
	return &Streams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		InTTY: isTerm(os.Stdin), OutTTY: isTerm(os.Stdout), ErrTTY: isTerm(os.Stderr),
		Getenv:    os.Getenv,
		TTYSecret: readControllingTTY,
		colorMode: ColorAuto,
		inFd:      int(os.Stdin.Fd()),
	}
}

// Test returns streams backed by buffers: stdin reads from in, nothing is a
// terminal (there is no controlling terminal either), and the environment
// is empty.
func Test(in string) (s *Streams, out, errOut *bytes.Buffer) {
	out, errOut = &bytes.Buffer{}, &bytes.Buffer{}
	return &Streams{
		In: strings.NewReader(in), Out: out, ErrOut: errOut,
		Getenv:    func(string) string { return "" },
		colorMode: ColorAuto,
		inFd:      -1,
	}, out, errOut
}

// SetColorMode records the --color choice.
func (s *Streams) SetColorMode(m ColorMode) { s.colorMode = m }

func (s *Streams) colorOn(tty bool) bool {
	switch s.colorMode {
	case ColorAlways:
		return true
	case ColorNever:
		return false
	}
	getenv := s.Getenv
	if getenv == nil {
		getenv = os.Getenv
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return tty
}

// ColorOut reports whether stdout gets colour.
func (s *Streams) ColorOut() bool { return s.colorOn(s.OutTTY) }

// ColorErr reports whether stderr gets colour.
func (s *Streams) ColorErr() bool { return s.colorOn(s.ErrTTY) }

// Palette returns the colours for one stream; every colour is switched on or
// off explicitly so the global color.NoColor is never consulted.
func (s *Streams) Palette(stdout bool) *Palette {
	on := s.ColorErr()
	if stdout {
		on = s.ColorOut()
	}
	return newPalette(on)
}

// ErrNoTTY is returned by ReadSecret when stdin is not a terminal.
var ErrNoTTY = errors.New("stdin is not a terminal")

// ReadSecret prompts on stderr and reads a line from the terminal without
// echo. It never blocks on a non-terminal stdin.
func (s *Streams) ReadSecret(prompt string) ([]byte, error) {
	if !s.InTTY || s.inFd < 0 {
		return nil, ErrNoTTY
	}
	fmt.Fprint(s.ErrOut, prompt)
	b, err := readPassword(s.inFd, s.ErrOut)
	fmt.Fprintln(s.ErrOut)
	if err != nil {
		return nil, fmt.Errorf("reading secret from terminal: %w", err)
	}
	return b, nil
}

// Palette is a set of colours for one stream.
type Palette struct {
	Enabled                                              bool
	Red, Green, Yellow, Cyan, Bold, Faint, Magenta, Blue *color.Color
}

func newPalette(on bool) *Palette {
	mk := func(a ...color.Attribute) *color.Color {
		c := color.New(a...)
		if on {
			c.EnableColor()
		} else {
			c.DisableColor()
		}
		return c
	}
	return &Palette{
		Enabled: on,
		Red:     mk(color.FgRed, color.Bold),
		Green:   mk(color.FgGreen, color.Bold),
		Yellow:  mk(color.FgYellow, color.Bold),
		Cyan:    mk(color.FgCyan),
		Bold:    mk(color.Bold),
		Faint:   mk(color.Faint),
		Magenta: mk(color.FgMagenta),
		Blue:    mk(color.FgBlue),
	}
}
