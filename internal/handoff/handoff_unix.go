//go:build unix

package handoff

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"syscall"

	"github.com/staffdesk/staffdesk/internal/private"
)

// SocketName is the socket's file in StaffDesk's folder.
const SocketName = "staffdesk.sock"

// maxSocketPath is the longest socket path every Unix takes (macOS: 104 bytes with
// the terminating NUL).
const maxSocketPath = 103

// socketPath is the socket in dir, refused when too long for the system to take.
func socketPath(dir string) (string, error) {
	p := filepath.Join(dir, SocketName)
	if len(p) > maxSocketPath {
		return "", fmt.Errorf("the handoff socket %s is longer than %d bytes, too long for a socket", p, maxSocketPath)
	}
	return p, nil
}

func dial(ctx context.Context, dir string) (net.Conn, error) {
	p, err := socketPath(dir)
	if err != nil {
		return nil, err
	}
	var d net.Dialer
	c, err := d.DialContext(ctx, "unix", p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
		}
		return nil, fmt.Errorf("reach the running StaffDesk: %w", err)
	}
	return c, nil
}

// listen takes the socket in dir. A socket file nobody listens on (left by a
// StaffDesk that crashed) is removed first. The folder is made owner-only, so only
// this user reaches the socket; a lock file keeps two StaffDesks starting together
// from both finding the old socket dead, and the later one removing the earlier one's
// new socket.
func listen(dir string) (net.Listener, error) {
	p, err := socketPath(dir)
	if err != nil {
		return nil, err
	}
	if err := private.Folder(dir); err != nil {
		return nil, err
	}
	unlock, err := lockFile(p + ".lock")
	if err != nil {
		return nil, err
	}
	defer unlock()

	c, err := net.Dial("unix", p)
	switch {
	case err == nil:
		c.Close()
		return nil, ErrRunning
	case errors.Is(err, syscall.ECONNREFUSED):
		fi, serr := os.Lstat(p)
		if serr != nil || fi.Mode()&fs.ModeSocket == 0 {
			return nil, fmt.Errorf("%s is in the way of StaffDesk's socket: %w", p, err)
		}
		if err := os.Remove(p); err != nil {
			return nil, fmt.Errorf("remove the socket a StaffDesk left behind: %w", err)
		}
	case !errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("check for a running StaffDesk: %w", err)
	}
	ln, err := net.Listen("unix", p)
	if err != nil {
		return nil, fmt.Errorf("listen for links: %w", err)
	}
	// The folder keeps others out already; the socket itself too, should it be moved.
	if err := os.Chmod(p, 0o600); err != nil {
		ln.Close()
		return nil, fmt.Errorf("listen for links: %w", err)
	}
	return ln, nil
}

// lockFile holds an exclusive lock on path until unlock.
func lockFile(path string) (unlock func(), err error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	return func() {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
