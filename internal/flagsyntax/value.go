package flagsyntax

import "time"

// Duration is a pflag.Value for duration flags, read with ParseDuration so
// that every duration flag takes the same syntax ("7d" included).
type Duration struct{ D *time.Duration }

// NewDuration sets *p to def and returns the flag value writing to it.
func NewDuration(p *time.Duration, def time.Duration) *Duration {
	*p = def
	return &Duration{D: p}
}

// String renders the value for --help defaults; zero is "0", which pflag
// treats as "no default worth showing".
func (d *Duration) String() string {
	if d.D == nil || *d.D == 0 {
		return "0"
	}
	return d.D.String()
}

// Set parses s with ParseDuration.
func (d *Duration) Set(s string) error {
	v, err := ParseDuration(s)
	if err != nil {
		return err
	}
	*d.D = v
	return nil
}

// Type names the value in --help.
func (d *Duration) Type() string { return "duration" }
