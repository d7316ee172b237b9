//go:build unix

package private

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"syscall"
)

// Tighten takes away every permission of group and others from the file or folder at
// path, keeping the owner's own, so that a file left at 0644 becomes 0600 and a folder
// at 0755 becomes 0700. It refuses, with ErrNotYours, one that belongs to another user:
// StaffDesk must not keep its secrets in a file someone else controls. A missing path
// is no error.
//
// Call it before the file is opened by anything that may keep it open (SQLite): a
// file's mode is changed only while StaffDesk itself does not hold it.
func Tighten(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("check %s: %w", path, err)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok && int(st.Uid) != os.Getuid() {
		return fmt.Errorf("%s: %w (user id %d), so StaffDesk will not use it; move it away or make it yours", path, ErrNotYours, st.Uid)
	}
	if fi.Mode().Perm()&0o077 == 0 {
		return nil
	}
	if err := os.Chmod(path, fi.Mode().Perm()&^0o077); err != nil {
		return fmt.Errorf("make %s readable only by you: %w", path, err)
	}
	return nil
}
