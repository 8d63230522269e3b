//go:build !unix

package keys

import "io/fs"

// ownerProblem: ownership is not checked where there are no Unix uids; the
// folder lives in the user's profile.
func ownerProblem(fs.FileInfo) string { return "" }
