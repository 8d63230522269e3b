// Command alternate times commands by running them in turn, round after
// round, so that drift in the machine (frequency, cache, other load) hits
// every command alike. It is run.sh's stopwatch.
//
//	alternate -runs 200 -warmup 10 -label decode,bare -- "jwtkit decode T" "cobra-bare --version"
//
// Each command is one argument, split on spaces (no shell, no quoting). Its
// stdin and stdout are /dev/null; a non-zero exit aborts the run and shows
// its stderr. For each command it prints the median, mean and fastest wall
// time, the median CPU time (user+sys) and the largest peak RSS seen, then
// one tab-separated RESULT line (label, median s, mean s, min s, max RSS KiB,
// median CPU s) for scripts.
//
// The last command is the reference: for every other command it also prints
// a RATIO line (label, median over rounds of reference time ÷ command time,
// that ratio from the fastest runs, and the median per-round ratio of CPU
// times). Each round's pair ran back to back, so the per-round ratio cancels
// most of the load a shared machine adds; the CPU-time ratio is blind to
// parallelism but nearly blind to other load too.
package main

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"time"
)

func main() {
	runs := flag.Int("runs", 3, "timed runs of each command")
	warmup := flag.Int("warmup", 0, "untimed runs of each command first")
	labels := flag.String("label", "", "comma-separated names, one per command (default: the command line)")
	flag.Parse()
	cmds := flag.Args()
	if len(cmds) == 0 {
		fmt.Fprintln(os.Stderr, "usage: alternate [-runs N] [-warmup N] [-label a,b] -- 'cmd args' ...")
		os.Exit(2)
	}
	names := cmds
	if *labels != "" {
		names = strings.Split(*labels, ",")
		if len(names) != len(cmds) {
			fmt.Fprintln(os.Stderr, "alternate: -label needs one name per command")
			os.Exit(2)
		}
	}
	times := make([][]time.Duration, len(cmds))
	rss := make([]int64, len(cmds))
	cpu := make([][]time.Duration, len(cmds))
	for i := range *warmup {
		for j := range cmds {
			_, _, _ = run(cmds[(i+j)%len(cmds)])
		}
	}
	for i := range *runs {
		// Rotate the starting command so none always runs first.
		for j := range cmds {
			k := (i + j) % len(cmds)
			d, c, kib := run(cmds[k])
			times[k] = append(times[k], d)
			cpu[k] = append(cpu[k], c)
			rss[k] = max(rss[k], kib)
		}
	}
	for k := range cmds {
		t := slices.Clone(times[k])
		slices.Sort(t)
		var sum time.Duration
		for _, d := range t {
			sum += d
		}
		med := t[len(t)/2]
		if len(t)%2 == 0 {
			med = (t[len(t)/2-1] + t[len(t)/2]) / 2
		}
		mean := sum / time.Duration(len(t))
		c := median(cpu[k])
		fmt.Fprintf(os.Stderr, "  %-24s median %9.3f ms  mean %9.3f ms  min %9.3f ms  CPU %9.3f ms  peak RSS %6.1f MiB  (%d runs)\n",
			names[k], ms(med), ms(mean), ms(t[0]), ms(c), float64(rss[k])/1024, len(t))
		fmt.Printf("RESULT\t%s\t%.6f\t%.6f\t%.6f\t%d\t%.6f\n", names[k], med.Seconds(), mean.Seconds(), t[0].Seconds(), rss[k], c.Seconds())
	}
	ref := len(cmds) - 1
	for k := range ref {
		r := make([]float64, len(times[k]))
		for i := range r {
			r[i] = float64(times[ref][i]) / float64(times[k][i])
		}
		slices.Sort(r)
		med := r[len(r)/2]
		if len(r)%2 == 0 {
			med = (r[len(r)/2-1] + r[len(r)/2]) / 2
		}
		best := float64(slices.Min(times[ref])) / float64(slices.Min(times[k]))
		for i := range r {
			r[i] = float64(cpu[ref][i]) / float64(max(cpu[k][i], 1))
		}
		slices.Sort(r)
		cmed := r[len(r)/2]
		fmt.Fprintf(os.Stderr, "  %-24s %s time ÷ this: median per round %.3f, fastest runs %.3f, CPU time %.3f\n", names[k], names[ref], med, best, cmed)
		fmt.Printf("RATIO\t%s\t%.4f\t%.4f\t%.4f\n", names[k], med, best, cmed)
	}
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 0 {
		return (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return s[len(s)/2]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// run executes one command line and returns its wall time, CPU time
// (user+sys) and peak RSS (KiB).
func run(line string) (time.Duration, time.Duration, int64) {
	args := strings.Fields(line)
	c := exec.Command(args[0], args[1:]...)
	var errBuf bytes.Buffer
	c.Stderr = &errBuf
	start := time.Now()
	err := c.Run()
	d := time.Since(start)
	if err != nil {
		fmt.Fprintf(os.Stderr, "alternate: %q: %v\n%s", line, err, tail(errBuf.String()))
		os.Exit(1)
	}
	var kib int64
	if ru, ok := c.ProcessState.SysUsage().(*syscall.Rusage); ok {
		kib = ru.Maxrss
	}
	return d, c.ProcessState.UserTime() + c.ProcessState.SystemTime(), kib
}

func tail(s string) string {
	if len(s) > 2000 {
		s = "..." + s[len(s)-2000:]
	}
	return s
}
