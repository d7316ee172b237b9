package app

import (
	"context"
	"time"
)

// Letter is one email handed to the Postman.
type Letter struct {
	MessageID string // "<random@example.com>", the same on every attempt
	ToName    string
	ToAddress string
	Subject   string
	Text      string
	HTML      string
	Date      time.Time
}

// Postman talks to the mail server. The smtp package implements it (smtp.Postman);
// app cannot import that package, which imports app for its error type.
type Postman interface {
	// Check validates the server settings (host, port, security, user name, From),
	// returning an EINVALID *Error with a message per field.
	Check(s EmailSettings) error
	// Send delivers l over one connection of its own with a time limit on every step.
	// A failure on the wire is a *DeliveryError; invalid settings or message an
	// EINVALID *Error.
	Send(ctx context.Context, s EmailSettings, l Letter) error
	// Session is a conversation with the server for a run of letters, which the
	// courier uses to send a queue over one connection.
	Session(s EmailSettings) PostSession
	// EML returns l as RFC 5322 bytes, as Send would write it.
	EML(s EmailSettings, l Letter) ([]byte, error)
	// ParseURL reads --smtp or STAFFDESK_SMTP; its errors never quote the URL.
	ParseURL(raw string) (EmailSettings, error)
}

// PostSession is one conversation with the mail server. It connects (TLS, sign-in)
// at the first Send, sends the next letters over the same connection (resetting the
// server's state after a failed one) and connects again when the server has dropped
// the connection. Its failures are those of Postman.Send. Not safe for concurrent use.
type PostSession interface {
	Send(ctx context.Context, l Letter) error
	// Close says goodbye (QUIT) and closes the connection, if any.
	Close()
}

// DeliveryTrouble says who a failed delivery is about, which decides what the
// courier does next.
type DeliveryTrouble int

const (
	// TroubleMessage: this message could not go just now (a 4xx reply to it); try it
	// again later.
	TroubleMessage DeliveryTrouble = iota
	// TroubleRejected: the server refused this message for good (a 5xx reply to the
	// recipient or the message, or a message that cannot be built); it is Failed.
	TroubleRejected
	// TroubleServer: the server could not be reached, did not answer in time, or
	// turned the connection away with a 4xx; no message can go, so the whole queue
	// waits and one message tries again later.
	TroubleServer
	// TroubleSettings: the settings cannot work (wrong password, STARTTLS missing, a
	// certificate that does not verify, the sender refused). The whole queue waits;
	// one message tries again after each growing pause, so that a wrong password
	// costs one failed sign-in per pause, never one per message.
	TroubleSettings
)

// DeliveryError is a failed delivery. Reason is for the person at the desk, in the
// server's own words when it gave any; it never contains the password.
type DeliveryError struct {
	Trouble DeliveryTrouble
	Reason  string
	// MaybeDelivered: the connection ended after the whole message was written but
	// before the server confirmed it. The retry carries the same Message-ID.
	MaybeDelivered bool
	Err            error
}

func (e *DeliveryError) Error() string { return e.Reason }
func (e *DeliveryError) Unwrap() error { return e.Err }
