package app

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// RecordMail names an outbox message in the store's refusals: NotFound when it is no
// longer in the outbox, MailDiscarded when its text is gone.
const RecordMail Record = "message"

// ErrMailDiscarded is in the chain of the store's refusal to open the text of a message
// that was discarded when it was sent, cancelled or failed.
var ErrMailDiscarded = errors.New("the text was discarded")

// MailDiscarded is the store's ECONFLICT for the text of a message that was discarded.
func MailDiscarded() *Error {
	return &Error{Code: ECONFLICT, Err: &Refusal{Record: RecordMail, Err: ErrMailDiscarded}}
}

// mailWords puts the store's refusals about a message into the person's words, and
// anything else as wrapInternal does.
func mailWords(what string, err error) error {
	if e, r, ok := refusalOf(err); ok && r.Record == RecordMail {
		switch {
		case e.Code == ENOTFOUND:
			return &Error{Code: ENOTFOUND, Message: "That message is no longer in the outbox.", Err: r}
		case errors.Is(r, ErrMailDiscarded):
			return &Error{Code: ECONFLICT, Message: "This message's text was discarded when it was sent, cancelled or failed.", Err: r}
		}
	}
	return wrapInternal(what, err)
}

// MailKind is which account email a message is.
type MailKind string

const (
	MailActivation        MailKind = "activation"
	MailPasswordReset     MailKind = "password_reset"
	MailPasswordChanged   MailKind = "password_changed"
	MailEmailChangeVerify MailKind = "email_change_verify" // to the new address, with the code
	MailEmailChangeNotice MailKind = "email_change_notice" // to the old address
	MailTest              MailKind = "test"
)

// Label is the kind as the Outbox window shows it.
func (k MailKind) Label() string {
	switch k {
	case MailActivation:
		return "Activation"
	case MailPasswordReset:
		return "Password reset"
	case MailPasswordChanged:
		return "Password changed"
	case MailEmailChangeVerify:
		return "Email change: confirm"
	case MailEmailChangeNotice:
		return "Email change: notice"
	case MailTest:
		return "Test"
	}
	return string(k)
}

// MailStatus is where a message is on its way out.
type MailStatus string

const (
	MailQueued    MailStatus = "queued"    // waiting for its first attempt
	MailSending   MailStatus = "sending"   // an attempt is under way
	MailSent      MailStatus = "sent"      // the server accepted it
	MailRetrying  MailStatus = "retrying"  // an attempt failed; another is due at NextAttemptAt
	MailFailed    MailStatus = "failed"    // it will not be sent; LastError says why
	MailCancelled MailStatus = "cancelled" // a manager cancelled it
)

// Final reports whether a message in this status will never be sent again. A final
// message no longer holds its bodies: only the copy with codes masked is kept.
func (s MailStatus) Final() bool {
	return s == MailSent || s == MailFailed || s == MailCancelled
}

// OutboxMessage is one email on its way out, or gone.
type OutboxMessage struct {
	ID        int64
	StaffID   int64 // 0 when not about an account, or the account was deleted
	Kind      MailKind
	ToName    string
	ToAddress string
	Subject   string
	// MessageID is chosen when the message is queued and sent unchanged on every
	// attempt, so that a copy delivered after an uncertain end is recognisable.
	MessageID string

	// Text and HTML are the bodies as the recipient gets them, codes included. The
	// store keeps them sealed and only until the message is final; they are filled
	// only by OutboxTx.OutboxBody.
	Text string
	HTML string
	// RedactedText and RedactedHTML are the same bodies with every code masked, kept
	// for the Outbox window.
	RedactedText string
	RedactedHTML string

	Status        MailStatus
	Attempts      int
	NextAttemptAt time.Time
	LastError     string // the last failure, in the person's words (often the server's)
	CreatedAt     time.Time
	SentAt        time.Time
}

// StatusLabel is the status as the Outbox window shows it: "Queued", "Sending",
// "Sent at 14:32", "Retrying at 14:40", "Failed: 550 5.1.1 mailbox unavailable",
// "Cancelled". Times are local; a date is added when it is not today.
func (m *OutboxMessage) StatusLabel(now time.Time) string {
	switch m.Status {
	case MailQueued:
		return "Queued"
	case MailSending:
		return "Sending"
	case MailSent:
		return "Sent at " + clockTime(m.SentAt, now)
	case MailRetrying:
		return "Retrying at " + clockTime(m.NextAttemptAt, now)
	case MailFailed:
		return "Failed: " + m.LastError
	case MailCancelled:
		return "Cancelled"
	}
	return string(m.Status)
}

