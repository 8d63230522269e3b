//go:build linux

package keys_test

import (
	"os/signal"
	"syscall"
)

// limitFileSize caps the size of files this process writes; writes past it
// fail with EFBIG instead of raising SIGXFSZ.
func limitFileSize(n uint64) error {
	signal.Ignore(syscall.SIGXFSZ)
	return syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: n, Max: n})
}
