package smtp

import (
	"context"
	"crypto/x509"
	"errors"
	"net/mail"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

// Postman is app.Postman over this package, for the outbox's courier and Settings →
// Email: it turns app's settings into a Config, sends, and sorts each failure into
// what the courier should do next (app.DeliveryTrouble).
type Postman struct {
	// Timeout bounds each step of a send; zero means DefaultTimeout.
	Timeout time.Duration
	// RootCAs verifies the server's certificate; nil means the system's roots.
	RootCAs *x509.CertPool
}

var _ app.Postman = (*Postman)(nil)

// NewPostman returns a Postman with the default timeouts and the system's roots.
func NewPostman() *Postman { return &Postman{} }

func (p *Postman) config(s app.EmailSettings) Config {
	return Config{Host: s.Host, Port: s.Port, Security: Security(s.Security), Username: s.Username,
		Password: s.Password, FromName: s.FromName, FromAddress: s.FromAddress,
		Timeout: p.Timeout, RootCAs: p.RootCAs}
}

func message(l app.Letter) Message {
	return Message{MessageID: l.MessageID, To: mail.Address{Name: l.ToName, Address: l.ToAddress},
		Subject: l.Subject, Text: l.Text, HTML: l.HTML, Date: l.Date}
}

// Check validates the server settings.
func (p *Postman) Check(s app.EmailSettings) error { return p.config(s).Validate() }

// ParseURL reads --smtp or STAFFDESK_SMTP.
func (p *Postman) ParseURL(raw string) (app.EmailSettings, error) {
	c, err := ParseURL(raw)
	if err != nil {
		return app.EmailSettings{}, err
	}
	return app.EmailSettings{Host: c.Host, Port: c.Port, Security: app.MailSecurity(c.Security),
		Username: c.Username, Password: c.Password, FromName: c.FromName, FromAddress: c.FromAddress}, nil
}

// EML returns the message as Send would write it.
func (p *Postman) EML(s app.EmailSettings, l app.Letter) ([]byte, error) {
	return Build(p.config(s), message(l))
}

// Send delivers l over a connection of its own. Failures are *app.DeliveryError.
func (p *Postman) Send(ctx context.Context, s app.EmailSettings, l app.Letter) error {
	ps := p.Session(s)
	defer ps.Close()
	return ps.Send(ctx, l)
}

// Session returns a conversation with the server for a run of letters (the courier's
// queue): one connection, one sign-in.
func (p *Postman) Session(s app.EmailSettings) app.PostSession {
	cfg := p.config(s)
	return &postSession{cfg: cfg, invalid: cfg.Validate(), session: NewSender(cfg).Session()}
}

type postSession struct {
	cfg     Config
	invalid error // the settings cannot work
	session *Session
}

// Send delivers l. Failures are *app.DeliveryError.
func (ps *postSession) Send(ctx context.Context, l app.Letter) error {
	if ps.invalid != nil {
		return &app.DeliveryError{Trouble: app.TroubleSettings, Reason: app.ErrorMessage(ps.invalid), Err: ps.invalid}
	}
	err := ps.session.Send(ctx, message(l))
	var se *SendError
	if err == nil {
		return nil
	} else if !errors.As(err, &se) {
		// The settings passed; what Build refuses is this message.
		return &app.DeliveryError{Trouble: app.TroubleRejected, Reason: "The message cannot be sent: " + app.ErrorMessage(err), Err: err}
	}
	return &app.DeliveryError{Trouble: trouble(se), Reason: se.Error(), MaybeDelivered: se.MaybeDelivered, Err: se}
}

func (ps *postSession) Close() { ps.session.Close() }

// trouble says whom a failure is about: this message, or every message (the server
// or the settings), which decides whether the whole queue waits.
func trouble(se *SendError) app.DeliveryTrouble {
	switch se.Failure {
	case FailConfig:
		return app.TroubleSettings
	case FailAuth:
		if se.Temporary {
			return app.TroubleServer
		}
		return app.TroubleSettings
	case FailReply:
		if se.Code == 421 { // the server is closing the connection: it is busy, not the message
			return app.TroubleServer
		}
		switch se.Step {
		case StepRcpt, StepData, StepMessage, StepEnd:
			if se.Temporary {
				return app.TroubleMessage
			}
			return app.TroubleRejected
		}
		// Before any message: the greeting, EHLO, STARTTLS, or the sender refused.
		if se.Temporary {
			return app.TroubleServer
		}
		return app.TroubleSettings
	}
	return app.TroubleServer // timeouts, refused or dropped connections, cancellation
}
