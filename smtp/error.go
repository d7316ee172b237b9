package smtp

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"strings"
	"syscall"

	"github.com/staffdesk/staffdesk/app"
)

// Failure says what kind of thing went wrong in a send.
type Failure string

const (
	FailTimeout  Failure = "timeout"  // the server did not answer within Config.Timeout
	FailConnect  Failure = "connect"  // the server could not be reached, or hung up
	FailReply    Failure = "reply"    // the server answered a command with an error reply
	FailAuth     Failure = "auth"     // the server refused the user name or password
	FailConfig   Failure = "config"   // the settings cannot work with this server
	FailCanceled Failure = "canceled" // the caller's context ended first
	FailProtocol Failure = "protocol" // the server broke the protocol (an over-long reply)
)

// The steps of a send, as SendError.Step names them.
const (
	StepConnect  = "connect"
	StepTLS      = "TLS handshake"
	StepGreeting = "greeting"
	StepHello    = "EHLO"
	StepSTARTTLS = "STARTTLS"
	StepAuth     = "AUTH"
	StepReset    = "RSET" // before a message that follows a failed one on the same connection
	StepMail     = "MAIL FROM"
	StepRcpt     = "RCPT TO"
	StepData     = "DATA"
	StepMessage  = "message"        // writing the message itself
	StepEnd      = "end of message" // waiting for the server to accept it
)

// SendError is why a send failed. Error() is written for the person at the desk and
// quotes the server's own words; it never contains the password.
//
// A caller decides with Temporary: true means the same message with the same settings
// may go through later (timeouts, refused connections, 4xx replies); false means it
// will not until something changes — the recipient (5xx), the user name or password
// (FailAuth) or the settings (FailConfig).
type SendError struct {
	Failure   Failure
	Temporary bool
	// MaybeDelivered is set when the connection failed after the whole message was
	// written but before the server confirmed it: the server may have accepted it.
	// Resending is still right; the unchanged Message-ID lets the copy be recognised.
	MaybeDelivered bool
	Step           string // one of the Step* constants
	Server         string // host:port
	// Code, EnhancedCode and ServerText are the server's reply when there was one:
	// 550, "5.1.1", "550 5.1.1 mailbox unavailable".
	Code         int
	EnhancedCode string
	ServerText   string
	Err          error // the low-level cause, for the log

	msg string
}

func (e *SendError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	if e.ServerText != "" {
		return fmt.Sprintf("The mail server at %s answered %s with an error: %s", e.Server, e.Step, e.ServerText)
	}
	return fmt.Sprintf("Sending to the mail server at %s failed (%s, %s).", e.Server, e.Step, e.Failure)
}

// Unwrap returns the low-level cause and an app.Error carrying the same human
// message, so that app.ErrorMessage shows the server's words rather than "Something
// went wrong". Problems the settings can fix are EINVALID; the rest EINTERNAL.
func (e *SendError) Unwrap() []error {
	code := app.EINTERNAL
	if e.Failure == FailAuth && !e.Temporary || e.Failure == FailConfig {
		code = app.EINVALID
	}
	errs := []error{&app.Error{Code: code, Message: e.Error()}}
	if e.Err != nil {
		errs = append(errs, e.Err)
	}
	return errs
}

// IsTemporary reports whether err is a SendError worth retrying later. Any other
// error (invalid settings or message) is not.
func IsTemporary(err error) bool {
	var se *SendError
	return errors.As(err, &se) && se.Temporary
}

// errInsecureAuth guards against sending a password in plain text to another
// computer; Validate should make it unreachable.
var errInsecureAuth = errors.New("refusing to send the password over an unencrypted connection")

