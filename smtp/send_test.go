package smtp

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

const testPassword = "s3cret-Pa55word"

// serverConfig returns settings for srv, signing in as office with testPassword.
func serverConfig(srv *smtptest.Server, sec Security) Config {
	return Config{
		Host: srv.Host(), Port: srv.Port(), Security: sec,
		Username: "office", Password: testPassword,
		FromName: "Valley Clinic, P.C.", FromAddress: "office@valley.example",
		Timeout: 5 * time.Second, RootCAs: srv.CertPool(),
	}
}

func withAuth(o smtptest.Options) smtptest.Options {
	o.Username, o.Password = "office", testPassword
	return o
}

// assertNoSecret fails when the password shows in any form of err.
func assertNoSecret(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v|%#v", err, err), app.ErrorMessage(err)} {
		if strings.Contains(s, testPassword) {
			t.Errorf("error leaks the password: %s", s)
		}
	}
	var walk func(error)
	walk = func(e error) {
		if e == nil {
			return
		}
		if strings.Contains(e.Error(), testPassword) || strings.Contains(fmt.Sprintf("%#v", e), testPassword) {
			t.Errorf("wrapped error %T leaks the password: %s", e, e)
		}
		switch u := e.(type) {
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		}
	}
	walk(err)
}

// sendError asserts err is a *SendError of the given failure and returns it.
func sendError(t *testing.T, err error, want Failure) *SendError {
	t.Helper()
	assertNoSecret(t, err)
	var se *SendError
	if !errors.As(err, &se) {
		t.Fatalf("error = %T %v, want *SendError", err, err)
	}
	if se.Failure != want {
		t.Fatalf("Failure = %s, want %s (%v)", se.Failure, want, err)
	}
	return se
}

func assertDelivered(t *testing.T, srv *smtptest.Server, m Message) parsedMessage {
	t.Helper()
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server received %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	if got.From != "office@valley.example" || len(got.To) != 1 || got.To[0] != m.To.Address {
		t.Errorf("envelope = %s -> %v", got.From, got.To)
	}
	p := parseMessage(t, got.Data)
	if id := p.Header.Get("Message-ID"); id != m.MessageID {
		t.Errorf("Message-ID = %q, want %q", id, m.MessageID)
	}
	if s := p.Header.Get("Subject"); s != m.Subject {
		t.Errorf("Subject = %q, want %q", s, m.Subject)
	}
	if to := p.Header.Get("To"); to != `"Jane Doe" <jane@example.com>` {
		t.Errorf("To = %q", to)
	}
	if from := p.Header.Get("From"); from != `"Valley Clinic, P.C." <office@valley.example>` {
		t.Errorf("From = %q", from)
	}
	if p.Parts["text/plain"] != m.Text || p.Parts["text/html"] != m.HTML {
		t.Errorf("parts = %q", p.Parts)
	}
	return p
}

func TestSendSTARTTLSWithAuth(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	m := testMessage()
	if err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	assertDelivered(t, srv, m)
	if n := srv.AuthAttempts(); n != 1 {
		t.Errorf("AUTH attempts = %d, want 1", n)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
}

func TestSendTLSOnConnect(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{ImplicitTLS: true}))
	m := testMessage()
	if err := NewSender(serverConfig(srv, SecurityTLS)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	assertDelivered(t, srv, m)
}

func TestSendAuthLogin(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true, AuthMechanisms: []string{"LOGIN"}}))
	m := testMessage()
	if err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	assertDelivered(t, srv, m)
}

func TestSendNoSecurityToThisComputer(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{}))
	m := testMessage()
	if err := NewSender(serverConfig(srv, SecurityNone)).Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	assertDelivered(t, srv, m)

	// The same settings for another computer are refused before any connection.
	cfg := serverConfig(srv, SecurityNone)
	cfg.Host = "mail.valley.example"
	err := NewSender(cfg).Send(context.Background(), m)
	if _, ok := app.ErrorFields(err)[FieldSecurity]; !ok {
		t.Errorf("Send = %v, want a security field error", err)
	}
}

func TestSendSTARTTLSRequiredButNotOffered(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{})) // plain text only, AUTH offered
	err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), testMessage())
	se := sendError(t, err, FailConfig)
	if se.Temporary || se.Step != StepSTARTTLS || !strings.Contains(se.Error(), "does not offer STARTTLS") {
		t.Errorf("error = %+v: %v", se, se)
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Errorf("app code = %s, want EINVALID", app.ErrorCode(err))
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("%d messages delivered", n)
	}
	if n := srv.AuthAttempts(); n != 0 {
		t.Errorf("%d AUTH attempts in plain text", n)
	}
}