// clockTime is "14:32" for a time today and "Apr 10 14:32" otherwise, in local time.
func clockTime(t, now time.Time) string {
	t, now = t.Local(), now.Local()
	y, m, d := t.Date()
	if ny, nm, nd := now.Date(); y == ny && m == nm && d == nd {
		return t.Format("15:04")
	}
	return t.Format("Jan 2 15:04")
}

// OutboxCounts is how many messages are in each status.
type OutboxCounts map[MailStatus]int

// Waiting is how many messages are still to be sent.
func (c OutboxCounts) Waiting() int { return c[MailQueued] + c[MailSending] + c[MailRetrying] }

// MailClaim is a courier's hold on a message it is sending: which courier (a random id
// per running courier) and until when. The holder renews the lease while the attempt
// lasts; once it has passed (the holder stopped or died), any courier may take the
// message over. That is why delivery is at least once: a courier that sent a message
// but could not record it before its lease passed (the database busy for longer, the
// app killed) leaves it to be sent again, with the same Message-ID.
type MailClaim struct {
	Owner string
	Until time.Time
}

// ClaimedMail is a message ClaimDueMail claimed: as it now is (sending, its attempt
// counted), the status it had before, and its bodies, or Err when they cannot be opened:
// MailDiscarded (ECONFLICT), or a plain error (sealed with another key).
type ClaimedMail struct {
	Message    *OutboxMessage
	Was        MailStatus
	Text, HTML string
	Err        error
}

// OutboxTx reads and writes the outbox. Every change of a message's delivery state is
// conditional on the state the caller saw, so that two couriers (two StaffDesks on one
// file) and a manager's Cancel never overwrite each other.
type OutboxTx interface {
	// QueueMail inserts m with its bodies sealed, and sets m.ID. m.Status defaults to
	// queued.
	QueueMail(m *OutboxMessage) error
	// OutboxMessages returns up to limit messages, newest first, without any body
	// (not even the redacted copies: the Outbox window's View loads those).
	OutboxMessages(limit int) ([]*OutboxMessage, error)
	// OutboxMessage returns one message with its redacted bodies; ENOTFOUND if missing.
	OutboxMessage(id int64) (*OutboxMessage, error)
	// OutboxBody opens the sealed bodies of a message that is not final. MailDiscarded
	// (ECONFLICT) when they were discarded; a plain error when they cannot be opened
	// (another key).
	OutboxBody(id int64) (text, html string, err error)
	// DueMail returns up to limit queued or retrying messages due at or before now,
	// the first due first, without any body.
	DueMail(now time.Time, limit int) ([]*OutboxMessage, error)
	// NextMailDue returns when the courier should look again: the next queued or
	// retrying message is due, or a claim on a message being sent expires. False when
	// nothing waits.
	NextMailDue() (time.Time, bool, error)
	// ClaimMail moves those of the messages ids that are still queued or retrying to
	// sending under claim, counting an attempt each, and returns their ids (in no
	// particular order); the others were cancelled or claimed already.
	ClaimMail(claim MailClaim, ids ...int64) ([]int64, error)
	// ClaimDueMail moves up to limit queued or retrying messages due at or before now,
	// the first due first, to sending under claim, counting an attempt each, and
	// returns them with their bodies opened: what DueMail, ClaimMail and OutboxBody do
	// for a batch, in one read and one update.
	ClaimDueMail(now time.Time, claim MailClaim, limit int) ([]ClaimedMail, error)
	// RenewMailClaims extends the lease of every message claim.Owner is sending to
	// claim.Until, and returns how many there were.
	RenewMailClaims(claim MailClaim) (int, error)
	// ReclaimExpiredMail moves every message whose claim expired at or before now
	// back to queued, due at now, keeping its Message-ID, and returns how many.
	ReclaimExpiredMail(now time.Time) (int, error)
	// UpdateMail writes m's status, attempts, next attempt, last error and sent time,
	// but only if the message is still in status was and, when was is sending, still
	// claimed by owner; it reports whether it was. A final status discards the sealed
	// bodies; any status but sending ends the claim.
	UpdateMail(m *OutboxMessage, was MailStatus, owner string) (bool, error)
	// CancelWaitingMail cancels the account's queued and retrying messages of the
	// given kinds, discarding their bodies: their codes no longer work. It returns how
	// many it cancelled.
	CancelWaitingMail(staffID int64, kinds ...MailKind) (int, error)
	// RescheduleMail makes every waiting message due at now, for new settings.
	RescheduleMail(now time.Time) error
	// CountMail counts the messages in each status.
	CountMail() (OutboxCounts, error)
}

