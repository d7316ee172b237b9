package app

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// sealKeyLen is the size of an AES-256 key.
const sealKeyLen = 32

// aesSealer seals with AES-256-GCM; each sealed value is a random 12-byte nonce, the
// ciphertext and the 16-byte tag.
type aesSealer struct{ aead cipher.AEAD }

var _ Sealer = (*aesSealer)(nil)

// NewAESSealer returns a Sealer using AES-256-GCM with key, which must be 32 bytes.
func NewAESSealer(key []byte) (Sealer, error) {
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
	return &aesSealer{aead: aead}, nil
}

func (s *aesSealer) Seal(plaintext []byte) ([]byte, error) {
	return s.aead.Seal(nil, nil, plaintext, nil), nil
}

// Open fails, without saying more, when sealed was altered, cut short or sealed with
// another key.
func (s *aesSealer) Open(sealed []byte) ([]byte, error) {
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
// it would make every sealed PIN unreadable.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}

	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("create key folder %s: %w", dir, err)
	}
	key = make([]byte, sealKeyLen)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("create key: %w", err)
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // created 0600
	if err != nil {
		return nil, fmt.Errorf("create key file in %s: %w", dir, err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName) // a no-op once the file is in place
	if err := tmp.Chmod(0o600); err != nil && !errors.Is(err, errors.ErrUnsupported) {
		tmp.Close()
		return nil, fmt.Errorf("create key file %s: %w", tmpName, err)
	}
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
	syncDir(dir)
	return key, nil
}

// readKeyFile reads a key file, refusing one of the wrong size. The error wraps
// fs.ErrNotExist when there is no file.
func readKeyFile(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	if len(key) != sealKeyLen {
		return nil, fmt.Errorf("key file %s holds %d bytes, not %d: it is damaged or not a StaffDesk key; restore it from a backup (replacing it makes the stored PINs unreadable)", path, len(key), sealKeyLen)
	}
	return key, nil
}

// syncDir makes a new directory entry durable where the system allows it; it is best
// effort because Windows can't open a directory for syncing.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
