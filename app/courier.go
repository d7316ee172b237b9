package app

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
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

// Postman talks to the mail server. The mail package implements it (mail.Postman);
// app cannot import that package, which imports app for its error type.
type Postman interface {
	// Check validates the server settings (host, port, security, user name, From),
	// returning an EINVALID *Error with a message per field.
	Check(s EmailSettings) error
	// Send delivers l over one connection with a time limit on every step. A failure on
	// the wire is a *DeliveryError; invalid settings or message an EINVALID *Error.
	Send(ctx context.Context, s EmailSettings, l Letter) error
	// EML returns l as RFC 5322 bytes, as Send would write it.
	EML(s EmailSettings, l Letter) ([]byte, error)
	// ParseURL reads --smtp or STAFFDESK_SMTP; its errors never quote the URL.
	ParseURL(raw string) (EmailSettings, error)
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

// CourierOptions tune the courier; the zero value is what the app uses.
type CourierOptions struct {
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Backoff is the wait after the 1st, 2nd, … failed attempt; the last one repeats.
	// Nil means DefaultBackoff.
	Backoff []time.Duration
	// GiveUpAfter is how long after it was queued a message that keeps failing is
	// marked Failed; zero means 3 days.
	GiveUpAfter time.Duration
	// AttemptTimeout bounds one whole attempt (the mail package also bounds each step);
	// zero means 5 minutes.
	AttemptTimeout time.Duration
	// Log receives one line per attempt: the message's id, kind, Message-ID and
	// outcome, never its body or a code. Nil means logrus's standard logger.
	Log logrus.FieldLogger
}

// DefaultBackoff is the wait after each failed attempt.
var DefaultBackoff = []time.Duration{
	time.Minute, 2 * time.Minute, 5 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 4 * time.Hour,
}

// Courier delivers the outbox in the background: one goroutine, started with Start
// and ended with Stop. It sleeps until the next message is due, and wakes at once
// when one is queued.
type Courier struct {
	store    Store
	settings *EmailSettingsService
	postman  Postman
	bell     chan struct{}
	opt      CourierOptions
	log      logrus.FieldLogger

	run sync.Mutex // one pass over the due messages at a time

	mu          sync.Mutex
	problem     string    // why the whole queue waits, "" when it does not
	pausedUntil time.Time // the queue waits until then
	streak      int       // queue-wide failures in a row
	cancel      context.CancelFunc
	done        chan struct{}
}

func (c *Courier) now() time.Time { return c.opt.Now() }

// Start requeues messages left Sending by an app that stopped mid-send (they keep
// their Message-ID) and starts delivering. Stop ends it.
func (c *Courier) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done != nil {
		return Errorf(ECONFLICT, "The email sender is already running.")
	}
	var n int
	err := c.store.Write(ctx, func(tx Tx) (err error) {
		n, err = tx.RequeueSending(c.now())
		return err
	})
	if err != nil {
		return wrapInternal("start sending email", err)
	}
	if n > 0 {
		c.log.WithField("messages", n).Info("outbox: requeued messages left sending when StaffDesk stopped")
	}
	ctx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	c.done = make(chan struct{})
	go c.loop(ctx, c.done)
	return nil
}

// Stop ends delivery and waits for the attempt under way to end; a message it
// interrupts is queued again.
func (c *Courier) Stop() {
	c.mu.Lock()
	cancel, done := c.cancel, c.done
	c.cancel, c.done = nil, nil
	c.mu.Unlock()
	if cancel == nil {
		return
	}
	cancel()
	<-done
}

// Wake makes the courier look at the outbox now (a message was queued).
func (c *Courier) Wake() {
	select {
	case c.bell <- struct{}{}:
	default:
	}
}

// Resume ends a queue-wide pause (new settings, Retry now) and wakes the courier.
func (c *Courier) Resume() {
	c.mu.Lock()
	c.pausedUntil, c.streak, c.problem = time.Time{}, 0, ""
	c.mu.Unlock()
	c.Wake()
}

// Problem says why the whole queue waits ("" when it does not) and until when.
func (c *Courier) Problem() (string, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.problem, c.pausedUntil
}