// OutboxService is the Outbox window's: what was sent, what waits, and why.
type OutboxService struct {
	gate     *gate
	settings *EmailSettingsService
	courier  *Courier
	now      func() time.Time
}

// OutboxLimit is how many messages the Outbox window lists, newest first.
const OutboxLimit = 1000

// List returns the newest messages first.
func (s *OutboxService) List(ctx context.Context) ([]*OutboxMessage, error) {
	var out []*OutboxMessage
	err := s.gate.read(ctx, PermManagePractice, func(tx *call) (err error) {
		out, err = tx.OutboxMessages(OutboxLimit)
		return err
	})
	return out, mailWords("load the outbox", err)
}

// Get returns one message, without the code.
func (s *OutboxService) Get(ctx context.Context, id int64) (*OutboxMessage, error) {
	var out *OutboxMessage
	err := s.gate.read(ctx, PermManagePractice, func(tx *call) (err error) {
		out, err = tx.OutboxMessage(id)
		return err
	})
	return out, mailWords("load the message", err)
}

// RetryNow makes a queued or retrying message due now and tells the courier, which
// also ends any pause it took after a failure.
func (s *OutboxService) RetryNow(ctx context.Context, id int64) error {
	err := s.gate.write(ctx, PermManagePractice, func(tx *call) error {
		m, err := tx.OutboxMessage(id)
		if err != nil {
			return err
		}
		switch m.Status {
		case MailQueued, MailRetrying:
		case MailSending:
			return Errorf(ECONFLICT, "This message is being sent right now.")
		case MailSent:
			return Errorf(ECONFLICT, "This message was already sent.")
		case MailFailed:
			return Errorf(ECONFLICT, "This message can no longer be sent: the code it carried was discarded when it failed. Send a new one (Resend activation, Reset Password or Change Email).")
		case MailCancelled:
			return Errorf(ECONFLICT, "This message was cancelled.")
		}
		m.NextAttemptAt = s.now()
		return updateAsSeen(tx, m, m.Status)
	})
	if err != nil {
		return mailWords("retry the message", err)
	}
	if s.courier != nil {
		s.courier.Resume()
	}
	return nil
}

// Cancel stops a message that has not been sent. Its bodies are discarded.
func (s *OutboxService) Cancel(ctx context.Context, id int64) error {
	err := s.gate.write(ctx, PermManagePractice, func(tx *call) error {
		m, err := tx.OutboxMessage(id)
		if err != nil {
			return err
		}
		switch m.Status {
		case MailQueued, MailRetrying, MailFailed:
		case MailSending:
			return Errorf(ECONFLICT, "This message is being sent right now; it cannot be cancelled.")
		case MailSent:
			return Errorf(ECONFLICT, "This message was already sent.")
		case MailCancelled:
			return nil
		}
		was := m.Status
		m.Status = MailCancelled
		return updateAsSeen(tx, m, was)
	})
	return mailWords("cancel the message", err)
}

// updateAsSeen writes a manager's change to m, which was in status was when read.
func updateAsSeen(tx Tx, m *OutboxMessage, was MailStatus) error {
	ok, err := tx.UpdateMail(m, was, "")
	if err != nil {
		return err
	} else if !ok {
		return Errorf(ECONFLICT, "This message changed meanwhile (it may be being sent right now); look again.")
	}
	return nil
}

// MailView is an email as the recipient sees it, except that a code is masked: the
// manager never learns a code meant for someone else.
type MailView struct {
	From    string // "Front Desk <office@example.com>", or "" when email is not set up
	To      string // "Camille Staff <camilles@email.xyz>"
	Subject string
	Date    time.Time // when it was sent, or queued
	Text    string
	HTML    string
}

