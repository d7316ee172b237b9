package smtp

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	netsmtp "net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"time"
)

// quitTimeout caps the wait for the reply to QUIT: the message is accepted by then,
// and the person at the desk should not wait on a server's manners.
const quitTimeout = 2 * time.Second

// The most StaffDesk reads of one reply line and of one whole reply. RFC 5321 allows
// 512 octets a line; real servers stay far below these, and a broken or hostile server
// must not make StaffDesk hold an unbounded reply in memory.
const (
	maxReplyLine = 4 << 10
	maxReply     = 64 << 10
)

// Sender delivers messages with one set of settings. Each Send opens one connection,
// signs in at most once and closes the connection before returning; nothing is kept
// between sends, so a Sender is safe for concurrent use. Session sends a run of
// messages over one connection.
type Sender struct {
	cfg Config
}

// NewSender returns a Sender for cfg. The settings are checked on every Send.
func NewSender(cfg Config) *Sender {
	return &Sender{cfg: cfg}
}

// String keeps the password out of a printed Sender.
func (s *Sender) String() string { return "smtp.Sender(" + s.cfg.Redacted() + ")" }

// Send builds m and delivers it to m.To. Invalid settings or an invalid message give an
// app.Error (EINVALID) and nothing is sent; anything that goes wrong on the wire gives
// a *SendError. Every step — connect, TLS, greeting, each command, the message and the
// server's verdict on it — has its own Config.Timeout, and ctx ending stops the send
// at once.
func (s *Sender) Send(ctx context.Context, m Message) error {
	ss := s.Session()
	defer ss.Close()
	return ss.Send(ctx, m)
}

// Session returns a conversation with the server for a run of messages.
func (s *Sender) Session() *Session { return &Session{cfg: s.cfg} }

// Session sends messages over one connection: it connects, starts TLS and signs in
// once, at the first Send; resets the server's state (RSET) before a message that
// follows a failed one; and connects again when the server has dropped an idle
// connection. Send's errors are Sender.Send's. Not safe for concurrent use.
type Session struct {
	cfg   Config
	valid bool // cfg passed Validate

	conn  net.Conn        // the TCP connection, nil when there is none
	text  *textproto.Conn // the conversation over conn, or over TLS on top of it
	tls   bool
	ext   map[string]string // the EHLO keywords, upper case, with their parameters
	dirty bool              // a mail transaction began and did not end: RSET first
	// broken: the server's state is not known (it took DATA after refusing the
	// recipient); the connection is dropped rather than reused.
	broken bool
	buf    []byte // the last message built; Close clears it (it holds codes)
}

// Send builds m and delivers it over the session's connection.
func (ss *Session) Send(ctx context.Context, m Message) error {
	if !ss.valid {
		if err := ss.cfg.Validate(); err != nil {
			return err
		}
		ss.valid = true
	}
	raw, err := build(ss.buf, ss.cfg, m)
	if err != nil {
		return err
	}
	ss.buf = raw // its space is the next message's
	a := &attempt{ctx: ctx, cfg: ss.cfg, to: m.To.Address, ss: ss}
	return a.deliver(raw)
}

// Close says goodbye to the server and closes the connection.
func (ss *Session) Close() {
	clear(ss.buf[:cap(ss.buf)])
	ss.buf = nil
	if ss.text == nil {
		return
	}
	ss.conn.SetDeadline(time.Now().Add(min(ss.cfg.timeout(), quitTimeout)))
	ss.cmd(221, "QUIT") // the messages are accepted already; a failed goodbye changes nothing
	ss.drop()
}

// drop closes the connection without a word.
func (ss *Session) drop() {
	if ss.conn != nil {
		ss.conn.Close()
	}
	ss.conn, ss.text, ss.tls, ss.ext, ss.dirty, ss.broken = nil, nil, false, nil, false, false
}

// converse makes wire the connection's conversation, every reply read through the
// size limits.
func (ss *Session) converse(wire net.Conn) {
	ss.text = textproto.NewConn(struct {
		io.Reader
		io.Writer
		io.Closer
	}{&replyLimit{r: wire}, wire, wire})
	// A message goes out in one TLS record (at most 16 KiB) and one write, rather than
	// in 4 KiB pieces.
	ss.text.W = bufio.NewWriterSize(wire, 16<<10)
}