func TestSendUntrustedCertificate(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	cfg := serverConfig(srv, SecurityStartTLS)
	cfg.RootCAs = nil // the system's roots do not know the test certificate
	err := NewSender(cfg).Send(context.Background(), testMessage())
	se := sendError(t, err, FailConfig)
	if se.Temporary || !strings.Contains(se.Error(), "certificate") {
		t.Errorf("error = %v", se)
	}
	if srv.AuthAttempts() != 0 || len(srv.Messages()) != 0 {
		t.Errorf("sent over an unverified connection")
	}
}

func TestSendTLSOnConnectToAPlainServer(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{STARTTLS: true})
	cfg := serverConfig(srv, SecurityTLS)
	cfg.Timeout = time.Second
	err := NewSender(cfg).Send(context.Background(), testMessage())
	se := sendError(t, err, FailConfig)
	if se.Temporary || !strings.Contains(se.Error(), "did not answer with TLS") {
		t.Errorf("error = %v", se)
	}
}

func TestSendTemporaryReply(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{
		STARTTLS:    true,
		MailReplies: []smtptest.Reply{{Code: 421, Enhanced: "4.3.0", Text: "Try again later"}},
		DataReplies: []smtptest.Reply{{Code: 451, Enhanced: "4.3.0", Text: "Local error in processing"}},
	}))
	s := NewSender(serverConfig(srv, SecurityStartTLS))
	m := testMessage()

	err := s.Send(context.Background(), m)
	se := sendError(t, err, FailReply)
	if !se.Temporary || !IsTemporary(err) || se.Code != 421 || se.EnhancedCode != "4.3.0" || se.Step != StepMail {
		t.Errorf("error = %+v", se)
	}
	if se.ServerText != "421 4.3.0 Try again later" || !strings.Contains(se.Error(), "421 4.3.0 Try again later") {
		t.Errorf("error text = %q / %q", se.ServerText, se.Error())
	}

	err = s.Send(context.Background(), m)
	se = sendError(t, err, FailReply)
	if !se.Temporary || se.Code != 451 || se.Step != StepEnd || se.MaybeDelivered {
		t.Errorf("error = %+v", se)
	}

	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("third try: %v", err)
	}
	assertDelivered(t, srv, m)
}

func TestSendPermanentReply(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{
		STARTTLS:         true,
		RecipientReplies: map[string]smtptest.Reply{"jane@example.com": {Code: 550, Enhanced: "5.1.1", Text: "mailbox unavailable"}},
	}))
	err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), testMessage())
	se := sendError(t, err, FailReply)
	if se.Temporary || IsTemporary(err) || se.Code != 550 || se.EnhancedCode != "5.1.1" || se.Step != StepRcpt {
		t.Errorf("error = %+v", se)
	}
	if se.ServerText != "550 5.1.1 mailbox unavailable" {
		t.Errorf("ServerText = %q", se.ServerText)
	}
	want := "The mail server refused the recipient jane@example.com: 550 5.1.1 mailbox unavailable"
	if se.Error() != want || app.ErrorMessage(err) != want {
		t.Errorf("Error() = %q\napp.ErrorMessage = %q\nwant %q", se.Error(), app.ErrorMessage(err), want)
	}
	if len(srv.Messages()) != 0 {
		t.Error("message delivered")
	}
}

func TestSendWrongPassword(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{STARTTLS: true, Username: "office", Password: "the-right-one"})
	err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), testMessage())
	se := sendError(t, err, FailAuth)
	if se.Temporary || se.Code != 535 || se.Step != StepAuth {
		t.Errorf("error = %+v", se)
	}
	if want := "The server refused the user name or password: 535 5.7.8 Authentication failed"; se.Error() != want {
		t.Errorf("Error() = %q, want %q", se.Error(), want)
	}
	if app.ErrorCode(err) != app.EINVALID {
		t.Errorf("app code = %s, want EINVALID", app.ErrorCode(err))
	}
	if n := srv.AuthAttempts(); n != 1 {
		t.Errorf("AUTH attempts = %d, want exactly 1", n)
	}
	if n := srv.Connections(); n != 1 {
		t.Errorf("connections = %d, want 1", n)
	}
}

