package secrets_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/secrets"
)

var (
	_ app.Sealer   = (*secrets.AESSealer)(nil)
	_ app.Digester = secrets.HMACDigester{}
)

func TestAESSealer(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	s, err := secrets.NewAESSealer(key)
	if err != nil {
		t.Fatal(err)
	}
	for _, plain := range [][]byte{[]byte("8453"), []byte("845302"), {}, bytes.Repeat([]byte("x"), 5000)} {
		sealed, err := s.Seal(plain)
		if err != nil {
			t.Fatal(err)
		}
		if len(sealed) != len(plain)+12+16 {
			t.Errorf("sealed %d bytes into %d, want nonce+tag overhead of 28", len(plain), len(sealed))
		}
		if len(plain) > 0 && bytes.Contains(sealed, plain) {
			t.Error("sealed value contains the plaintext")
		}
		got, err := s.Open(sealed)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("Open(Seal(%q)) = %q, %v", plain, got, err)
		}
	}

	a, _ := s.Seal([]byte("8453"))
	b, _ := s.Seal([]byte("8453"))
	if bytes.Equal(a, b) || bytes.Equal(a[:12], b[:12]) {
		t.Error("two seals of the same PIN are equal: the nonce is not random")
	}

	// Any flipped bit, in nonce, ciphertext or tag, and any cut is detected.
	for i := range a {
		bad := bytes.Clone(a)
		bad[i] ^= 0x01
		if got, err := s.Open(bad); err == nil {
			t.Fatalf("byte %d flipped: opened as %q", i, got)
		}
	}
	for _, bad := range [][]byte{nil, a[:11], a[:27], a[:len(a)-1], append(bytes.Clone(a), 0)} {
		if _, err := s.Open(bad); err == nil {
			t.Errorf("Open accepted %d bytes", len(bad))
		}
	}
	other, _ := secrets.NewAESSealer(bytes.Repeat([]byte{8}, 32))
	if got, err := other.Open(a); err == nil {
		t.Errorf("another key opened it as %q", got)
	} else if strings.Contains(err.Error(), "8453") {
		t.Errorf("error quotes the PIN: %v", err)
	}

	for _, n := range []int{0, 16, 24, 31, 33} {
		if _, err := secrets.NewAESSealer(make([]byte, n)); err == nil {
			t.Errorf("NewAESSealer accepted a %d-byte key", n)
		}
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config", "StaffDesk")
	path := filepath.Join(dir, "staffdesk.key")

	key, err := secrets.LoadOrCreateKey(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) != 32 || bytes.Equal(key, make([]byte, 32)) {
		t.Fatalf("key = %x", key)
	}
	if runtime.GOOS != "windows" {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := fi.Mode().Perm(); perm != 0o600 {
			t.Errorf("key file mode %o, want 600", perm)
		}
		di, err := os.Stat(dir)
		if err != nil {
			t.Fatal(err)
		}
		if perm := di.Mode().Perm(); perm != 0o700 {
			t.Errorf("key folder mode %o, want 700", perm)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("folder holds %d entries, want only the key file (no temp files left)", len(entries))
	}

	again, err := secrets.LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(again, key) {
		t.Errorf("second load = %x, %v; want the same key %x", again, err, key)
	}

	// A key sealed with before is still usable after a reload.
	s1, _ := secrets.NewAESSealer(key)
	s2, _ := secrets.NewAESSealer(again)
	sealed, _ := s1.Seal([]byte("8453"))
	if got, err := s2.Open(sealed); err != nil || string(got) != "8453" {
		t.Errorf("reloaded key can't open: %q, %v", got, err)
	}

	other, err := secrets.LoadOrCreateKey(filepath.Join(t.TempDir(), "other.key"))
	if err != nil || bytes.Equal(other, key) {
		t.Errorf("a second key file gave %x, %v", other, err)
	}
}

func TestLoadOrCreateKeyRefusesWrongSize(t *testing.T) {
	for _, n := range []int{0, 16, 33} {
		path := filepath.Join(t.TempDir(), "staffdesk.key")
		orig := bytes.Repeat([]byte{1}, n)
		if err := os.WriteFile(path, orig, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := secrets.LoadOrCreateKey(path)
		if err == nil || !strings.Contains(err.Error(), "not 32") {
			t.Errorf("%d-byte key file: err = %v", n, err)
		}
		if got, _ := os.ReadFile(path); !bytes.Equal(got, orig) {
			t.Errorf("%d-byte key file was changed", n)
		}
	}
}

func TestDigester(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	d1, d2 := secrets.NewDigester(key), secrets.NewDigester(key)
	msg := []byte("12\x00activation\x007K2QDM9XWA")
	if !bytes.Equal(d1.Digest(msg), d2.Digest(msg)) {
		t.Fatal("the same key digests differently: codes would not survive a restart")
	}
	if bytes.Equal(d1.Digest(msg), d1.Digest([]byte("13\x00activation\x007K2QDM9XWA"))) {
		t.Fatal("two messages digest the same")
	}
	if bytes.Equal(d1.Digest(msg), secrets.NewDigester(bytes.Repeat([]byte{8}, 32)).Digest(msg)) {
		t.Fatal("another key digests the same")
	}
	// The digest key is derived, not the sealing key itself.
	if bytes.Equal(d1.Digest(msg), secrets.NewEphemeralDigester().Digest(msg)) {
		t.Fatal("an ephemeral digester digests like the practice's")
	}
}

// TestLoadOrCreateKeyTightensTheFile: a key file left readable by others (copied in
// at 0644) is made owner-only when it is read; one of another user is refused.
func TestLoadOrCreateKeyTightensTheFile(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps the key private with the profile folder's ACL")
	}
	path := filepath.Join(t.TempDir(), "pin.key")
	orig := bytes.Repeat([]byte{3}, 32)
	if err := os.WriteFile(path, orig, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	key, err := secrets.LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(key, orig) {
		t.Fatalf("LoadOrCreateKey = %x, %v", key, err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %o after loading, want 600", fi.Mode().Perm())
	}

	if os.Getuid() != 0 {
		return // giving a file to another user needs root
	}
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	if _, err := secrets.LoadOrCreateKey(path); err == nil || !strings.Contains(err.Error(), "another user") {
		t.Errorf("another user's key file: err = %v", err)
	}
}