// cmd sends one command and reads its reply, which must have code expect (a prefix
// when shorter: 25 takes 250 and 251; 0 takes any).
func (ss *Session) cmd(expect int, format string, args ...any) (int, string, error) {
	id, err := ss.text.Cmd(format, args...)
	if err != nil {
		return 0, "", err
	}
	ss.text.StartResponse(id)
	defer ss.text.EndResponse(id)
	return ss.text.ReadResponse(expect)
}

// attempt is one message's try over the session.
type attempt struct {
	ctx context.Context
	cfg Config
	to  string
	ss  *Session
}

// step arms the deadline for the next step of the conversation. Deadlines set on the
// TCP connection also bind TLS on top of it.
func (a *attempt) step() {
	a.ss.conn.SetDeadline(time.Now().Add(a.cfg.timeout()))
}

func (a *attempt) tlsConfig() *tls.Config {
	return &tls.Config{ServerName: a.cfg.Host, RootCAs: a.cfg.RootCAs, MinVersion: tls.VersionTLS12}
}

func (a *attempt) deliver(raw []byte) error {
	if err := a.ctx.Err(); err != nil {
		return a.failure(StepConnect, err)
	}
	ss := a.ss
	if ss.text != nil {
		err := a.watched(func() *SendError { return a.transaction(raw) })
		if err == nil || !a.stale(err) {
			return a.settle(err)
		}
		// The server dropped the connection while it was idle, before any of this
		// message went: connect again and send it once more.
		ss.drop()
	}
	if err := a.connect(); err != nil {
		return a.settle(err)
	}
	return a.settle(a.watched(func() *SendError { return a.transaction(raw) }))
}

// watched runs fn with ctx watched: its end closes the connection, the one way to
// interrupt a blocked read at once.
func (a *attempt) watched(fn func() *SendError) *SendError {
	conn := a.ss.conn
	stop := context.AfterFunc(a.ctx, func() { conn.Close() })
	defer stop()
	return fn()
}

// stale reports whether err says that a reused connection was already gone when this
// message began: nothing of it was sent, so sending it over a new one is safe.
func (a *attempt) stale(err *SendError) bool {
	if a.ctx.Err() != nil || (err.Step != StepReset && err.Step != StepMail) {
		return false
	}
	return err.Failure == FailConnect || err.Code == 421
}

// settle keeps the connection after a failure only when the server answered the
// message's own commands and is still talking; it returns err as an error.
func (a *attempt) settle(err *SendError) error {
	if err == nil {
		return nil
	}
	keep := err.Failure == FailReply && err.Code != 421 && a.ctx.Err() == nil && !a.ss.broken
	switch err.Step {
	case StepMail, StepRcpt, StepData, StepEnd:
	default:
		keep = false
	}
	if !keep {
		a.ss.drop()
	}
	return err
}

// connect opens the connection: TCP, TLS, greeting, EHLO, STARTTLS and AUTH.
func (a *attempt) connect() *SendError {
	ss := a.ss
	dialer := net.Dialer{Timeout: a.cfg.timeout()}
	conn, err := dialer.DialContext(a.ctx, "tcp", a.cfg.addr())
	if err != nil {
		return a.failure(StepConnect, err)
	}
	ss.conn = conn
	serr := a.watched(a.open)
	if serr != nil {
		ss.drop()
	}
	return serr
}

