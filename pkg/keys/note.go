package keys

// NoteKind says what a Note is about, so that a caller can add its own
// advice (a command-line tool names its flags).
type NoteKind int

// Note kinds.
const (
	// NoteDevKeyCreated: a new development key was written.
	NoteDevKeyCreated NoteKind = iota + 1
	// NoteDevKeyUsed: the existing development key was used.
	NoteDevKeyUsed
	// NoteDuplicateKey: BuildJWKS met the same key twice and listed it once.
	NoteDuplicateKey
	// NoteDevKeyExposed: the development key file is readable or writable
	// by other users (a warning).
	NoteDevKeyExposed
	// NoteKeySkipped: a key of a provider's set was left out (too weak, or
	// its x5c certificate does not match it).
	NoteKeySkipped
	// NoteCacheIgnored: the key-set cache folder or an entry was not safe
	// or not readable, and was not used. Worth a warning.
	NoteCacheIgnored
	// NoteCacheUnwritable: the key-set cache could not be written. Worth
	// a warning.
	NoteCacheUnwritable
	// NoteRefetchLimited: a kid missed the cached set, but the set was
	// refetched less than the refetch interval ago.
	NoteRefetchLimited
	// NoteRefetched: a kid missed the cached set, which was fetched again.
	NoteRefetched
	// NoteAlgKept: BuildJWKSWith left an RSA key's own alg in place of
	// the one asked for.
	NoteAlgKept
)

// Note is something worth telling the user that is not an error. Package
// keys never prints: functions that have notes take a func to hand them
// to, and a nil func drops them. Text is one lower-case line without a
// trailing period and never holds key material.
type Note struct {
	Kind NoteKind
	Text string
}

// notify hands n to fn when fn is set.
func notify(fn func(Note), kind NoteKind, text string) {
	if fn != nil {
		fn(Note{Kind: kind, Text: text})
	}
}
