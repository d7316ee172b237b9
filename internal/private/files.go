// Package private keeps StaffDesk's own files — the database, the PIN key, the SMTP
// password file, the log and the folder that holds them — to the person using the
// computer.
//
// On Unix that is the file mode: folders StaffDesk creates are 0700 and files 0600,
// and an existing file or folder found looser (copied in, made by hand, left by an old
// release) is tightened on every start; one that belongs to another user is refused.
// On Windows a mode means little (Chmod only flips the read-only bit) and a file that
// another handle holds open cannot be changed at all: there the files are protected by
// the ACL of the per-user profile folder (%AppData%) they live in, and nothing is
// chmodded.
package private

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ErrNotYours is in the chain of the error Tighten returns for a file or folder that
// belongs to another user.
var ErrNotYours = errors.New("it belongs to another user")

// MkdirAll creates dir and any missing parents owner-only. Folders that exist already
// are left as they are: they may be the person's own, like their home folder.
func MkdirAll(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create folder %s: %w", dir, err)
	}
	return nil
}

// Folder makes sure StaffDesk's own folder dir exists owner-only: created so when
// missing, tightened when found looser, refused when it belongs to another user.
func Folder(dir string) error {
	if err := MkdirAll(dir); err != nil {
		return err
	}
	return Tighten(dir)
}

// Create makes sure the file at path exists, creating it empty and owner-only when
// missing (its folder too), so that it is never readable by others even for a moment.
// It reports whether it created the file. An existing file is left as it is, for the
// caller to judge before it Tightens it: it may not be StaffDesk's.
func Create(path string) (created bool, err error) {
	if err := MkdirAll(filepath.Dir(path)); err != nil {
		return false, err
	}
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		return true, f.Close()
	case errors.Is(err, fs.ErrExist):
		return false, nil
	}
	return false, fmt.Errorf("create %s: %w", path, err)
}

// WriteFile writes b to path owner-only, replacing the file in one step: a reader
// sees the old content or the new, never a part.
func WriteFile(path string, b []byte) error {
	dir := filepath.Dir(path)
	if err := MkdirAll(dir); err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp") // created 0600
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp) // a no-op once renamed
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	SyncDir(dir)
	return nil
}

// CreateTemp is os.CreateTemp in dir (created owner-only when missing): the file is
// owner-only from the start.
func CreateTemp(dir, pattern string) (*os.File, error) {
	if err := MkdirAll(dir); err != nil {
		return nil, err
	}
	return os.CreateTemp(dir, pattern)
}

// SyncDir makes a new directory entry durable where the system allows it; it is best
// effort because Windows can't open a directory for syncing.
func SyncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