func (a *attempt) open() *SendError {
	ss := a.ss
	var wire net.Conn = ss.conn
	if a.cfg.Security == SecurityTLS {
		tc := tls.Client(ss.conn, a.tlsConfig())
		a.step()
		if err := tc.HandshakeContext(a.ctx); err != nil {
			return a.failure(StepTLS, err)
		}
		wire, ss.tls = tc, true
	}
	ss.converse(wire)
	a.step()
	if _, _, err := ss.text.ReadResponse(220); err != nil {
		return a.failure(StepGreeting, err)
	}
	a.step()
	if err := a.hello(); err != nil { // EHLO, or HELO if refused
		return a.failure(StepHello, err)
	}
	if a.cfg.Security == SecurityStartTLS {
		if _, ok := ss.ext["STARTTLS"]; !ok { // no fall-back to plain text
			return a.configFailure(StepSTARTTLS, fmt.Sprintf("The mail server at %s does not offer STARTTLS, which these settings require, so nothing was sent. Check the port (587 usually offers STARTTLS) or choose TLS on connect for port 465.", a.cfg.addr()))
		}
		a.step()
		if _, _, err := ss.cmd(220, "STARTTLS"); err != nil {
			return a.failure(StepSTARTTLS, err)
		}
		tc := tls.Client(ss.conn, a.tlsConfig())
		a.step()
		if err := tc.HandshakeContext(a.ctx); err != nil {
			return a.failure(StepSTARTTLS, err)
		}
		ss.converse(tc)
		ss.tls = true
		a.step()
		if err := a.hello(); err != nil {
			return a.failure(StepSTARTTLS, err)
		}
	}
	if a.cfg.Username != "" {
		auth, serr := a.chooseAuth()
		if serr != nil {
			return serr
		}
		a.step()
		if err := a.auth(auth); err != nil { // exactly one AUTH command
			return a.failure(StepAuth, err)
		}
	}
	return nil
}

// hello sends EHLO, or HELO when the server refuses EHLO, and reads the extensions.
func (a *attempt) hello() error {
	ss := a.ss
	name := helloName(ss.conn)
	_, msg, err := ss.cmd(250, "EHLO %s", name)
	var reply *textproto.Error
	if errors.As(err, &reply) {
		ss.ext = map[string]string{}
		_, _, err = ss.cmd(250, "HELO %s", name)
		return err
	} else if err != nil {
		return err
	}
	ss.ext = map[string]string{}
	if lines := strings.Split(msg, "\n"); len(lines) > 1 {
		for _, line := range lines[1:] {
			k, v, _ := strings.Cut(line, " ")
			ss.ext[strings.ToUpper(k)] = v
		}
	}
	return nil
}

// auth signs in with a, as net/smtp's Client.Auth does.
func (a *attempt) auth(mech netsmtp.Auth) error {
	ss := a.ss
	enc := base64.StdEncoding
	var offered []string
	if list, ok := ss.ext["AUTH"]; ok {
		offered = strings.Fields(list)
	}
	name, resp, err := mech.Start(&netsmtp.ServerInfo{Name: a.cfg.Host, TLS: ss.tls, Auth: offered})
	if err != nil {
		return err
	}
	code, msg64, err := ss.cmd(0, "%s", strings.TrimSpace("AUTH "+name+" "+enc.EncodeToString(resp)))
	for err == nil {
		var msg []byte
		switch code {
		case 334:
			msg, err = enc.DecodeString(msg64)
		case 235:
			msg = []byte(msg64)
		default:
			return &textproto.Error{Code: code, Msg: msg64}
		}
		if err == nil {
			resp, err = mech.Next(msg, code == 334)
		}
		if err != nil {
			ss.cmd(501, "*") // cancel the exchange
			return err
		}
		if resp == nil {
			return nil
		}
		code, msg64, err = ss.cmd(0, "%s", enc.EncodeToString(resp))
	}
	return err
}

// transaction sends one message: RSET if the last one failed half way, MAIL, RCPT,
// DATA, the message, and the server's verdict. A server that offers PIPELINING (RFC
// 2920) gets the commands up to DATA in one write and answers them together.
func (a *attempt) transaction(raw []byte) *SendError {
	ss := a.ss
	if strings.ContainsAny(a.cfg.FromAddress+a.to, "\r\n") {
		return a.failure(StepMail, errors.New("an address contains a line break"))
	}
	params := ""
	if _, ok := ss.ext["8BITMIME"]; ok {
		params = " BODY=8BITMIME"
	}
	type command struct {
		step   string
		expect int
		line   string
	}
	cmds := make([]command, 0, 4)
	if ss.dirty {
		cmds = append(cmds, command{StepReset, 250, "RSET"})
	}
	cmds = append(cmds,
		command{StepMail, 250, "MAIL FROM:<" + a.cfg.FromAddress + ">" + params},
		command{StepRcpt, 25, "RCPT TO:<" + a.to + ">"},
		command{StepData, 354, "DATA"})
	ss.dirty = true
	if _, ok := ss.ext["PIPELINING"]; ok {
		a.step()
		for _, c := range cmds {
			ss.text.W.WriteString(c.line + "\r\n")
		}
		if err := ss.text.W.Flush(); err != nil {
			return a.failure(cmds[0].step, err)
		}
		// Every reply is read, even after a refusal, to stay in step with the server.
		var first *SendError
		for i, c := range cmds {
			a.step()
			code, _, err := ss.text.ReadResponse(c.expect)
			if err != nil {
				var reply *textproto.Error
				if !errors.As(err, &reply) { // the connection failed: no more replies
					if first == nil {
						first = a.failure(c.step, err)
					}
					return first
				}
				if first == nil {
					first = a.failure(c.step, err)
				}
				continue
			}
			if i == len(cmds)-1 && first != nil && code == 354 {
				// DATA was accepted although an earlier command was refused; this
				// connection's state is no longer known.
				ss.broken = true
			}
		}
		if first != nil {
			return first
		}
	} else {
		for _, c := range cmds {
			a.step()
			if _, _, err := ss.cmd(c.expect, "%s", c.line); err != nil {
				return a.failure(c.step, err)
			}
		}
	}
	a.step()
	if err := writeMessage(&ss.text.Writer, raw); err != nil { // and the final dot
		return a.failure(StepMessage, err)
	}
	if _, _, err := ss.text.ReadResponse(250); err != nil { // the server's verdict
		return a.failure(StepEnd, err)
	}
	ss.dirty = false
	return nil
}

