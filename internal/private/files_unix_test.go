//go:build unix

package private_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/staffdesk/staffdesk/internal/private"
)

func mode(t *testing.T, path string) os.FileMode {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Mode().Perm()
}

// chmod sets a mode regardless of the umask.
func chmod(t *testing.T, path string, m os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, m); err != nil {
		t.Fatal(err)
	}
}

func TestTighten(t *testing.T) {
	dir := t.TempDir()
	loose := filepath.Join(dir, "pin.key")
	readOnly := filepath.Join(dir, "read-only")
	folder := filepath.Join(dir, "StaffDesk")
	for _, p := range []string{loose, readOnly} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(folder, 0o700); err != nil {
		t.Fatal(err)
	}
	chmod(t, loose, 0o644)
	chmod(t, readOnly, 0o444)
	chmod(t, folder, 0o755)

	for p, want := range map[string]os.FileMode{loose: 0o600, readOnly: 0o400, folder: 0o700} {
		if err := private.Tighten(p); err != nil {
			t.Fatalf("Tighten(%s): %v", p, err)
		}
		if got := mode(t, p); got != want {
			t.Errorf("%s mode = %o, want %o", filepath.Base(p), got, want)
		}
	}
	if err := private.Tighten(filepath.Join(dir, "missing")); err != nil {
		t.Errorf("Tighten of a missing file: %v", err)
	}
}

func TestTightenRefusesAnotherUsersFile(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("giving a file to another user needs root")
	}
	path := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(path, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	chmod(t, path, 0o644)
	if err := os.Chown(path, 4242, 4242); err != nil {
		t.Fatal(err)
	}
	err := private.Tighten(path)
	if !errors.Is(err, private.ErrNotYours) {
		t.Fatalf("Tighten of another user's file = %v, want ErrNotYours", err)
	}
	if got := mode(t, path); got != 0o644 {
		t.Errorf("another user's file was changed to %o", got)
	}
}

func TestFolder(t *testing.T) {
	base := t.TempDir()
	dir := filepath.Join(base, "a", "StaffDesk")
	if err := private.Folder(dir); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("new folder mode = %o, want 700", got)
	}
	chmod(t, dir, 0o755)
	if err := private.Folder(dir); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, dir); got != 0o700 {
		t.Errorf("existing loose folder mode = %o, want 700", got)
	}

	// MkdirAll leaves a folder that exists (the person's own) alone.
	chmod(t, base, 0o755)
	if err := private.MkdirAll(filepath.Join(base, "b")); err != nil {
		t.Fatal(err)
	}
	if got := mode(t, base); got != 0o755 {
		t.Errorf("MkdirAll changed an existing folder to %o", got)
	}
	if got := mode(t, filepath.Join(base, "b")); got != 0o700 {
		t.Errorf("MkdirAll made a folder %o, want 700", got)
	}
}

func TestCreate(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "staffdesk.db")
	created, err := private.Create(path)
	if err != nil || !created {
		t.Fatalf("Create = %v, %v; want true, nil", created, err)
	}
	if got := mode(t, path); got != 0o600 {
		t.Errorf("new file mode = %o, want 600", got)
	}
	// An existing file is left for the caller to judge.
	chmod(t, path, 0o664)
	if created, err = private.Create(path); err != nil || created {
		t.Fatalf("Create of an existing file = %v, %v; want false, nil", created, err)
	}
	if got := mode(t, path); got != 0o664 {
		t.Errorf("existing file mode = %o, want it left at 664", got)
	}
}

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "smtp-password")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	chmod(t, path, 0o644)
	if err := private.WriteFile(path, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "new" {
		t.Errorf("content = %q, want new", b)
	}
	if got := mode(t, path); got != 0o600 {
		t.Errorf("mode = %o, want 600", got)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}
