//go:build !linux

package keys_test

import "errors"

func limitFileSize(uint64) error { return errors.New("RLIMIT_FSIZE is Linux-only here") }
