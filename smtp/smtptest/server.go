// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on 127.0.0.1
// for tests: STARTTLS or TLS on connect with a certificate made at test time, AUTH
// with a given user name and password, scripted error replies, a server that never
// greets, and one that goes down and comes back on the same port. It records what it
// received.
package smtptest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options says how a Server behaves. The zero value is a plain server on 127.0.0.1
// that takes any message without sign-in.
type Options struct {
	// STARTTLS offers STARTTLS; ImplicitTLS speaks TLS from the first byte (like port
	// 465). Either makes a self-signed certificate for 127.0.0.1 and localhost, which
	// clients trust through CertPool.
	STARTTLS    bool
	ImplicitTLS bool
	// Username and Password, when Username is set, offer AUTH and require it before
	// MAIL. AuthMechanisms lists what is offered: "PLAIN" (the default), "LOGIN".
	Username       string
	Password       string
	AuthMechanisms []string
	// MailReplies answer the first MAIL commands, one each, in order; later ones are
	// accepted. DataReplies do the same for the end of DATA (after the message).
	MailReplies []Reply
	DataReplies []Reply
	// RecipientReplies answer RCPT TO for the given addresses. RcptReplies answer the
	// first RCPT commands, one each, in order, whatever the address (a rate-limiting
	// server's "450 try later").
	RecipientReplies map[string]Reply
	RcptReplies      []Reply
	// DataDelays make the server slow: it waits DataDelays[n] after the n-th message
	// (counting from 0) before it answers the end of DATA.
	DataDelays []time.Duration
	// NeverGreet accepts connections and then says nothing at all.
	NeverGreet bool
}

// Reply is a scripted error reply, like {550, "5.1.1", "mailbox unavailable"}.
type Reply struct {
	Code     int
	Enhanced string // "5.1.1"; empty for none
	Text     string
}

func (r Reply) err() error {
	ec := smtp.NoEnhancedCode
	if parts := strings.Split(r.Enhanced, "."); len(parts) == 3 {
		for i, p := range parts {
			ec[i], _ = strconv.Atoi(p)
		}
	}
	return &smtp.SMTPError{Code: r.Code, EnhancedCode: ec, Message: r.Text}
}

// Received is one message the server accepted.
type Received struct {
	From string
	To   []string
	Data []byte // the message as sent, CRLF line ends, dots unstuffed
}

// Server is a running test SMTP server.
type Server struct {
	t    testing.TB
	opts Options
	addr string
	cert tls.Certificate
	pool *x509.CertPool

	mu       sync.Mutex
	running  bool
	smtp     *smtp.Server
	listener net.Listener // the TCP listener
	held     []net.Conn   // NeverGreet
	done     chan struct{}
	messages []Received
	auths    int
	conns    int
	mails    int
	rcpts    int
	datas    int
	started  int // DATA commands begun
}

// NewServer starts a server on 127.0.0.1 on a free port. It is closed when the test
// ends.
func NewServer(t testing.TB, opts Options) *Server {
	t.Helper()
	s := &Server{t: t, opts: opts}
	if opts.STARTTLS || opts.ImplicitTLS {
		s.cert, s.pool = selfSigned(t)
	}
	s.listen("127.0.0.1:0")
	t.Cleanup(s.Close)
	return s
}

// Addr is host:port.
func (s *Server) Addr() string { return s.addr }

// Host is "127.0.0.1".
func (s *Server) Host() string { h, _, _ := net.SplitHostPort(s.addr); return h }

// Port is the port the server listens on, the same across Close and Start.
func (s *Server) Port() int { _, p, _ := net.SplitHostPort(s.addr); n, _ := strconv.Atoi(p); return n }

// CertPool trusts the server's certificate; nil without TLS.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// Messages returns the messages accepted so far.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.messages...)
}

// AuthAttempts counts AUTH commands, right or wrong.
func (s *Server) AuthAttempts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.auths
}

// Rcpts counts RCPT commands, accepted or not.
func (s *Server) Rcpts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rcpts
}

// DataStarted counts the messages whose DATA has begun, accepted or not.
func (s *Server) DataStarted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.started
}

// Connections counts the TCP connections accepted so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Close stops the server and drops its connections: clients now get "connection
// refused". Start brings it back on the same port. Close may be called more than once.
func (s *Server) Close() {
	s.mu.Lock()
	if !s.running {
		s.mu.Unlock()
		return
	}
	s.running = false
	srv, l, held, done := s.smtp, s.listener, s.held, s.done
	s.smtp, s.listener, s.held = nil, nil, nil
	s.mu.Unlock()
	// Close the listener ourselves too: srv.Close misses one Serve has not registered yet.
	l.Close()
	if srv != nil {
		srv.Close()
	}
	for _, c := range held {
		c.Close()
	}
	<-done
}

// Start listens again on the port of the closed server.
func (s *Server) Start() {
	s.t.Helper()
	s.mu.Lock()
	running := s.running
	s.mu.Unlock()
	if !running {
		s.listen(s.addr)
	}
}

