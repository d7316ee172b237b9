package handoff

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

var handoffproc string // the built helper

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "handoffproc")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	// HANDOFFPROC names a helper built beforehand, for a test binary run where there is
	// no Go toolchain (cross-compiled for Windows and run under Wine).
	handoffproc = os.Getenv("HANDOFFPROC")
	if handoffproc == "" {
		handoffproc = filepath.Join(dir, "handoffproc")
		if runtime.GOOS == "windows" {
			handoffproc += ".exe"
		}
		goTool, err := exec.LookPath("go")
		if err != nil {
			goTool = filepath.Join(runtime.GOROOT(), "bin", "go")
		}
		build := exec.Command(goTool, "build", "-o", handoffproc, "./cmd/handoffproc")
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build handoffproc:", err)
			os.RemoveAll(dir)
			os.Exit(1)
		}
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

const link = "staffdesk://activate?user=arivera&code=VXZM5-7AGBY"

// desk is one running handoffproc.
type desk struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	lines  chan string
	stderr *lockedBuffer
	exited chan struct{} // closed once the process ended
	err    error         // how it ended
}

// lockedBuffer is the desk's stderr, written by exec while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

// socketDir is a fresh folder for the socket, short enough for a socket's path.
func socketDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "hand")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return filepath.Join(dir, "StaffDesk") // made by Listen, owner-only
}

func start(t *testing.T, dir string, args ...string) *desk {
	t.Helper()
	d := &desk{t: t, cmd: exec.Command(handoffproc, append([]string{"-dir", dir}, args...)...),
		lines: make(chan string, 64), stderr: &lockedBuffer{}, exited: make(chan struct{})}
	d.cmd.Stderr = d.stderr
	out, err := d.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if d.stdin, err = d.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			d.lines <- sc.Text()
		}
		close(d.lines)
		d.err = d.cmd.Wait()
		close(d.exited)
	}()
	t.Cleanup(func() {
		d.stdin.Close()
		select {
		case <-d.exited:
		case <-time.After(5 * time.Second):
			d.cmd.Process.Kill()
		}
	})
	return d
}

// next is the desk's next line of output.
func (d *desk) next() string {
	d.t.Helper()
	select {
	case l, ok := <-d.lines:
		if !ok {
			d.t.Fatalf("the desk ended; stderr: %s", d.stderr)
		}
		return l
	case <-time.After(10 * time.Second):
		d.t.Fatalf("the desk said nothing in 10 s; stderr: %s", d.stderr)
	}
	return ""
}

func (d *desk) expect(want string) {
	d.t.Helper()
	if got := d.next(); got != want {
		d.t.Fatalf("the desk said %q, want %q; stderr: %s", got, want, d.stderr)
	}
}

// quiet fails if the desk says anything within a moment.
func (d *desk) quiet() {
	d.t.Helper()
	select {
	case l := <-d.lines:
		d.t.Fatalf("the desk said %q", l)
	case <-time.After(300 * time.Millisecond):
	}
}

// wait waits for the desk to exit and returns its exit code.
func (d *desk) wait() int {
	d.t.Helper()
	for range d.lines {
	}
	select {
	case <-d.exited:
		var ee *exec.ExitError
		if errors.As(d.err, &ee) {
			return ee.ExitCode()
		} else if d.err != nil {
			d.t.Fatal(d.err)
		}
		return 0
	case <-time.After(10 * time.Second):
		d.t.Fatal("the desk did not exit")
	}
	return -1
}

// second runs a second StaffDesk with args to its end and returns what it said and
// its exit code.
func second(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	d := start(t, dir, args...)
	said := d.next()
	return said, d.wait()
}

func TestSecondHandsItsLinkToTheFirstAndExits(t *testing.T) {
	dir := socketDir(t)
	first := start(t, dir)
	first.expect("listening")

	if said, code := second(t, dir, link); said != "handed" || code != 0 {
		t.Fatalf("the second said %q and exited %d", said, code)
	}
	first.expect("link " + link)
	// Another, then one the desk will find malformed: the handoff carries it as sent,
	// for the desk to refuse with its message.
	other := "staffdesk://reset-password?user=gkim&code=7K2QD-M9XWA"
	odd := "staffdesk://delete-everything?user=gkim"
	for _, l := range []string{other, odd} {
		if said, code := second(t, dir, l); said != "handed" || code != 0 {
			t.Fatalf("the second with %q said %q and exited %d", l, said, code)
		}
		first.expect("link " + l)
	}
	// A second without a link leaves the links to the first.
	if said, code := second(t, dir); said != "running elsewhere" || code != 0 {
		t.Fatalf("a second without a link said %q and exited %d", said, code)
	}

}

