package smtp

import (
	"context"
	"fmt"
	"net"
	"net/mail"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

func messageTo(i int, address string) Message {
	m := testMessage()
	m.MessageID = fmt.Sprintf("<session-%d@valley.example>", i)
	m.To = mail.Address{Name: "Jane Doe", Address: address}
	return m
}

// A run of messages goes over one connection: one TLS handshake, one AUTH.
func TestSessionSendsARunOverOneConnection(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	ss := NewSender(serverConfig(srv, SecurityStartTLS)).Session()
	for i := 0; i < 5; i++ {
		if err := ss.Send(context.Background(), messageTo(i, "jane@example.com")); err != nil {
			t.Fatal(err)
		}
	}
	ss.Close()
	if n := len(srv.Messages()); n != 5 {
		t.Fatalf("delivered %d, want 5", n)
	}
	if c, a := srv.Connections(), srv.AuthAttempts(); c != 1 || a != 1 {
		t.Fatalf("%d connections and %d AUTH for 5 messages, want 1 and 1", c, a)
	}
}

// A recipient refused halfway through a run costs neither the connection nor the
// next message.
func TestSessionGoesOnAfterARefusedRecipient(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true, RecipientReplies: map[string]smtptest.Reply{
		"gone@example.com": {Code: 550, Enhanced: "5.1.1", Text: "mailbox unavailable"}}}))
	ss := NewSender(serverConfig(srv, SecurityStartTLS)).Session()
	defer ss.Close()
	if err := ss.Send(context.Background(), messageTo(1, "jane@example.com")); err != nil {
		t.Fatal(err)
	}
	se := sendError(t, ss.Send(context.Background(), messageTo(2, "gone@example.com")), FailReply)
	if se.Step != StepRcpt || se.Temporary || !strings.Contains(se.Error(), "550 5.1.1 mailbox unavailable") {
		t.Fatalf("refused recipient: %+v", se)
	}
	if err := ss.Send(context.Background(), messageTo(3, "jane@example.com")); err != nil {
		t.Fatal(err)
	}
	if n, c := len(srv.Messages()), srv.Connections(); n != 2 || c != 1 {
		t.Fatalf("%d delivered over %d connections, want 2 over 1", n, c)
	}
}

// A server that dropped the idle connection: the next message goes over a new one.
func TestSessionReconnectsWhenTheServerDropped(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	ss := NewSender(serverConfig(srv, SecurityStartTLS)).Session()
	defer ss.Close()
	if err := ss.Send(context.Background(), messageTo(1, "jane@example.com")); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	srv.Start()
	if err := ss.Send(context.Background(), messageTo(2, "jane@example.com")); err != nil {
		t.Fatalf("after the server dropped the connection: %v", err)
	}
	if n, c := len(srv.Messages()), srv.Connections(); n != 2 || c != 2 {
		t.Fatalf("%d delivered over %d connections, want 2 over 2", n, c)
	}
}

// hostileServer accepts one connection and writes reply to it, then waits.
func hostileServer(t *testing.T, reply func(net.Conn)) Config {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		c, err := l.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		reply(c)
		time.Sleep(5 * time.Second)
	}()
	addr := l.Addr().(*net.TCPAddr)
	return Config{Host: "127.0.0.1", Port: addr.Port, Security: SecurityNone, FromName: "Valley Clinic",
		FromAddress: "office@valley.example", Timeout: 10 * time.Second}
}

// allocatedDuring returns the bytes allocated while fn ran.
func allocatedDuring(fn func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fn()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// A 64 MiB greeting: the send fails with a clear reason and StaffDesk never holds
// more than a few KiB of it.
func TestSendRefusesAHugeGreeting(t *testing.T) {
	line := []byte("220 " + strings.Repeat("x", 1<<20)) // made before the count begins
	cfg := hostileServer(t, func(c net.Conn) {
		for i := 0; i < 64; i++ {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})
	var err error
	alloc := allocatedDuring(func() { err = NewSender(cfg).Send(context.Background(), testMessage()) })
	se := sendError(t, err, FailProtocol)
	if se.Step != StepGreeting || !strings.Contains(se.Error(), "longer than StaffDesk accepts") {
		t.Fatalf("reason: %v", se)
	}
	if alloc > 1<<20 {
		t.Fatalf("allocated %d KiB reading a hostile greeting", alloc>>10)
	}
	t.Logf("a 64 MiB greeting: %d KiB allocated; %v", alloc>>10, se)
}

// A reply of endless short continuation lines is bounded as a whole.
func TestSendRefusesAnEndlessReply(t *testing.T) {
	cfg := hostileServer(t, func(c net.Conn) {
		c.Write([]byte("220 mail.example ESMTP\r\n"))
		buf := make([]byte, 4096)
		c.Read(buf) // EHLO
		line := []byte("250-" + strings.Repeat("y", 60) + "\r\n")
		for i := 0; i < 1<<20/len(line)*64; i++ {
			if _, err := c.Write(line); err != nil {
				return
			}
		}
	})
	var err error
	alloc := allocatedDuring(func() { err = NewSender(cfg).Send(context.Background(), testMessage()) })
	se := sendError(t, err, FailProtocol)
	if se.Step != StepHello || !strings.Contains(se.Error(), "reply is longer than 64 KiB") {
		t.Fatalf("reason: %v", se)
	}
	if alloc > 8<<20 {
		t.Fatalf("allocated %d KiB reading an endless reply", alloc>>10)
	}
}