func (s *Server) listen(addr string) {
	s.t.Helper()
	var (
		l   net.Listener
		err error
	)
	// Right after Close the port can take a moment to be free again.
	for i := 0; i < 50; i++ {
		if l, err = net.Listen("tcp", addr); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("smtptest: listen on %s: %v", addr, err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addr = l.Addr().String()
	s.running = true
	s.done = make(chan struct{})
	s.listener = l
	l = countingListener{l, s}
	if s.opts.NeverGreet {
		go s.holdConnections(l, s.done)
		return
	}
	if s.opts.ImplicitTLS {
		l = tls.NewListener(l, s.tlsConfig())
	}
	srv := smtp.NewServer(backend{s})
	srv.Domain = "smtptest.localhost"
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0) // a log after the test ends would panic
	if s.opts.STARTTLS {
		srv.TLSConfig = s.tlsConfig()
	}
	srv.AllowInsecureAuth = !s.opts.STARTTLS && !s.opts.ImplicitTLS
	s.smtp = srv
	go func(done chan struct{}) {
		defer close(done)
		srv.Serve(l)
	}(s.done)
}

// holdConnections accepts connections and keeps them open without a word.
func (s *Server) holdConnections(l net.Listener, done chan struct{}) {
	defer close(done)
	for {
		c, err := l.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if !s.running {
			s.mu.Unlock()
			c.Close()
			return
		}
		s.held = append(s.held, c)
		s.mu.Unlock()
	}
}

func (s *Server) tlsConfig() *tls.Config {
	return &tls.Config{Certificates: []tls.Certificate{s.cert}, MinVersion: tls.VersionTLS12}
}

type backend struct{ s *Server }

func (b backend) NewSession(*smtp.Conn) (smtp.Session, error) {
	return &session{s: b.s}, nil
}

// countingListener counts accepted connections.
type countingListener struct {
	net.Listener
	s *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err == nil {
		l.s.mu.Lock()
		l.s.conns++
		l.s.mu.Unlock()
	}
	return c, err
}

type session struct {
	s      *Server
	authed bool
	from   string
	to     []string
}

func (ss *session) AuthMechanisms() []string {
	if ss.s.opts.Username == "" {
		return nil
	}
	if len(ss.s.opts.AuthMechanisms) > 0 {
		return ss.s.opts.AuthMechanisms
	}
	return []string{sasl.Plain}
}

func (ss *session) Auth(mech string) (sasl.Server, error) {
	ss.s.mu.Lock()
	ss.s.auths++
	ss.s.mu.Unlock()
	check := func(username, password string) error {
		if username != ss.s.opts.Username || password != ss.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		ss.authed = true
		return nil
	}
	offered := false
	for _, m := range ss.AuthMechanisms() {
		offered = offered || m == mech
	}
	switch {
	case !offered:
		return nil, smtp.ErrAuthUnknownMechanism
	case mech == sasl.Plain:
		return sasl.NewPlainServer(func(_, username, password string) error { return check(username, password) }), nil
	case mech == sasl.Login:
		return &loginServer{check: check}, nil
	}
	return nil, smtp.ErrAuthUnknownMechanism
}

func (ss *session) Mail(from string, _ *smtp.MailOptions) error {
	if ss.s.opts.Username != "" && !ss.authed {
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0}, Message: "Authentication required"}
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if n := ss.s.mails; n < len(ss.s.opts.MailReplies) {
		ss.s.mails++
		return ss.s.opts.MailReplies[n].err()
	}
	ss.s.mails++
	ss.from = from
	return nil
}

func (ss *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.s.mu.Lock()
	n := ss.s.rcpts
	ss.s.rcpts++
	ss.s.mu.Unlock()
	if n < len(ss.s.opts.RcptReplies) {
		return ss.s.opts.RcptReplies[n].err()
	}
	if r, ok := ss.s.opts.RecipientReplies[to]; ok {
		return r.err()
	}
	ss.to = append(ss.to, to)
	return nil
}

func (ss *session) Data(r io.Reader) error {
	ss.s.mu.Lock()
	n := ss.s.started
	ss.s.started++
	ss.s.mu.Unlock()
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if n < len(ss.s.opts.DataDelays) {
		time.Sleep(ss.s.opts.DataDelays[n])
	}
	ss.s.mu.Lock()
	defer ss.s.mu.Unlock()
	if n := ss.s.datas; n < len(ss.s.opts.DataReplies) {
		ss.s.datas++
		return ss.s.opts.DataReplies[n].err()
	}
	ss.s.datas++
	ss.s.messages = append(ss.s.messages, Received{From: ss.from, To: append([]string(nil), ss.to...), Data: data})
	return nil
}

func (ss *session) Reset() {
	ss.from, ss.to = "", nil
}

func (ss *session) Logout() error { return nil }

// loginServer is the server side of AUTH LOGIN, which go-sasl does not provide.
type loginServer struct {
	check    func(username, password string) error
	username string
	step     int
}

func (l *loginServer) Next(response []byte) (challenge []byte, done bool, err error) {
	l.step++
	switch l.step {
	case 1:
		if len(response) > 0 { // user name sent with the AUTH command
			l.username = string(response)
			l.step++
			return []byte("Password:"), false, nil
		}
		return []byte("Username:"), false, nil
	case 2:
		l.username = string(response)
		return []byte("Password:"), false, nil
	case 3:
		return nil, true, l.check(l.username, string(response))
	}
	return nil, false, errors.New("unexpected response")
}

// selfSigned makes an ECDSA certificate for 127.0.0.1, ::1 and localhost, and a pool
// that trusts it.
func selfSigned(t testing.TB) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("smtptest: generate key: %v", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		t.Fatalf("smtptest: serial: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest", Organization: []string{"StaffDesk tests"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("smtptest: create certificate: %v", err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("smtptest: parse certificate: %v", err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}
