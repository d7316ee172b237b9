// Package secrets holds StaffDesk's key and what is done with it: the key file kept in
// the app's folder apart from the database, the AES-256-GCM sealer of the staff PINs
// (app.Sealer) and the HMAC digester of the one-time codes (app.Digester).
package secrets

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/staffdesk/staffdesk/internal/private"
)

// sealKeyLen is the size of an AES-256 key.
const sealKeyLen = 32

// AESSealer seals with AES-256-GCM; each sealed value is a random 12-byte nonce, the
// ciphertext and the 16-byte tag. It is StaffDesk's app.Sealer.
type AESSealer struct{ aead cipher.AEAD }

// NewAESSealer returns a sealer using AES-256-GCM with key, which must be 32 bytes.
func NewAESSealer(key []byte) (*AESSealer, error) {
	if len(key) != sealKeyLen {
		return nil, fmt.Errorf("new sealer: key is %d bytes, want %d", len(key), sealKeyLen)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("new sealer: %w", err)
	}
	return &AESSealer{aead: aead}, nil
}

// Seal encrypts plaintext.
func (s *AESSealer) Seal(plaintext []byte) ([]byte, error) {
	return s.aead.Seal(nil, nil, plaintext, nil), nil
}

// Open fails, without saying more, when sealed was altered, cut short or sealed with
// another key.
func (s *AESSealer) Open(sealed []byte) ([]byte, error) {
	if len(sealed) < s.aead.Overhead() {
		return nil, errors.New("open sealed value: too short")
	}
	plain, err := s.aead.Open(nil, nil, sealed, nil)
	if err != nil {
		return nil, fmt.Errorf("open sealed value: %w", err)
	}
	return plain, nil
}

// LoadOrCreateKey returns the 32-byte sealing key kept in the file at path, creating
// the file with a new random key when there is none. The key lives in the app's
// config folder, apart from the database, so that a copy of the database alone does
// not reveal the PINs. A file of any other size is refused, never replaced: replacing
// it would make every sealed PIN unreadable. The file is created readable only by this
// user, and an existing one found looser is tightened (one that belongs to another
// user is refused).
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	dir := filepath.Dir(path)
	key = make([]byte, sealKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	tmp, err := private.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("create key file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once the file is in place
	if _, err := tmp.Write(key); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key file %s: %w", tmpName, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("write key file %s: %w", tmpName, err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("write key file %s: %w", tmpName, err)
	}

	// A hard link puts the complete file in place only if no key is there yet, so a
	// second copy of StaffDesk starting at the same moment can't replace the key the
	// first one has begun to use; it reads that key instead. Where links aren't
	// supported, a rename still puts the file in place whole.
	if err := os.Link(tmpName, path); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return readKeyFile(path)
		}
		if err := os.Rename(tmpName, path); err != nil {
			return nil, fmt.Errorf("create key file %s: %w", path, err)
		}
	}
	private.SyncDir(dir)
	return key, nil
}

// readKeyFile reads a key file, tightening it first and refusing one of the wrong
// size. The error wraps fs.ErrNotExist when there is no file.
func readKeyFile(path string) ([]byte, error) {
	if err := private.Tighten(path); err != nil {
		return nil, err
	}
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if len(key) != sealKeyLen {
		return nil, fmt.Errorf("key file %s holds %d bytes, not %d: it is damaged or not a StaffDesk key; restore it from a backup (replacing it makes the stored PINs unreadable)", path, len(key), sealKeyLen)
	}
	return key, nil
}
