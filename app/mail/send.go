package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/smtp"
	"slices"
	"strings"
	"time"
)

// quitTimeout caps the wait for the reply to QUIT: the message is accepted by then,
// and the person at the desk should not wait on a server's manners.
const quitTimeout = 2 * time.Second

// Sender delivers messages with one set of settings. Each Send opens one connection,
// signs in at most once and closes the connection before returning; there is no pool
// and nothing is kept between sends, so a Sender is safe for concurrent use.
type Sender struct {
	cfg Config
}

// NewSender returns a Sender for cfg. The settings are checked on every Send.
func NewSender(cfg Config) *Sender {
	return &Sender{cfg: cfg}
}

// String keeps the password out of a printed Sender.
func (s *Sender) String() string { return "mail.Sender(" + s.cfg.Redacted() + ")" }

// Send builds m and delivers it to m.To. Invalid settings or an invalid message give an
// app.Error (EINVALID) and nothing is sent; anything that goes wrong on the wire gives
// a *SendError. Every step — connect, TLS, greeting, each command, the message and the
// server's verdict on it — has its own Config.Timeout, and ctx ending stops the send
// at once.
func (s *Sender) Send(ctx context.Context, m Message) error {
	if err := s.cfg.Validate(); err != nil {
		return err
	}
	raw, err := Build(s.cfg, m)
	if err != nil {
		return err
	}
	a := &attempt{ctx: ctx, cfg: s.cfg, to: m.To.Address}
	return a.deliver(raw)
}

// attempt is one delivery: one connection, one try.
type attempt struct {
	ctx  context.Context
	cfg  Config
	to   string
	conn net.Conn // the TCP connection; deadlines set on it also bind TLS on top of it
}

// step arms the deadline for the next step of the conversation.
func (a *attempt) step() {
	a.conn.SetDeadline(time.Now().Add(a.cfg.timeout()))
}

func (a *attempt) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: a.cfg.Host, RootCAs: a.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

func (a *attempt) deliver(raw []byte) error {
	if err := a.ctx.Err(); err != nil {
		return a.failure(StepConnect, err)
	}
	dialer := net.Dialer{Timeout: a.cfg.timeout()}
	conn, err := dialer.DialContext(a.ctx, "tcp", a.cfg.addr())
	if err != nil {
		return a.failure(StepConnect, err)
	}
	a.conn = conn
	defer conn.Close()
	// Closing the connection is the one way to interrupt a blocked read at once.
	stop := context.AfterFunc(a.ctx, func() { conn.Close() })
	defer stop()

	var wire net.Conn = conn
	if a.cfg.Security == SecurityTLS {
		tc := tls.Client(conn, a.tlsConfig())
		a.step()
		if err := tc.HandshakeContext(a.ctx); err != nil {
			return a.failure(StepTLS, err)
		}
		wire = tc
	}
	a.step()
	c, err := smtp.NewClient(wire, a.cfg.Host) // reads the greeting
	if err != nil {
		return a.failure(StepGreeting, err)
	}
	a.step()
	if err := c.Hello(helloName(conn)); err != nil { // EHLO, or HELO if refused
		return a.failure(StepHello, err)
	}
	if a.cfg.Security == SecurityStartTLS {
		if ok, _ := c.Extension("STARTTLS"); !ok { // no fall-back to plain text
			return a.configFailure(StepSTARTTLS, fmt.Sprintf("The mail server at %s does not offer STARTTLS, which these settings require, so nothing was sent. Check the port (587 usually offers STARTTLS) or choose TLS on connect for port 465.", a.cfg.addr()))
		}
		a.step()
		if err := c.StartTLS(a.tlsConfig()); err != nil { // handshake and a new EHLO
			return a.failure(StepSTARTTLS, err)
		}
	}
	if a.cfg.Username != "" {
		auth, serr := a.chooseAuth(c)
		if serr != nil {
			return serr
		}
		a.step()
		if err := c.Auth(auth); err != nil { // exactly one AUTH command
			return a.failure(StepAuth, err)
		}
	}
	a.step()
	if err := c.Mail(a.cfg.FromAddress); err != nil {
		return a.failure(StepMail, err)
	}
	a.step()
	if err := c.Rcpt(a.to); err != nil {
		return a.failure(StepRcpt, err)
	}
	a.step()
	w, err := c.Data()
	if err != nil {
		return a.failure(StepData, err)
	}
	a.step()
	if _, err := w.Write(raw); err != nil {
		return a.failure(StepMessage, err)
	}
	a.step()
	if err := w.Close(); err != nil { // the final dot, then the server's verdict
		return a.failure(StepEnd, err)
	}
	conn.SetDeadline(time.Now().Add(min(a.cfg.timeout(), quitTimeout)))
	c.Quit() // accepted already; a failed goodbye changes nothing
	return nil
}

