package secrets

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
)

// HMACDigester digests the one-time codes with HMAC-SHA256 under a key of its own. It
// is StaffDesk's app.Digester.
type HMACDigester struct{ key []byte }

// NewDigester returns the digester whose key is derived from secret (the key that
// seals the PINs): a key of its own, so that the sealing key is never used for a
// second purpose directly, and kept outside the database like it.
func NewDigester(secret []byte) HMACDigester {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("StaffDesk one-time code digest v1"))
	return HMACDigester{key: m.Sum(nil)}
}

// NewEphemeralDigester returns a digester with a random key, for tests and demos: its
// codes stop working when the process ends.
func NewEphemeralDigester() HMACDigester {
	key := make([]byte, 32)
	rand.Read(key) // never fails (crypto/rand, Go 1.24+)
	return HMACDigester{key: key}
}

// Digest returns msg's HMAC-SHA256.
func (d HMACDigester) Digest(msg []byte) []byte {
	m := hmac.New(sha256.New, d.key)
	m.Write(msg)
	return m.Sum(nil)
}
