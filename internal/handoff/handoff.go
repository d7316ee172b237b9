// Package handoff hands a staffdesk: link from a StaffDesk just started with it to the
// StaffDesk already running for the same person, so that a link opened in an email
// lands in the window the person already has instead of in a second StaffDesk.
//
// The first StaffDesk listens on a local endpoint only its user can reach: a Unix
// domain socket in StaffDesk's own owner-only folder on Linux and macOS, a named pipe
// \\.\pipe\StaffDesk-<user> whose ACL admits only that user (and no remote client) on
// Windows. A second one connects, sends one line — the protocol's name and the link,
// at most MaxMessage bytes — within Timeout, and waits for the first to say it took
// it. The first passes the link on, unread, on its Links channel: what a link means is
// app.ParseLink's to decide, and a malformed link is shown to the person as such.
// Anything that is not such a line is refused without reaching the channel.
package handoff

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// MaxLink is the longest link handed over.
const MaxLink = app.MaxLinkLength

// prefix starts every message; the version lets a newer StaffDesk tell an older one
// it speaks differently.
const prefix = "staffdesk-handoff/1 "

// MaxMessage bounds what the first StaffDesk reads from a connection.
const MaxMessage = len(prefix) + MaxLink + 1

// Timeout bounds a whole exchange, on both ends: a connection that sends nothing is
// dropped after it, and a second StaffDesk gives up waiting after it.
var Timeout = 3 * time.Second

// The replies.
const (
	replyOK   = "ok"
	replyBusy = "busy"
	replyBad  = "refused"
)

// ErrNotRunning is in the chain of Send's error when no StaffDesk listens: the caller
// should start as the first one.
var ErrNotRunning = errors.New("no StaffDesk is running to take the link")

// ErrRunning is in the chain of Listen's error when another StaffDesk listens already.
var ErrRunning = errors.New("another StaffDesk is running")

// ErrRefused is in the chain of Send's error when the running StaffDesk refused the
// message.
var ErrRefused = errors.New("the running StaffDesk refused the link")

// maxPending is how many links wait on the channel before more are answered busy.
const maxPending = 8

// maxConns bounds the connections served at once, so that a flood of them cannot
// exhaust the first StaffDesk.
const maxConns = 4

// Listener is the first StaffDesk's end.
type Listener struct {
	ln      net.Listener
	links   chan string
	refused func(error)
	slots   chan struct{}
	wg      sync.WaitGroup
	once    sync.Once
	closed  chan struct{}
}

// Links delivers each link handed over, as sent. It is closed by Close.
func (l *Listener) Links() <-chan string { return l.links }

// Close stops listening (removing the socket file) and closes Links once every
// connection being served is done.
func (l *Listener) Close() error {
	var err error
	l.once.Do(func() {
		close(l.closed)
		err = l.ln.Close()
		l.wg.Wait()
		close(l.links)
	})
	return err
}

// newListener serves ln until Close. refused, when not nil, hears why a message was
// refused, for the log; the error never quotes the message.
func newListener(ln net.Listener, refused func(error)) *Listener {
	l := &Listener{ln: ln, links: make(chan string, maxPending), refused: refused,
		slots: make(chan struct{}, maxConns), closed: make(chan struct{})}
	l.wg.Add(1)
	go l.serve()
	return l
}

func (l *Listener) serve() {
	defer l.wg.Done()
	for {
		c, err := l.ln.Accept()
		if err != nil {
			select {
			case <-l.closed:
				return
			default:
			}
			if errors.Is(err, net.ErrClosed) {
				return
			}
			time.Sleep(50 * time.Millisecond) // EMFILE and the like: try again soon
			continue
		}
		select {
		case l.slots <- struct{}{}:
		default:
			c.Close() // too many at once: this one is dropped, the second StaffDesk starts alone
			continue
		}
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			defer func() { <-l.slots }()
			l.handle(c)
		}()
	}
}

// handle reads one message from c, answers it and closes c.
func (l *Listener) handle(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(Timeout))
	if err := checkPeer(c); err != nil {
		l.refuse(c, err)
		return
	}
	link, err := readMessage(c)
	if errors.Is(err, errProbe) {
		return // a StaffDesk starting without a link, checking this one is alive
	} else if err != nil {
		l.refuse(c, err)
		return
	}
	select {
	case l.links <- link:
		reply(c, replyOK)
	default:
		reply(c, replyBusy)
		l.report(errors.New("handoff: a link came while too many waited; it was turned away"))
	}
}