func (c *Courier) loop(ctx context.Context, done chan struct{}) {
	defer close(done)
	for {
		wait := c.SendDue(ctx)
		if ctx.Err() != nil {
			return
		}
		var timer *time.Timer
		var ring <-chan time.Time
		if wait >= 0 {
			timer = time.NewTimer(wait)
			ring = timer.C
		}
		select {
		case <-ctx.Done():
		case <-c.bell:
		case <-ring:
		}
		if timer != nil {
			timer.Stop()
		}
	}
}

// forever is SendDue's "nothing is scheduled: wait to be woken".
const forever = time.Duration(-1)

// SendDue sends every message due now, one after another, until none is due, the
// queue pauses or ctx ends. It returns how long to wait before the next is due, or a
// negative duration when nothing waits. The courier's goroutine calls it; tests may
// call it directly.
func (c *Courier) SendDue(ctx context.Context) time.Duration {
	c.run.Lock()
	defer c.run.Unlock()
	for ctx.Err() == nil {
		now := c.now()
		c.mu.Lock()
		paused := c.pausedUntil
		c.mu.Unlock()
		if now.Before(paused) {
			return paused.Sub(now)
		}

		var m *OutboxMessage
		var next time.Time
		var waiting bool
		err := c.store.Read(ctx, func(tx Tx) (err error) {
			if m, err = tx.NextDueMail(now); err != nil || m != nil {
				return err
			}
			next, waiting, err = tx.NextMailDue()
			return err
		})
		if err != nil {
			c.log.WithError(err).Error("outbox: could not read the queue")
			return c.pause(now, "StaffDesk could not read the outbox (the details are in the log)")
		}
		if m == nil {
			if !waiting {
				return forever
			}
			return max(next.Sub(now), time.Millisecond)
		}

		cfg, err := c.settings.effective(ctx, true)
		if err == nil && !configured(cfg) {
			c.mu.Lock()
			c.problem = "email is not set up"
			c.mu.Unlock()
			return forever // Save or SetOverride wakes the courier
		}
		if err != nil {
			c.log.WithError(err).Warn("outbox: the email settings cannot be used")
			return c.pause(now, ErrorMessage(err))
		}
		c.deliver(ctx, cfg, m)
	}
	return forever
}

// pause makes the whole queue wait the next, longer, backoff.
func (c *Courier) pause(now time.Time, problem string) time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.streak++
	d := c.backoff(c.streak)
	c.pausedUntil, c.problem = now.Add(d), problem
	return d
}

func (c *Courier) backoff(n int) time.Duration {
	b := c.opt.Backoff
	if n < 1 {
		n = 1
	}
	if n > len(b) {
		return b[len(b)-1]
	}
	return b[n-1]
}

