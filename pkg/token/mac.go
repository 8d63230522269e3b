package token

import (
	"bytes"
	"crypto/hmac"
	"hash"
	"sync"

	"github.com/jwtkit/jwtkit/pkg/keys"
)

// macPool keeps keyed HMAC states for one secret and one hash. golang-jwt's
// HMAC method builds a new HMAC (two hash states and the padded key) for
// every token; with an HMAC costing about a microsecond that setup is a
// large share of HS* signing and verification, so the batch paths reuse
// states instead. The result is the same HMAC-SHA-2 (RFC 2104), compared
// with hmac.Equal as golang-jwt does.
type macPool struct {
	secret []byte // a copy: a key changed after the pool was made is noticed
	pool   sync.Pool
}

type macState struct {
	h   hash.Hash
	in  []byte // the signing input, copied from the token string
	sum []byte
}

// macHash is the hash of an HS* alg; nil for anything else.
func macHash(alg string) func() hash.Hash {
	if a, ok := keys.LookupAlg(alg); ok && a.Family == keys.FamilyHMAC {
		return a.Hash.New
	}
	return nil
}

func newMACPool(alg string, secret []byte) *macPool {
	h := macHash(alg)
	if h == nil || len(secret) == 0 {
		return nil
	}
	mp := &macPool{secret: bytes.Clone(secret)}
	mp.pool.New = func() any { return &macState{h: hmac.New(h, mp.secret)} }
	return mp
}

// usable reports whether the pool was made for this secret.
func (mp *macPool) usable(secret []byte) bool {
	return mp != nil && bytes.Equal(mp.secret, secret)
}

// verify reports whether sig is the HMAC of input.
func (mp *macPool) verify(input string, sig []byte) bool {
	st := mp.pool.Get().(*macState)
	st.h.Reset()
	st.in = append(st.in[:0], input...)
	st.h.Write(st.in)
	st.sum = st.h.Sum(st.sum[:0])
	ok := hmac.Equal(sig, st.sum)
	mp.pool.Put(st)
	return ok
}

// appendMAC appends the HMAC of input to dst.
func (mp *macPool) appendMAC(dst, input []byte) []byte {
	st := mp.pool.Get().(*macState)
	st.h.Reset()
	st.h.Write(input)
	st.sum = st.h.Sum(st.sum[:0])
	dst = append(dst, st.sum...)
	mp.pool.Put(st)
	return dst
}