// Two StaffDesks started with links at the same moment: one listens, the other hands
// its link to it.
func TestTwoStartsAtOnceEndWithOneListening(t *testing.T) {
	dir := socketDir(t)
	a := start(t, dir, link)
	b := start(t, dir, "staffdesk://activate?user=gkim&code=7K2QD-M9XWA")
	sa, sb := a.next(), b.next()
	first, handed := a, b
	if sb == "listening" {
		first, handed = b, a
		sa, sb = sb, sa
	}
	if sa != "listening" || sb != "handed" {
		t.Fatalf("the two said %q and %q", sa, sb)
	}
	if code := handed.wait(); code != 0 {
		t.Fatalf("the one that handed its link exited %d", code)
	}
	got := map[string]bool{first.next(): true, first.next(): true}
	if !got["link "+link] || !got["link staffdesk://activate?user=gkim&code=7K2QD-M9XWA"] {
		t.Fatalf("the first got %v", got)
	}
}

// Whatever reaches the socket that is not a second StaffDesk's message — garbage, an
// endless line, a link with control characters, a silent connection — is refused;
// the first keeps running, takes the next good link, and passes on nothing else.
func TestGarbageAndOversizeMessagesAreRefused(t *testing.T) {
	dir := socketDir(t)
	first := start(t, dir)
	first.expect("listening")

	for name, msg := range map[string]string{
		"a megabyte without a newline":  strings.Repeat("x", 1<<20),
		"an oversize link":              prefix + "staffdesk://activate?user=arivera&code=VXZM5-7AGBY" + strings.Repeat("&", MaxLink) + "\n",
		"not the protocol":              "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n",
		"another version":               "staffdesk-handoff/2 " + link + "\n",
		"a control character":           prefix + "staffdesk://activate?user=ari\x01vera&code=VXZM5-7AGBY\n",
		"a non-ASCII byte":              prefix + "staffdesk://activate?user=arivéra&code=VXZM5-7AGBY\n",
		"an empty link":                 prefix + "\n",
		"binary":                        "\x00\xff\xfe\x01\x02staffdesk\n",
		"a space inside":                prefix + link + " " + link + "\n",
		"two lines, the second ignored": "hello\n" + prefix + link + "\n",
	} {
		c, err := dial(context.Background(), dir)
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		go io.WriteString(c, msg)
		answer, _ := bufio.NewReader(c).ReadString('\n')
		c.Close()
		if answer != replyBad+"\n" {
			t.Errorf("%s: answered %q, want refused", name, answer)
		}
	}

	// A connection that sends nothing holds one place for Timeout at most, and does not
	// keep the good link out meanwhile.
	silent, err := dial(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()

	first.quiet()
	if said, code := second(t, dir, link); said != "handed" || code != 0 {
		t.Fatalf("after the garbage, the second said %q and exited %d", said, code)
	}
	first.expect("link " + link)
	if n := strings.Count(first.stderr.String(), "refused"); n < 10 {
		t.Errorf("the first logged %d refusals:\n%s", n, first.stderr)
	}
	if strings.Contains(first.stderr.String(), "VXZM5") {
		t.Errorf("a refusal quoted the message:\n%s", first.stderr)
	}
}

// Send and Claim without any StaffDesk running, in this process.
func TestSendWithNobodyListening(t *testing.T) {
	dir := socketDir(t)
	if err := Send(context.Background(), dir, link); !errors.Is(err, ErrNotRunning) {
		t.Fatalf("Send to nobody: %v", err)
	}
	if err := Send(context.Background(), dir, "staffdesk://x\n"); !errors.Is(err, ErrRefused) {
		t.Fatalf("Send of a link with a newline: %v", err)
	}
	l, handed, err := Claim(context.Background(), dir, "", nil)
	if err != nil || handed || l == nil {
		t.Fatalf("Claim with nobody running: %v, %v, %v", l, handed, err)
	}
	if _, err := Listen(dir, nil); !errors.Is(err, ErrRunning) {
		t.Fatalf("a second Listen: %v", err)
	}
	if l2, handed, err := Claim(context.Background(), dir, "", nil); l2 != nil || handed || err != nil {
		t.Fatalf("Claim without a link while one runs: %v, %v, %v", l2, handed, err)
	}
	if err := Send(context.Background(), dir, link); err != nil {
		t.Fatal(err)
	}
	if got := <-l.Links(); got != link {
		t.Fatalf("received %q", got)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if _, ok := <-l.Links(); ok {
		t.Fatal("Links is open after Close")
	}
}
