package keychain_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/keychain"
)

func TestFile(t *testing.T) {
	dir := t.TempDir()
	f, err := keychain.NewFile(dir)
	if err != nil {
		t.Fatal(err)
	}
	if f.Path() != filepath.Join(dir, app.PasswordFileName) {
		t.Fatalf("path %s", f.Path())
	}
	if _, err := f.Read(); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Read with no file: %v", err)
	}
	if err := f.Write("s3cret pass"); err != nil {
		t.Fatal(err)
	}
	if pw, err := f.Read(); err != nil || pw != "s3cret pass" {
		t.Fatalf("Read = %q, %v", pw, err)
	}
	if runtime.GOOS != "windows" {
		if fi, _ := os.Stat(f.Path()); fi.Mode().Perm() != 0o600 {
			t.Errorf("mode %o, want 600", fi.Mode().Perm())
		}
	}
	if err := f.Remove(); err != nil {
		t.Fatal(err)
	}
	if err := f.Remove(); err != nil {
		t.Fatalf("Remove with no file: %v", err)
	}
}

// TestNewFileTightensAtStart: a password file left readable by others is made
// owner-only when the app starts, before the password is first needed.
func TestNewFileTightensAtStart(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("Windows keeps the file private with the profile folder's ACL")
	}
	dir := t.TempDir()
	path := filepath.Join(dir, app.PasswordFileName)
	if err := os.WriteFile(path, []byte("pw"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := keychain.NewFile(dir); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(path); fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %o after start, want 600", fi.Mode().Perm())
	}
}