// writeMessage writes raw as DATA's content: a dot doubled at the start of a line,
// CRLF line ends, and the final dot. Build writes CRLF line ends only, so the dots are
// doubled in a few copies of whole runs where textproto's DotWriter looks at every
// byte; anything else goes through that DotWriter.
func writeMessage(w *textproto.Writer, raw []byte) error {
	if !crlfOnly(raw) {
		dw := w.DotWriter()
		if _, err := dw.Write(raw); err != nil {
			return err
		}
		return dw.Close()
	}
	if raw[0] == '.' {
		w.W.WriteByte('.')
	}
	for {
		i := bytes.Index(raw, []byte("\n."))
		if i < 0 {
			break
		}
		w.W.Write(raw[:i+1])
		w.W.WriteByte('.')
		raw = raw[i+1:]
	}
	w.W.Write(raw)
	w.W.WriteString(".\r\n")
	return w.W.Flush()
}

// crlfOnly reports whether raw is lines that each end with CRLF: no CR or LF other
// than in a CRLF, and one at the end.
func crlfOnly(raw []byte) bool {
	if len(raw) < 2 || raw[len(raw)-2] != '\r' || raw[len(raw)-1] != '\n' {
		return false
	}
	crs, lfs := bytes.Count(raw, []byte{'\r'}), bytes.Count(raw, []byte{'\n'})
	return crs == lfs && crs == bytes.Count(raw, []byte("\r\n"))
}

// replyLimit reads a server's replies, refusing a line longer than maxReplyLine or a
// reply (its lines up to the one without "-" after the code) longer than maxReply.
type replyLimit struct {
	r     io.Reader
	line  int  // bytes of the current line so far
	reply int  // bytes of the current reply so far
	more  bool // the current line is not the reply's last ("250-…")
}

func (l *replyLimit) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i, b := range p[:n] {
		l.line++
		l.reply++
		if l.line == 4 {
			l.more = b == '-'
		}
		if b == '\n' {
			if !l.more {
				l.reply = 0
			}
			l.line, l.more = 0, false
			continue
		}
		if l.line > maxReplyLine {
			return i, &tooLongError{what: "line", limit: maxReplyLine}
		} else if l.reply > maxReply {
			return i, &tooLongError{what: "reply", limit: maxReply}
		}
	}
	return n, err
}

// tooLongError is a reply over one of the limits.
type tooLongError struct {
	what  string // "line" or "reply"
	limit int
}

func (e *tooLongError) Error() string {
	return fmt.Sprintf("the server's reply %s is longer than %d KiB", e.what, e.limit>>10)
}

// chooseAuth picks PLAIN, or LOGIN when the server offers only that (as some hosted
// services do).
func (a *attempt) chooseAuth() (netsmtp.Auth, *SendError) {
	list, ok := a.ss.ext["AUTH"]
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

func (p *plainAuth) Start(server *netsmtp.ServerInfo) (string, []byte, error) {
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

func (l *loginAuth) Start(server *netsmtp.ServerInfo) (string, []byte, error) {
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
