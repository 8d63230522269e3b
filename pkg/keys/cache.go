package keys

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/jwtkit/jwtkit/internal/strictjson"
)

// DefaultRefetchInterval is the least time between two refetches of one
// URL on a kid miss, across processes.
const DefaultRefetchInterval = 30 * time.Second

// Cache keeps fetched key sets and discovery documents on disk, one file
// per exact URL, so that a stream of verifications does not turn into a
// stream of fetches. An entry lives for the smaller of the answer's
// Cache-Control max-age (less its Age) and TTL; an answer marked no-store
// is never kept; an expired entry with an ETag is revalidated with
// If-None-Match.
//
// The folder must be 0700 and its files 0600, owned by the user (on Unix):
// anything else is ignored with a note (another user must not plant keys).
// Entries are size-capped and re-parsed when read, written atomically, and
// a cache that cannot be written is noted and otherwise ignored: the cache
// never makes a verification fail.
//
// A Cache is used by one goroutine at a time.
type Cache struct {
	// Dir is the cache folder; it is created 0700 when missing.
	Dir string
	// TTL bounds every entry's lifetime; 0 revalidates every time.
	TTL time.Duration
	// Now is the clock (required): lifetimes are never read from the
	// system clock, so tests inject theirs.
	Now func() time.Time
	// RefetchInterval is the least time between two refetches of one URL
	// on a kid miss; 0 = DefaultRefetchInterval.
	RefetchInterval time.Duration
	// MaxBytes caps a cached body; 0 = DefaultMaxJWKSBytes.
	MaxBytes int64
	// OnNote receives NoteCacheIgnored, NoteCacheUnwritable and
	// NoteRefetchLimited; nil drops them.
	OnNote func(Note)

	checked, usable, noWrite bool
}

// cacheEntry is one cache file.
type cacheEntry struct {
	Version     int       `json:"v"`
	URL         string    `json:"url"`
	FetchedAt   time.Time `json:"fetched_at"`
	Expires     time.Time `json:"expires"`
	ETag        string    `json:"etag,omitempty"`
	LastRefetch time.Time `json:"last_refetch"`
	Body        []byte    `json:"body"`
	// Missing is the HTTP status (404 or 410) of a discovery address that
	// was not there: kept like an answer so that an RFC 8414-only provider
	// is not asked for its OIDC document on every run. Body is then empty.
	Missing int `json:"missing,omitempty"`
}

const cacheVersion = 1

func (c *Cache) now() time.Time { return c.Now() }

func (c *Cache) maxBytes() int64 {
	if c.MaxBytes > 0 {
		return c.MaxBytes
	}
	return DefaultMaxJWKSBytes
}

func (c *Cache) refetchInterval() time.Duration {
	if c.RefetchInterval > 0 {
		return c.RefetchInterval
	}
	return DefaultRefetchInterval
}

func (c *Cache) note(kind NoteKind, format string, a ...any) {
	notify(c.OnNote, kind, fmt.Sprintf(format, a...))
}

// ready checks (once) that the folder exists, or creates it, and is safe.
func (c *Cache) ready() bool {
	if c == nil || c.Now == nil {
		return false
	}
	if c.checked {
		return c.usable
	}
	c.checked = true
	if c.Dir == "" {
		return false
	}
	fi, err := os.Lstat(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		if err := os.MkdirAll(c.Dir, 0o700); err != nil {
			c.note(NoteCacheUnwritable, "cannot create the key-set cache %q (%v); continuing without it", c.Dir, unwrapPath(err))
			return false
		}
		fi, err = os.Lstat(c.Dir)
	}
	if err != nil {
		c.note(NoteCacheIgnored, "ignoring the key-set cache %q: %v", c.Dir, unwrapPath(err))
		return false
	}
	if p := unsafeFile(fi, true); p != "" {
		c.note(NoteCacheIgnored, "ignoring the key-set cache %q: %s (another user could plant keys there)", c.Dir, p)
		return false
	}
	c.usable = true
	return true
}

// unsafeFile says what is wrong with a cache folder or file, or "".
func unsafeFile(fi fs.FileInfo, dir bool) string {
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		return "it is a symbolic link"
	case dir && !fi.IsDir():
		return "it is not a folder"
	case !dir && !fi.Mode().IsRegular():
		return "it is not a regular file"
	}
	if runtime.GOOS != "windows" {
		want := fs.FileMode(0o600)
		if dir {
			want = 0o700
		}
		if fi.Mode().Perm()&0o077 != 0 {
			return fmt.Sprintf("its mode is %04o, want %04o", fi.Mode().Perm(), want)
		}
	}
	return ownerProblem(fi)
}

// path is the file of a URL: the SHA-256 of the exact URL, so that no URL
// can name a path; the entry repeats the URL and is checked against it.
func (c *Cache) path(rawURL string) string {
	sum := sha256.Sum256([]byte(rawURL))
	return filepath.Join(c.Dir, hex.EncodeToString(sum[:16])+".json")
}

