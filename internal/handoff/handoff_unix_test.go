//go:build unix

package handoff

import (
	"bufio"
	"context"
	"errors"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Only this user reaches the socket: its folder is owner-only, and so is the socket;
// and Close removes it.
func TestOnlyThisUserReachesTheSocket(t *testing.T) {
	dir := socketDir(t)
	if err := os.MkdirAll(dir, 0o755); err != nil { // found open to others: tightened
		t.Fatal(err)
	}
	l, err := Listen(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]fs.FileMode{dir: 0o700, filepath.Join(dir, SocketName): 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	l.Close()
	if _, err := os.Lstat(filepath.Join(dir, SocketName)); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Close left the socket file: %v", err)
	}
}

// A message cut short (the sender closed its end before the newline) is refused.
func TestMessageCutShortIsRefused(t *testing.T) {
	dir := socketDir(t)
	first := start(t, dir)
	first.expect("listening")
	c, err := dial(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, prefix+link)
	c.(*net.UnixConn).CloseWrite()
	if answer, _ := bufio.NewReader(c).ReadString('\n'); answer != replyBad+"\n" {
		t.Fatalf("answered %q", answer)
	}
	first.quiet()
	if !strings.Contains(first.stderr.String(), "unfinished") {
		t.Errorf("the first logged:\n%s", first.stderr)
	}
}

// A StaffDesk that crashed leaves its socket file behind: the next one started with a
// link finds nobody listening, removes it, and becomes the first.
func TestStaleSocketIsRecovered(t *testing.T) {
	dir := socketDir(t)
	crashed := start(t, dir)
	crashed.expect("listening")
	if err := crashed.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	crashed.wait()
	if fi, err := os.Lstat(filepath.Join(dir, SocketName)); err != nil || fi.Mode()&fs.ModeSocket == 0 {
		t.Fatalf("the crash left no socket file behind (%v); the test proves nothing", err)
	}
	if err := Send(context.Background(), dir, link); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Send to the dead socket: %v, want ErrNotRunning", err)
	}

	next := start(t, dir, link)
	next.expect("listening")
	next.expect("link " + link)
	other := "staffdesk://confirm-email?user=arivera&code=7K2QD-M9XWA"
	if said, code := second(t, dir, other); said != "handed" || code != 0 {
		t.Fatalf("a third said %q and exited %d", said, code)
	}
	next.expect("link " + other)
}
