package handoff

import (
	"fmt"
	"net"
	"os"

	"golang.org/x/sys/unix"
)

// checkPeer refuses a connection from another user. The owner-only folder keeps them
// out already; this holds even if the socket were reached some other way.
func checkPeer(c net.Conn) error {
	uc, ok := c.(*net.UnixConn)
	if !ok {
		return nil
	}
	raw, err := uc.SyscallConn()
	if err != nil {
		return fmt.Errorf("handoff: who is connecting: %w", err)
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return fmt.Errorf("handoff: who is connecting: %w", err)
	}
	if credErr != nil {
		return fmt.Errorf("handoff: who is connecting: %w", credErr)
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Errorf("handoff: refused a connection from user id %d", cred.Uid)
	}
	return nil
}