// failure turns err, met during step, into a SendError. The password is scrubbed from
// every text that came from outside (server replies, causes).
func (a *attempt) failure(step string, err error) *SendError {
	e := &SendError{Step: step, Server: a.cfg.addr(), Err: err, Temporary: true}
	var (
		reply   *textproto.Error
		netErr  net.Error
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		hostErr x509.HostnameError
		authErr x509.UnknownAuthorityError
		invErr  x509.CertificateInvalidError
		recErr  tls.RecordHeaderError
		longErr *tooLongError
	)
	switch {
	case a.ctx.Err() != nil:
		e.Failure, e.Err = FailCanceled, errors.Join(a.ctx.Err(), err)
		e.msg = "Sending was stopped before it finished."
	case errors.As(err, &reply):
		e.Code = reply.Code
		e.Err = &textproto.Error{Code: reply.Code, Msg: a.redact(reply.Msg)} // a server may echo what it was sent
		e.EnhancedCode, e.ServerText = serverText(reply.Code, a.redact(reply.Msg))
		e.Temporary = reply.Code < 500
		e.Failure = FailReply
		e.msg = a.replyMessage(e)
	case errors.As(err, &longErr):
		e.Failure = FailProtocol
		e.msg = fmt.Sprintf("The mail server at %s sent a reply longer than StaffDesk accepts (%s, %s); StaffDesk stopped reading it and closed the connection.", e.Server, longErr, waitingFor(step))
	case errors.Is(err, errInsecureAuth):
		e.Failure, e.Temporary = FailConfig, false
		e.msg = fmt.Sprintf("StaffDesk will not send the password to %s without encryption. Choose STARTTLS or TLS on connect.", e.Server)
	case errors.As(err, &certErr), errors.As(err, &hostErr), errors.As(err, &authErr), errors.As(err, &invErr):
		e.Failure, e.Temporary = FailConfig, false
		e.msg = fmt.Sprintf("The mail server's certificate could not be verified, so nothing was sent (%s).", a.redact(err.Error()))
	case errors.As(err, &recErr):
		e.Failure, e.Temporary = FailConfig, false
		e.msg = fmt.Sprintf("The mail server at %s did not answer with TLS. Port 465 usually needs \"TLS on connect\" and port 587 \"STARTTLS\".", e.Server)
	case errors.As(err, &netErr) && netErr.Timeout(), errors.Is(err, os.ErrDeadlineExceeded):
		e.Failure = FailTimeout
		e.msg = fmt.Sprintf("The mail server at %s did not answer within %s (%s).", e.Server, a.cfg.timeout(), waitingFor(step))
		if step == StepGreeting && a.cfg.Port == 465 && a.cfg.Security != SecurityTLS {
			e.msg += " Port 465 usually needs security \"TLS on connect\"."
		}
	case errors.As(err, &dnsErr):
		e.Failure = FailConnect
		e.msg = fmt.Sprintf("Could not find the mail server %q (%s).", a.cfg.Host, dnsErr.Err)
	case isErrno(err, syscall.ECONNREFUSED, wsaeConnRefused):
		e.Failure = FailConnect
		e.msg = fmt.Sprintf("The mail server at %s refused the connection. Check the host and port, or try again later.", e.Server)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed),
		isErrno(err, syscall.ECONNRESET, wsaeConnReset), errors.Is(err, syscall.EPIPE):
		e.Failure = FailConnect
		e.msg = fmt.Sprintf("The mail server at %s closed the connection (%s).", e.Server, waitingFor(step))
	case step == StepConnect:
		e.Failure = FailConnect
		e.msg = fmt.Sprintf("Could not connect to the mail server at %s: %s", e.Server, a.redact(err.Error()))
	default:
		e.Failure = FailConnect
		e.msg = fmt.Sprintf("Could not talk to the mail server at %s (%s): %s", e.Server, waitingFor(step), a.redact(err.Error()))
	}
	if step == StepEnd && e.Code == 0 && e.Failure != FailConfig {
		e.MaybeDelivered = true
		e.msg += " The message may have been delivered anyway."
	}
	if e.Failure == FailReply && step == StepAuth {
		e.Failure = FailAuth
	}
	return e
}

