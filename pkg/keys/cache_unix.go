//go:build unix

package keys

import (
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// ownerProblem says so when a cache folder or file belongs to another user.
func ownerProblem(fi fs.FileInfo) string {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	if uid := os.Getuid(); int(st.Uid) != uid {
		return fmt.Sprintf("it belongs to uid %d, not to you (uid %d)", st.Uid, uid)
	}
	return ""
}