// deliver makes one attempt at m and records the outcome.
func (c *Courier) deliver(ctx context.Context, cfg EmailSettings, m *OutboxMessage) {
	claimed := false
	var text, html string
	err := c.store.Write(ctx, func(tx Tx) (err error) {
		if claimed, err = tx.ClaimMail(m.ID); err != nil || !claimed {
			return err
		}
		text, html, err = tx.OutboxBody(m.ID)
		return err
	})
	log := c.log.WithFields(logrus.Fields{"outbox_id": m.ID, "kind": string(m.Kind),
		"message_id": m.MessageID, "attempt": m.Attempts + 1})
	if err != nil {
		log.WithError(err).Error("outbox: could not start an attempt")
		c.pause(c.now(), "StaffDesk could not read the outbox (the details are in the log)")
		return
	} else if !claimed {
		return // cancelled, or another pass took it
	}
	m.Attempts++

	actx, cancel := context.WithTimeout(ctx, c.opt.AttemptTimeout)
	start := time.Now()
	sendErr := c.postman.Send(actx, cfg, Letter{MessageID: m.MessageID, ToName: m.ToName, ToAddress: m.ToAddress,
		Subject: m.Subject, Text: text, HTML: html, Date: c.now()})
	cancel()
	text, html = "", ""
	log = log.WithField("took", time.Since(start).Round(time.Millisecond).String())

	now := c.now()
	var de *DeliveryError
	switch {
	case sendErr == nil:
		m.Status, m.SentAt, m.LastError = MailSent, now, ""
		c.mu.Lock()
		c.pausedUntil, c.streak, c.problem = time.Time{}, 0, ""
		c.mu.Unlock()
		log.Info("outbox: sent")
	case ctx.Err() != nil:
		// The app is stopping: not the message's fault. It goes again at the next start.
		m.Status, m.NextAttemptAt = MailQueued, now
		m.Attempts--
		log.Info("outbox: attempt interrupted; the message stays queued")
	case errors.As(sendErr, &de) && de.Trouble == TroubleRejected:
		m.Status, m.LastError = MailFailed, de.Reason
		log.WithField("reason", de.Reason).Warn("outbox: the server refused the message; it will not be retried")
	case errors.As(sendErr, &de) && de.Trouble == TroubleMessage:
		c.retry(m, now, de.Reason, c.backoff(m.Attempts))
		log.WithField("reason", de.Reason).Warn("outbox: the message could not go just now; retrying later")
	case errors.As(sendErr, &de):
		d := c.pause(now, de.Reason)
		c.retry(m, now, de.Reason, d)
		log.WithFields(logrus.Fields{"reason": de.Reason, "queue_paused_for": d.String()}).
			Warn("outbox: the mail server cannot take mail now; the whole queue waits")
	case ErrorCode(sendErr) == EINVALID:
		// The settings or the message cannot work; the settings were checked when
		// saved, so this is the message (an address the server side would never take).
		m.Status, m.LastError = MailFailed, ErrorMessage(sendErr)
		log.WithField("reason", ErrorMessage(sendErr)).Warn("outbox: the message cannot be sent")
	default:
		d := c.pause(now, "the email could not be sent (the details are in the log)")
		c.retry(m, now, "The email could not be sent (the details are in the log).", d)
		log.WithError(sendErr).Error("outbox: sending failed")
	}

	// The outcome is recorded even when ctx has ended: a sent message must not be
	// sent again at the next start.
	wctx, wcancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer wcancel()
	if err := c.store.Write(wctx, func(tx Tx) error { return tx.UpdateMail(m) }); err != nil {
		log.WithError(err).Error("outbox: could not record the outcome of an attempt")
	}
}

// retry schedules m again after d, or fails it once it has been trying for longer
// than GiveUpAfter.
func (c *Courier) retry(m *OutboxMessage, now time.Time, reason string, d time.Duration) {
	if now.Sub(m.CreatedAt) >= c.opt.GiveUpAfter {
		m.Status = MailFailed
		m.LastError = fmt.Sprintf("Gave up after %s: %s", durationWords(c.opt.GiveUpAfter), reason)
		return
	}
	m.Status, m.NextAttemptAt, m.LastError = MailRetrying, now.Add(d), reason
}

// durationWords is "3 days", "12 hours", "90 minutes".
func durationWords(d time.Duration) string {
	switch {
	case d >= 48*time.Hour && d%(24*time.Hour) == 0:
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	case d >= 2*time.Hour && d%time.Hour == 0:
		return fmt.Sprintf("%d hours", d/time.Hour)
	case d >= 2*time.Minute && d%time.Minute == 0:
		return fmt.Sprintf("%d minutes", d/time.Minute)
	}
	return d.String()
}

func newCourier(store Store, settings *EmailSettingsService, postman Postman, bell chan struct{}, opt CourierOptions) *Courier {
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if len(opt.Backoff) == 0 {
		opt.Backoff = DefaultBackoff
	}
	if opt.GiveUpAfter <= 0 {
		opt.GiveUpAfter = 3 * 24 * time.Hour
	}
	if opt.AttemptTimeout <= 0 {
		opt.AttemptTimeout = 5 * time.Minute
	}
	log := opt.Log
	if log == nil {
		log = logrus.StandardLogger()
	}
	return &Courier{store: store, settings: settings, postman: postman, bell: bell, opt: opt, log: log}
}