// configFailure is a SendError for settings that cannot work with this server.
func (a *attempt) configFailure(step, msg string) *SendError {
	return &SendError{Failure: FailConfig, Step: step, Server: a.cfg.addr(), msg: msg}
}

func (a *attempt) replyMessage(e *SendError) string {
	if e.Temporary {
		switch e.Step {
		case StepAuth:
			return "The server could not check the user name or password just now: " + e.ServerText
		case StepGreeting, StepHello, StepSTARTTLS:
			return fmt.Sprintf("The mail server at %s is not taking mail just now: %s", e.Server, e.ServerText)
		}
		return fmt.Sprintf("The mail server at %s cannot take the message just now: %s", e.Server, e.ServerText)
	}
	switch e.Step {
	case StepAuth:
		return "The server refused the user name or password: " + e.ServerText
	case StepMail:
		return fmt.Sprintf("The mail server refused the sender address %s: %s", a.cfg.FromAddress, e.ServerText)
	case StepRcpt:
		return fmt.Sprintf("The mail server refused the recipient %s: %s", a.to, e.ServerText)
	case StepData, StepMessage, StepEnd:
		return "The mail server refused the message: " + e.ServerText
	case StepSTARTTLS:
		return fmt.Sprintf("The mail server at %s refused STARTTLS: %s", e.Server, e.ServerText)
	}
	return fmt.Sprintf("The mail server at %s refused the connection: %s", e.Server, e.ServerText)
}

func waitingFor(step string) string {
	switch step {
	case StepConnect:
		return "connecting"
	case StepTLS:
		return "starting TLS"
	case StepGreeting:
		return "waiting for its greeting"
	case StepMessage:
		return "while sending the message"
	case StepEnd:
		return "waiting for it to accept the message"
	}
	return "at " + step
}

// Windows reports these as WSA error numbers, which syscall names only on Windows.
const (
	wsaeConnReset   syscall.Errno = 10054
	wsaeConnRefused syscall.Errno = 10061
)

// isErrno reports whether err carries one of the given error numbers.
func isErrno(err error, nums ...syscall.Errno) bool {
	var errno syscall.Errno
	if !errors.As(err, &errno) {
		return false
	}
	for _, n := range nums {
		if errno == n {
			return true
		}
	}
	return false
}

// serverText returns the enhanced status code, if any, and the whole reply on one
// line as the server wrote it: "550 5.1.1 mailbox unavailable". Control characters a
// server might send are dropped.
func serverText(code int, msg string) (enhanced, text string) {
	lines := strings.Split(msg, "\n")
	if first, _, ok := strings.Cut(lines[0], " "); ok && isEnhancedCode(first) {
		enhanced = first
	}
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return ' '
		}
		if isControl(r) {
			return -1
		}
		return r
	}, strings.Join(lines, "\n"))
	return enhanced, fmt.Sprintf("%d %s", code, text)
}

// isEnhancedCode matches RFC 3463 codes like 5.1.1 or 4.7.0.
func isEnhancedCode(s string) bool {
	parts := strings.Split(s, ".")
	if len(parts) != 3 || len(parts[0]) != 1 || strings.IndexByte("245", parts[0][0]) < 0 {
		return false
	}
	for _, p := range parts[1:] {
		if p == "" || len(p) > 3 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// redact removes the password, and the base64 forms a server might echo, from text
// that came from outside. Very short passwords are left alone: replacing every "a"
// would garble the text and hide nothing worth hiding.
func (a *attempt) redact(s string) string {
	pw := a.cfg.Password
	if len(pw) < 4 {
		return s
	}
	plain := "\x00" + a.cfg.Username + "\x00" + pw
	for _, secret := range []string{
		pw,
		base64.StdEncoding.EncodeToString([]byte(pw)),
		base64.StdEncoding.EncodeToString([]byte(plain)),
	} {
		s = strings.ReplaceAll(s, secret, "***")
	}
	return s
}