// View returns the message as the recipient sees it, codes masked.
func (s *OutboxService) View(ctx context.Context, id int64) (*MailView, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	v := &MailView{To: formatAddress(m.ToName, m.ToAddress), Subject: m.Subject, Date: m.CreatedAt,
		Text: m.RedactedText, HTML: m.RedactedHTML}
	if !m.SentAt.IsZero() {
		v.Date = m.SentAt
	}
	if cfg, err := s.settings.effective(ctx, false); err == nil && cfg.FromAddress != "" {
		v.From = formatAddress(cfg.FromName, cfg.FromAddress)
	}
	return v, nil
}

// EML returns the message as an RFC 5322 file, for Save as .eml: the same headers the
// recipient gets (Message-ID included), codes masked.
func (s *OutboxService) EML(ctx context.Context, id int64) ([]byte, error) {
	m, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	cfg, err := s.settings.effective(ctx, false)
	if err != nil {
		return nil, err
	}
	if cfg.FromAddress == "" {
		return nil, Errorf(EINVALID, "Set up email (Settings → Email) before saving a message: it needs the From address.")
	}
	date := m.CreatedAt
	if !m.SentAt.IsZero() {
		date = m.SentAt
	}
	raw, err := s.settings.postman.EML(cfg, Letter{MessageID: m.MessageID, ToName: m.ToName, ToAddress: m.ToAddress,
		Subject: m.Subject, Text: m.RedactedText, HTML: m.RedactedHTML, Date: date})
	if err != nil {
		return nil, mailWords("save the message", err)
	}
	return raw, nil
}

// MailState is how mail flows, as the main window's banner shows it.
type MailState int

const (
	MailOK            MailState = iota // nothing to say: mail goes out, nothing failed
	MailNotConfigured                  // no email settings yet; messages wait for them
	MailNotGoingOut                    // the courier cannot send (Problem says why); messages wait
	MailSomeFailed                     // mail flows, but Failed messages failed for good
)

// MailHealth is how mail flows: the state and the counts behind it.
type MailHealth struct {
	State   MailState
	Waiting int    // messages queued or being sent
	Failed  int    // messages that failed for good
	Problem string // MailNotGoingOut: why, in the person's words
}

// Label is the banner's one line: "Email is not set up — 2 messages waiting", "Email
// is not going out: … — 3 messages waiting", "1 message failed", or "" for MailOK.
func (h MailHealth) Label() string {
	switch h.State {
	case MailNotConfigured:
		if h.Waiting > 0 {
			return fmt.Sprintf("Email is not set up — %s waiting", countOf(h.Waiting, "message"))
		}
		return "Email is not set up"
	case MailNotGoingOut:
		return fmt.Sprintf("Email is not going out: %s — %s waiting", h.Problem, countOf(h.Waiting, "message"))
	case MailSomeFailed:
		return countOf(h.Failed, "message") + " failed"
	}
	return ""
}

// Summary is Health's Label.
func (s *OutboxService) Summary(ctx context.Context) (string, error) {
	h, err := s.Health(ctx)
	if err != nil {
		return "", err
	}
	return h.Label(), nil
}

// Health says how mail flows: not set up, not going out, some failed, or fine.
func (s *OutboxService) Health(ctx context.Context) (MailHealth, error) {
	var counts OutboxCounts
	err := s.gate.read(ctx, anyone, func(tx *call) (err error) {
		counts, err = tx.CountMail()
		return err
	})
	if err != nil {
		return MailHealth{}, mailWords("count the outbox", err)
	}
	h := MailHealth{Waiting: counts.Waiting(), Failed: counts[MailFailed]}
	configured, err := s.settings.Configured(ctx)
	if err != nil {
		return MailHealth{}, err
	}
	if !configured {
		h.State = MailNotConfigured
		return h, nil
	}
	if s.courier != nil && h.Waiting > 0 {
		if problem, _ := s.courier.Problem(); problem != "" {
			h.State, h.Problem = MailNotGoingOut, problem
			return h, nil
		}
	}
	if h.Failed > 0 {
		h.State = MailSomeFailed
	}
	return h, nil
}

func countOf(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
