//go:build windows

package handoff

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os/user"
	"strings"
	"time"

	"github.com/Microsoft/go-winio"
	"golang.org/x/sys/windows"
)

// pipeName is the person's pipe: \\.\pipe\StaffDesk-<user>, the user's DOMAIN\name
// with the backslash, which a pipe name cannot hold, made a hyphen. A pipe ends with
// the process that made it, so none is ever left behind; dir is not used.
func pipeName() (string, error) {
	u, err := user.Current()
	if err != nil {
		return "", fmt.Errorf("find who you are: %w", err)
	}
	return `\\.\pipe\StaffDesk-` + strings.NewReplacer(`\`, "-", "/", "-").Replace(u.Username), nil
}

func dial(ctx context.Context, dir string) (net.Conn, error) {
	name, err := pipeName()
	if err != nil {
		return nil, err
	}
	c, err := winio.DialPipeContext(ctx, name)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w: %w", ErrNotRunning, err)
		}
		return nil, fmt.Errorf("reach the running StaffDesk: %w", err)
	}
	return c, nil
}

// listen makes the pipe. Its ACL gives this user, and nobody else, access (the
// default one would let every user read it); winio refuses remote clients, and makes
// the first instance only, so a second StaffDesk cannot take over the name.
func listen(dir string) (net.Listener, error) {
	name, err := pipeName()
	if err != nil {
		return nil, err
	}
	// A pipe of that name answering means a StaffDesk runs; the name also cannot be
	// made twice, but which error says so differs between Windows and Wine.
	probe := 300 * time.Millisecond
	if c, err := winio.DialPipe(name, &probe); err == nil {
		c.Close()
		return nil, ErrRunning
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: %w", ErrRunning, err) // busy serving, or not ours to open
	}
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("find who you are: %w", err)
	}
	sddl := "D:P(A;;GA;;;" + tu.User.Sid.String() + ")"
	ln, err := winio.ListenPipe(name, &winio.PipeConfig{SecurityDescriptor: sddl, InputBufferSize: 4096, OutputBufferSize: 4096})
	if err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) ||
			errors.Is(err, windows.ERROR_ALREADY_EXISTS) || errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("%w: %w", ErrRunning, err)
		}
		return nil, fmt.Errorf("listen for links: %w", err)
	}
	// winio keeps the pipe's first instance unconnectable (on Windows: Wine lets a
	// client connect to it, and nothing ever reads what it sends). Connecting once here
	// uses that instance up under Wine; on Windows it is a probe like any other.
	if c, err := winio.DialPipe(name, &probe); err == nil {
		c.Close()
	}
	return ln, nil
}
