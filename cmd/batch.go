package cmd

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime"
	"runtime/debug"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/jwtkit/jwtkit/internal/batch"
	"github.com/jwtkit/jwtkit/internal/safetext"
	"github.com/jwtkit/jwtkit/pkg/token"
)

// batchOptions are the flags of the batch modes (verify/decode --batch,
// mint --count).
type batchOptions struct {
	Workers int
	Summary bool
	batch   *string
}

func (b *batchOptions) addFlags(c *cobra.Command, file *string) {
	fs := c.Flags()
	b.batch = file
	if file != nil {
		fs.StringVar(file, "batch", "", "read newline-separated tokens from stdin, or from `file` (--batch FILE); write one JSON object per line")
		fs.Lookup("batch").NoOptDefVal = "-"
		fs.BoolVar(&b.Summary, "summary", false, "with --batch: print counts per reason on stderr")
	}
	fs.IntVar(&b.Workers, "workers", 0, "parallel workers for batch work (default: number of CPUs)")
}

// validate normalises the flags. "--batch FILE" arrives as --batch with the
// file as a positional argument (the flag's value is optional), so a single
// argument after a bare --batch is taken as the file.
func (b *batchOptions) validate(c *cobra.Command) error {
	if b.Workers < 0 {
		return usagef("--workers must be positive")
	}
	if b.Workers == 0 {
		b.Workers = runtime.NumCPU()
	}
	return nil
}

// takeBatchFile moves a positional argument into --batch when --batch was
// given without "=".
func takeBatchFile(file *string, args []string) []string {
	if file != nil && *file == "-" && len(args) == 1 && args[0] != "-" {
		*file = args[0]
		return nil
	}
	return args
}

// openBatchInput opens the --batch source.
func openBatchInput(f *factory, name string) (io.Reader, func(), error) {
	if name == "-" {
		return f.IO.In, func() {}, nil
	}
	fi, err := os.Stat(name)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, nil, fmt.Errorf("batch file %s does not exist (tokens go on stdin: --batch alone, or --batch - )", safetext.FileName(name))
		}
		return nil, nil, fmt.Errorf("batch file %s: %w", safetext.FileName(name), errors.Unwrap(err))
	}
	if fi.IsDir() {
		return nil, nil, fmt.Errorf("batch file %s is a folder, not a file", safetext.FileName(name))
	}
	fh, err := os.Open(name)
	if err != nil {
		return nil, nil, fmt.Errorf("batch file %s cannot be read: %w", safetext.FileName(name), errors.Unwrap(err))
	}
	return fh, func() { fh.Close() }, nil
}

// outcomeExit maps what a batch counted for a line onto the exit-code
// table: "valid" and "decoded" pass, anything else is a verdict reason.
func outcomeExit(outcome string) int {
	if outcome == "valid" || outcome == "decoded" {
		return ExitOK
	}
	return reasonExitCode(token.Reason(outcome))
}

// finishBatch prints the summary and turns the stats into an exit status:
// the lowest non-zero code of any line.
func finishBatch(f *factory, st batch.Stats, summary bool, what string) error {
	tokens := st.Lines - st.Blank
	keys := make([]string, 0, len(st.Counts))
	for k := range st.Counts {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if summary {
		parts := []string{fmt.Sprintf("%d lines", st.Lines), fmt.Sprintf("%d tokens", tokens)}
		for _, k := range keys {
			parts = append(parts, fmt.Sprintf("%d %s", st.Counts[k], k))
		}
		parts = append(parts, fmt.Sprintf("%d blank", st.Blank))
		fmt.Fprintf(f.IO.ErrOut, "summary: %s\n", strings.Join(parts, ", "))
	}
	if tokens == 0 {
		return withCode(ExitMalformed, fmt.Errorf("no tokens in the batch input: nothing was %s", what))
	}
	worst := 0
	for _, k := range keys {
		if c := outcomeExit(k); c != 0 && (worst == 0 || c < worst) {
			worst = c
		}
	}
	if worst != 0 {
		return silentExit(worst)
	}
	return nil
}

// batchGCPercent is the GOGC of a decode or verify batch.
const batchGCPercent = 200

// runLineBatch is the shared driver of decode --batch and verify --batch:
// it opens the input, shows progress, and runs each over every non-blank
// line in order (batch.Tokens). what names the work in the summary
// ("decoded", "verified").
func runLineBatch(f *factory, name string, b batchOptions, label, what string, each batch.TokenFunc) error {
	in, closeIn, err := openBatchInput(f, name)
	if err != nil {
		return err
	}
	defer closeIn()
	// A batch keeps little alive (the chunks in flight, ~2 MB) but
	// allocates for every token, so under the default GOGC the collector
	// runs every 2-3 MB of allocation (the 4 MB minimum heap goal), dozens
	// of times a second. GOGC=200 for the run costs ~5-15 MB of peak
	// memory; a GOGC the user set wins.
	if os.Getenv("GOGC") == "" {
		defer debug.SetGCPercent(debug.SetGCPercent(batchGCPercent))
	}
	prog := f.IO.StartProgress(label, 0)
	st, err := batch.Run(b.Workers, batch.Lines(in), batch.Tokens(each), f.IO.Out, prog.Add)
	prog.Done()
	if err != nil {
		return err
	}
	return finishBatch(f, st, b.Summary, what)
}

// outputCombination refuses output flags that contradict each other rather
// than reinterpreting one: --batch writes JSON lines, so -o text is no
// choice there; -q prints nothing on stdout, so -o json asks for what -q drops.
func outputCombination(c *cobra.Command, batch, quiet bool) error {
	fs := c.Flags()
	o := fs.Lookup("output")
	switch {
	case batch && flagChanged(fs, "output") && o.Value.String() == "text":
		return usagef("--batch writes one JSON object per line: -o text cannot be used with it (drop -o, or drop --batch for a text verdict)")
	case quiet && flagChanged(fs, "output"):
		return usagef("-q prints nothing on stdout: it cannot be used with -o %s (use one or the other)", o.Value.String())
	}
	return nil
}