// chooseAuth picks PLAIN, or LOGIN when the server offers only that (as some hosted
// services do).
func (a *attempt) chooseAuth(c *smtp.Client) (smtp.Auth, *SendError) {
	ok, list := c.Extension("AUTH")
	if !ok {
		return nil, a.configFailure(StepAuth, fmt.Sprintf("The mail server at %s does not offer sign-in (AUTH) on this connection, so nothing was sent. Clear the user name if the server takes mail without it.", a.cfg.addr()))
	}
	mechs := strings.Fields(strings.ToUpper(list))
	host := a.cfg.Host
	switch {
	case slices.Contains(mechs, "PLAIN"):
		return &plainAuth{host: host, username: a.cfg.Username, password: a.cfg.Password}, nil
	case slices.Contains(mechs, "LOGIN"):
		return &loginAuth{host: host, username: a.cfg.Username, password: a.cfg.Password}, nil
	}
	return nil, a.configFailure(StepAuth, fmt.Sprintf("The mail server at %s offers only sign-in methods StaffDesk does not support (%s).", a.cfg.addr(), strings.Join(mechs, ", ")))
}

// helloName is what the client calls itself in EHLO: its own address as an RFC 5321
// address literal, which strict servers accept where a bare Windows machine name or
// "localhost" would be refused.
func helloName(conn net.Conn) string {
	if ta, ok := conn.LocalAddr().(*net.TCPAddr); ok {
		if ip4 := ta.IP.To4(); ip4 != nil {
			return "[" + ip4.String() + "]"
		}
		return "[IPv6:" + ta.IP.String() + "]"
	}
	return "localhost"
}

// plainAuth is AUTH PLAIN (RFC 4616). net/smtp's own refuses loopback IPs other than
// 127.0.0.1, so StaffDesk keeps its own with the same rule as Validate.
type plainAuth struct {
	host, username, password string
}

func (p *plainAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(p.host) {
		return "", nil, errInsecureAuth
	}
	return "PLAIN", []byte("\x00" + p.username + "\x00" + p.password), nil
}

func (p *plainAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if more {
		return nil, errors.New("unexpected challenge after AUTH PLAIN")
	}
	return nil, nil
}

// loginAuth is the old AUTH LOGIN: the server asks for the user name, then the
// password.
type loginAuth struct {
	host, username, password string
	asked                    int
}

func (l *loginAuth) Start(server *smtp.ServerInfo) (string, []byte, error) {
	if !server.TLS && !isLoopback(l.host) {
		return "", nil, errInsecureAuth
	}
	return "LOGIN", nil, nil
}

func (l *loginAuth) Next(fromServer []byte, more bool) ([]byte, error) {
	if !more {
		return nil, nil
	}
	l.asked++
	switch l.asked {
	case 1:
		return []byte(l.username), nil
	case 2:
		return []byte(l.password), nil
	}
	return nil, errors.New("unexpected challenge after AUTH LOGIN")
}
