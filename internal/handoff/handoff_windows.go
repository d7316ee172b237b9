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
	tu, err := windows.GetCurrentProcessToken().GetTokenUser()
	if err != nil {
		return nil, fmt.Errorf("find who you are: %w", err)
	}
	sddl := "D:P(A;;GA;;;" + tu.User.Sid.String() + ")"
	ln, err := winio.ListenPipe(name, &winio.PipeConfig{SecurityDescriptor: sddl, InputBufferSize: 4096, OutputBufferSize: 4096})
	if err != nil {
		if errors.Is(err, windows.ERROR_ACCESS_DENIED) || errors.Is(err, windows.ERROR_PIPE_BUSY) {
			return nil, fmt.Errorf("%w: %w", ErrRunning, err)
		}
		return nil, fmt.Errorf("listen for links: %w", err)
	}
	return ln, nil
}