func (l *Listener) refuse(c net.Conn, err error) {
	reply(c, replyBad)
	l.report(err)
}

func (l *Listener) report(err error) {
	if l.refused != nil {
		l.refused(err)
	}
}

func reply(c net.Conn, s string) { _, _ = io.WriteString(c, s+"\n") }

// errProbe is a connection closed before it sent anything: Listen's check for a
// running StaffDesk.
var errProbe = errors.New("handoff: a connection closed without a message")

// readMessage reads the one line a second StaffDesk sends and returns its link.
func readMessage(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(io.LimitReader(r, int64(MaxMessage)), MaxMessage)
	line, err := br.ReadSlice('\n')
	switch {
	case err == io.EOF && len(line) == 0:
		return "", errProbe
	case errors.Is(err, bufio.ErrBufferFull):
		return "", fmt.Errorf("handoff: refused a message longer than %d bytes", MaxMessage)
	case err != nil:
		return "", fmt.Errorf("handoff: refused an unfinished message: %w", err)
	}
	line = line[:len(line)-1]
	if !bytes.HasPrefix(line, []byte(prefix)) {
		return "", errors.New("handoff: refused a message that is not StaffDesk's")
	}
	link := line[len(prefix):]
	if err := checkLink(string(link)); err != nil {
		return "", err
	}
	return string(link), nil
}

// checkLink refuses what cannot be a link: empty, too long, or holding a space, a
// control or a non-ASCII byte (a link StaffDesk writes has none).
func checkLink(link string) error {
	if link == "" || len(link) > MaxLink {
		return fmt.Errorf("handoff: refused a link of %d bytes", len(link))
	}
	for i := 0; i < len(link); i++ {
		if c := link[i]; c <= ' ' || c >= 0x7f {
			return errors.New("handoff: refused a link with a space, control or non-ASCII byte")
		}
	}
	return nil
}

// Send hands link to the StaffDesk running for this user with its endpoint in dir,
// and returns once that one took it. The error wraps ErrNotRunning when none listens
// (a socket file left by one that crashed is no listener), ErrRefused when it would
// not take the link. ctx bounds the exchange as well as Timeout.
func Send(ctx context.Context, dir, link string) error {
	if err := checkLink(link); err != nil {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	c, err := dial(ctx, dir)
	if err != nil {
		return err
	}
	defer c.Close()
	if d, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(d)
	}
	if _, err := io.WriteString(c, prefix+link+"\n"); err != nil {
		return fmt.Errorf("hand the link over: %w", err)
	}
	answer, err := bufio.NewReaderSize(io.LimitReader(c, 64), 64).ReadString('\n')
	if err != nil {
		return fmt.Errorf("hand the link over: no answer: %w", err)
	}
	switch answer[:len(answer)-1] {
	case replyOK:
		return nil
	case replyBusy:
		return fmt.Errorf("%w: it is busy", ErrRefused)
	}
	return ErrRefused
}

// Listen makes this StaffDesk the one that takes links, at its endpoint in dir (on
// Unix, dir is StaffDesk's own folder, made owner-only). The error wraps ErrRunning
// when another StaffDesk listens there already. refused, when not nil, hears why a
// message was refused.
func Listen(dir string, refused func(error)) (*Listener, error) {
	ln, err := listen(dir)
	if err != nil {
		return nil, err
	}
	return newListener(ln, refused), nil
}

// Claim is what a StaffDesk does as it starts: with a link, it first tries to hand it
// to a running one (handed: this process has nothing left to do); otherwise, or when
// none runs, it becomes the one that listens. A start that races another start ends
// with one listening and the other handing its link to it. With no link and another
// StaffDesk running, it returns (nil, false, nil): that one keeps taking the links.
func Claim(ctx context.Context, dir, link string, refused func(error)) (l *Listener, handed bool, err error) {
	for try := 0; try < 3; try++ {
		if link != "" {
			err := Send(ctx, dir, link)
			if err == nil {
				return nil, true, nil
			} else if !errors.Is(err, ErrNotRunning) {
				return nil, false, err
			}
		}
		l, err := Listen(dir, refused)
		if err == nil {
			return l, false, nil
		} else if !errors.Is(err, ErrRunning) {
			return nil, false, err
		} else if link == "" {
			return nil, false, nil
		}
		// Another start listened between the two steps: hand the link to it.
	}
	return nil, false, fmt.Errorf("%w: it would neither take the link nor let go", ErrRunning)
}