func TestSendServerNeverGreets(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{NeverGreet: true})
	cfg := serverConfig(srv, SecurityStartTLS)
	cfg.Timeout = 300 * time.Millisecond
	start := time.Now()
	err := NewSender(cfg).Send(context.Background(), testMessage())
	elapsed := time.Since(start)
	se := sendError(t, err, FailTimeout)
	if !se.Temporary || se.Step != StepGreeting || !strings.Contains(se.Error(), "did not answer within 300ms") {
		t.Errorf("error = %+v: %v", se, se)
	}
	if elapsed > 2*time.Second {
		t.Errorf("Send took %s with a 300ms timeout", elapsed)
	}
	if srv.Connections() != 1 {
		t.Errorf("connections = %d, want 1", srv.Connections())
	}
}

func TestSendStopsWhenContextEnds(t *testing.T) {
	srv := smtptest.NewServer(t, smtptest.Options{NeverGreet: true})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(ctx, testMessage()) // 5s timeout
	se := sendError(t, err, FailCanceled)
	if !errors.Is(err, context.Canceled) || !se.Temporary {
		t.Errorf("error = %+v", se)
	}
	if elapsed := time.Since(start); elapsed > 2*time.Second {
		t.Errorf("Send took %s after the context ended", elapsed)
	}
}

func TestSendConnectionRefusedThenServerBack(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	s := NewSender(serverConfig(srv, SecurityStartTLS))
	m := testMessage()
	srv.Close()

	err := s.Send(context.Background(), m)
	se := sendError(t, err, FailConnect)
	if !se.Temporary || se.Step != StepConnect || !strings.Contains(se.Error(), "refused the connection") {
		t.Errorf("error = %+v: %v", se, se)
	}

	srv.Start()
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatalf("after restart: %v", err)
	}
	assertDelivered(t, srv, m)
}

func TestSendRefusesHeaderInjectionBeforeConnecting(t *testing.T) {
	srv := smtptest.NewServer(t, withAuth(smtptest.Options{STARTTLS: true}))
	m := testMessage()
	m.Subject = "Activate\r\nBcc: everyone@example.com"
	err := NewSender(serverConfig(srv, SecurityStartTLS)).Send(context.Background(), m)
	if app.ErrorCode(err) != app.EINVALID || IsTemporary(err) {
		t.Errorf("Send = %v, want EINVALID", err)
	}
	if srv.Connections() != 0 {
		t.Errorf("connected to the server anyway")
	}
}

// TestSendErrorsNeverShowThePassword runs through failures in which a password could
// surface, including a server that echoes what it was sent.
func TestSendErrorsNeverShowThePassword(t *testing.T) {
	echo := smtptest.NewServer(t, withAuth(smtptest.Options{
		STARTTLS:    true,
		MailReplies: []smtptest.Reply{{Code: 553, Enhanced: "5.7.1", Text: "sender rejected for user office password " + testPassword}},
	}))
	cfg := serverConfig(echo, SecurityStartTLS)
	err := NewSender(cfg).Send(context.Background(), testMessage())
	se := sendError(t, err, FailReply) // assertNoSecret inside
	if !strings.Contains(se.ServerText, "password ***") {
		t.Errorf("ServerText = %q", se.ServerText)
	}

	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().(*net.TCPAddr)
	l.Close()
	cfg.Port = addr.Port
	assertNoSecret(t, NewSender(cfg).Send(context.Background(), testMessage()))

	cfg.Host = "no-such-host.invalid"
	cfg.Timeout = 2 * time.Second
	err = NewSender(cfg).Send(context.Background(), testMessage())
	sendError(t, err, FailConnect)
}

// The message goes out as textproto's DotWriter would write it: dots doubled at the
// start of every line (the first one too), the final dot, and line ends other than
// CRLF (which Build never writes) made CRLF.
func TestWriteMessageMatchesDotWriter(t *testing.T) {
	for _, raw := range []string{
		"Subject: x\r\n\r\nplain\r\n",
		".leading dot\r\n..two\r\n.\r\nend\r\n",
		"a\r\n.\r\n.\r\n\r\n.b\r\n",
		"no line end at the end",
		"bare\nLF\n.dot\n",
		"bare\rCR\r\n",
		"\r\n",
	} {
		var want, got bytes.Buffer
		ww := textproto.NewWriter(bufio.NewWriter(&want))
		dw := ww.DotWriter()
		dw.Write([]byte(raw))
		dw.Close()
		ww.W.Flush()
		if err := writeMessage(textproto.NewWriter(bufio.NewWriter(&got)), []byte(raw)); err != nil {
			t.Fatal(err)
		}
		if got.String() != want.String() {
			t.Errorf("%q:\n got %q\nwant %q", raw, got.String(), want.String())
		}
	}
}
