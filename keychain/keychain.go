// Package keychain keeps the SMTP password for Settings → Email: in the operating
// system's keychain (OS), or, where none answers and the person agreed, in a file in
// the app's folder readable only by them (File).
package keychain

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/zalando/go-keyring"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/internal/private"
)

// OS is the operating system's keychain: Keychain on macOS, Credential Manager on
// Windows, the Secret Service on Linux.
type OS struct{}

var _ app.Keychain = OS{}

// Get returns the password kept for service and user, app.ErrNotInKeychain if none.
func (OS) Get(service, user string) (string, error) {
	pw, err := keyring.Get(service, user)
	if errors.Is(err, keyring.ErrNotFound) {
		return "", app.ErrNotInKeychain
	}
	return pw, err
}

// Set keeps password for service and user.
func (OS) Set(service, user, password string) error {
	return keyring.Set(service, user, password)
}

// Delete forgets the password of service and user; none kept is no error.
func (OS) Delete(service, user string) error {
	if err := keyring.Delete(service, user); err != nil && !errors.Is(err, keyring.ErrNotFound) {
		return err
	}
	return nil
}

// File keeps the SMTP password in app.PasswordFileName in the app's folder, readable
// only by this user.
type File struct{ path string }

var _ app.PasswordFile = (*File)(nil)

// NewFile returns the password file in the app's folder dir. An existing file found
// readable by others is tightened now, at start, rather than when the password is
// first needed; one that belongs to another user is refused.
func NewFile(dir string) (*File, error) {
	f := &File{path: filepath.Join(dir, app.PasswordFileName)}
	if err := private.Tighten(f.path); err != nil {
		return nil, fmt.Errorf("the SMTP password file: %w", err)
	}
	return f, nil
}

// Path is the file's path, as Settings → Email shows it.
func (f *File) Path() string { return f.path }

// Read returns the password; the error wraps fs.ErrNotExist when there is no file.
func (f *File) Read() (string, error) {
	if err := private.Tighten(f.path); err != nil {
		return "", err
	}
	b, err := os.ReadFile(f.path)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Write replaces the file with one holding password, in one step.
func (f *File) Write(password string) error {
	return private.WriteFile(f.path, []byte(password))
}

// Remove deletes the file; no file is no error.
func (f *File) Remove() error {
	if err := os.Remove(f.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return nil
}