// read returns the entry for rawURL, or nil when there is none or it
// cannot be trusted (noted).
func (c *Cache) read(rawURL string) *cacheEntry {
	if !c.ready() {
		return nil
	}
	path := c.path(rawURL)
	fi, err := os.Lstat(path)
	if err != nil {
		return nil
	}
	if p := unsafeFile(fi, false); p != "" {
		c.note(NoteCacheIgnored, "ignoring cache entry %q: %s", path, p)
		return nil
	}
	// base64 grows the body by a third; the rest is small.
	limit := c.maxBytes()*4/3 + 16<<10
	if fi.Size() > limit {
		c.note(NoteCacheIgnored, "ignoring cache entry %q: it is larger than %d bytes", path, limit)
		return nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	if fi2, err := f.Stat(); err != nil || !os.SameFile(fi, fi2) {
		return nil // replaced between the checks: treat as a miss
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil || int64(len(b)) > limit {
		return nil
	}
	var e cacheEntry
	if err := strictjson.Valid(b, 4); err != nil || json.Unmarshal(b, &e) != nil || e.Version != cacheVersion || e.URL != rawURL || int64(len(e.Body)) > c.maxBytes() {
		c.note(NoteCacheIgnored, "ignoring cache entry %q: it does not parse as jwtkit's", path)
		return nil
	}
	return &e
}

// write stores e atomically (0600). Failure is noted once, never returned.
func (c *Cache) write(e *cacheEntry) {
	if !c.ready() || c.noWrite {
		return
	}
	e.Version = cacheVersion
	b, err := json.Marshal(e)
	if err == nil {
		err = WriteFile(c.path(e.URL), b, 0o600, true)
	}
	if err != nil {
		c.noWrite = true
		c.note(NoteCacheUnwritable, "cannot write the key-set cache (%v); continuing without it", err)
	}
}

// remove drops the entry of rawURL (an answer marked no-store).
func (c *Cache) remove(rawURL string) {
	if c.ready() && !c.noWrite {
		_ = os.Remove(c.path(rawURL))
	}
}

// lifetime reads Cache-Control (and Age): how long an answer may be kept,
// and whether it may be stored at all.
func (c *Cache) lifetime(h http.Header) (ttl time.Duration, store bool) {
	ttl = max(c.TTL, 0)
	for _, line := range h.Values("Cache-Control") {
		for _, d := range strings.Split(line, ",") {
			name, val, _ := strings.Cut(strings.TrimSpace(d), "=")
			switch strings.ToLower(name) {
			case "no-store":
				return 0, false
			case "no-cache":
				ttl = 0 // keep it for revalidation only
			case "max-age":
				n, err := strconv.ParseInt(strings.Trim(val, `"`), 10, 64)
				if err != nil || n < 0 {
					ttl = 0
					continue
				}
				n = min(n, 1<<31) // no Duration overflow
				if age, err := strconv.ParseInt(h.Get("Age"), 10, 64); err == nil && age > 0 {
					n -= age
				}
				if d := time.Duration(max(n, 0)) * time.Second; d < ttl {
					ttl = d
				}
			}
		}
	}
	return ttl, true
}

// claimRefetch takes the right to refetch rawURL now, across processes:
// at most one claim per refetch interval per URL. Time is cut into slots
// of one interval; a claim is a file refetch/<url hash>.<slot> created
// with O_EXCL (only one process can create it) holding the claim's time.
// Two refetches less than an interval apart fall in the same slot (the
// second create fails) or in neighbouring ones, which each claimant
// checks after its own create: a claim in the previous slot less than an
// interval old, or any in the next, means someone else refetches. Both
// may then give up; that errs on the side of fewer requests.
//
// prev is the time of the last claim seen, when one stops this one.
// recorded is false when no claim could be written (a read-only cache):
// the caller must not refetch then, since nothing would stop every other
// process from refetching too.
func (c *Cache) claimRefetch(rawURL string) (ok, recorded bool, prev time.Time) {
	if !c.ready() || c.noWrite {
		return false, false, time.Time{}
	}
	dir := filepath.Join(c.Dir, "refetch")
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return false, false, time.Time{}
	}
	if fi, err := os.Lstat(dir); err != nil || unsafeFile(fi, true) != "" {
		return false, false, time.Time{}
	}
	now := c.now()
	iv := c.refetchInterval()
	slot := now.UnixNano() / int64(iv)
	sum := sha256.Sum256([]byte(rawURL))
	name := func(s int64) string {
		return filepath.Join(dir, hex.EncodeToString(sum[:16])+"."+strconv.FormatInt(s, 10))
	}
	// claimAt reads a claim's time; a claim being written (empty) is "now".
	claimAt := func(s int64) (time.Time, bool) {
		b, err := os.ReadFile(name(s))
		if err != nil {
			return time.Time{}, false
		}
		t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(b)))
		if err != nil {
			return now, true
		}
		return t, true
	}
	f, err := os.OpenFile(name(slot), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		t, _ := claimAt(slot)
		return false, true, t
	}
	if err != nil {
		return false, false, time.Time{}
	}
	_, err = f.WriteString(now.UTC().Format(time.RFC3339Nano))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name(slot))
		return false, false, time.Time{}
	}
	_ = os.Remove(name(slot - 2)) // claims older than an interval stop nothing
	if t, ok := claimAt(slot - 1); ok && now.Sub(t) < iv {
		return false, true, t
	}
	if t, ok := claimAt(slot + 1); ok {
		return false, true, t
	}
	return true, true, time.Time{}
}
