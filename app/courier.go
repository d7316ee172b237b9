package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"github.com/sirupsen/logrus"
)

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
	// AttemptTimeout bounds one whole attempt (the smtp package also bounds each step);
	// zero means 5 minutes.
	AttemptTimeout time.Duration
	// Lease is how long the courier's claim on a message it is sending holds without
	// being renewed; the courier renews it every quarter lease while it sends. Another
	// StaffDesk's courier takes over a message only when its lease has passed, so this
	// is also how soon a message left sending by a killed app goes again. Zero means
	// 2 minutes.
	Lease time.Duration
	// Batch is how many due messages the courier claims at a time (one transaction
	// each, and the next batch is claimed while one goes out); zero means 50. A larger
	// batch costs nothing in delivery: a killed app's claimed but unsent messages go
	// once their lease passes, and outcomes are recorded at least every outcomeDelay.
	Batch int
	// PutOffLimit is how many messages in a row the server may put off ("try later",
	// a 4xx reply to the recipient or the message, as rate-limiting servers answer)
	// before the whole queue waits, with the growing Backoff, instead of trying each
	// waiting message in turn. Zero means 3.
	PutOffLimit int
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
//
// Several couriers may share one outbox (two StaffDesks on one file). Each claims the
// messages it sends under its own id and a lease it renews (MailClaim), records every
// outcome only if its claim still holds, and takes over another courier's message only
// once that courier's lease has passed. Delivery is therefore at least once: a message
// is sent twice only when a courier sent it but could not record that before its lease
// passed (killed mid-send, or the file held by another StaffDesk for longer than the
// lease); the copy carries the same Message-ID.
type Courier struct {
	gate     *gate
	settings *EmailSettingsService
	postman  Postman
	bell     chan struct{}
	opt      CourierOptions
	log      logrus.FieldLogger
	owner    string // this courier's claims, random per courier

	run sync.Mutex // one pass over the due messages at a time

	mu          sync.Mutex
	problem     string    // why the whole queue waits, "" when it does not
	pausedUntil time.Time // the queue waits until then
	streak      int       // queue-wide failures in a row
	putOff      int       // messages in a row the server put off (4xx)
	cancel      context.CancelFunc
	done        chan struct{}
}

func (c *Courier) now() time.Time { return c.opt.Now() }

// Start puts back in the queue the messages whose claim has expired (left sending by
// an app that stopped mid-send; they keep their Message-ID) and starts delivering.
// Messages another running StaffDesk is sending are left to it. Stop ends it.
func (c *Courier) Start(ctx context.Context) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done != nil {
		return Errorf(ECONFLICT, "The email sender is already running.")
	}
	if _, err := c.reclaimExpired(ctx, c.now()); err != nil {
		return wrapInternal("start sending email", err)
	}
	ctx, c.cancel = context.WithCancel(context.WithoutCancel(ctx))
	c.done = make(chan struct{})
	go c.loop(ctx, c.done)
	return nil
}

func (c *Courier) reclaimExpired(ctx context.Context, now time.Time) (int, error) {
	var n int
	err := c.gate.system(ctx, true, func(tx *call) (err error) {
		n, err = tx.ReclaimExpiredMail(now)
		return err
	})
	if n > 0 {
		c.log.WithField("messages", n).Info("outbox: requeued messages whose sender's claim expired (it stopped mid-send)")
	}
	return n, err
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
	c.pausedUntil, c.streak, c.putOff, c.problem = time.Time{}, 0, 0, ""
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

// SendDue sends every message due now, over one session with the server, until none
// is due, the queue pauses or ctx ends. It returns how long to wait before the next is
// due, or a negative duration when nothing waits. The courier's goroutine calls it;
// tests may call it directly.
func (c *Courier) SendDue(ctx context.Context) time.Duration {
	c.run.Lock()
	defer c.run.Unlock()
	p := &pass{c: c}
	defer p.end()
	next := c.nextBatch(ctx)
	for {
		if next.stop {
			if !next.prefetched {
				return next.wait
			}
			// Read while the last batch went out: look again once its outcomes are
			// written, which may make a retry due sooner.
			p.flush()
			if next = c.nextBatch(ctx); next.stop {
				return next.wait
			}
		}
		if p.renew == nil {
			p.renew = c.renewWhileSending(ctx)
		}
		// The next batch is claimed while this one goes out.
		prefetch := make(chan batchResult, 1)
		go func() {
			r := c.nextBatch(ctx)
			r.prefetched = true
			prefetch <- r
		}()
		c.sendBatch(ctx, p, p.sessionFor(next.cfg), next.batch)
		next = <-prefetch
		if _, paused := c.pausedFor(c.now()); (paused || ctx.Err() != nil) && !next.stop {
			// The queue paused (or the courier is stopping) while it was claimed.
			p.record(ctx, unsent(next.batch))
			next = batchResult{stop: true, prefetched: true}
		}
	}
}

// storeProblem is why the queue waits when the outbox could not be read or claimed.
func storeProblem(err error) string {
	if ErrorCode(err) == EBUSY {
		return "another StaffDesk is still saving"
	}
	return "StaffDesk could not read the outbox (the details are in the log)"
}

// batchResult is nextBatch's answer: messages claimed and the settings to send them
// with, or stop with how long to wait.
type batchResult struct {
	batch      []claimed
	cfg        EmailSettings
	stop       bool
	wait       time.Duration
	prefetched bool
}

// nextBatch claims the next messages due, unless the queue waits.
func (c *Courier) nextBatch(ctx context.Context) batchResult {
	for ctx.Err() == nil {
		now := c.now()
		if d, paused := c.pausedFor(now); paused {
			return batchResult{stop: true, wait: d}
		}

		batch, read, next, waiting, err := c.claim(ctx, now)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			c.log.WithError(err).Error("outbox: could not claim messages to send")
			return batchResult{stop: true, wait: c.pause(c.now(), storeProblem(err))}
		}
		if !read {
			if !waiting {
				return batchResult{stop: true, wait: forever}
			}
			return batchResult{stop: true, wait: max(next.Sub(now), time.Millisecond)}
		}
		if len(batch) == 0 {
			continue // every one was unreadable and failed: look again
		}

		// The settings are read once something is to go, so that an empty queue never
		// asks the keychain; when they do not allow sending, the batch goes back as it was.
		cfg, err := c.settings.effective(ctx, true)
		if err == nil && configured(cfg) {
			return batchResult{batch: batch, cfg: cfg}
		}
		c.record(ctx, unsent(batch))
		if err != nil {
			c.log.WithError(err).Warn("outbox: the email settings cannot be used")
			return batchResult{stop: true, wait: c.pause(now, ErrorMessage(err))}
		}
		c.mu.Lock()
		c.problem = "email is not set up"
		c.mu.Unlock()
		return batchResult{stop: true, wait: forever} // Save or SetOverride wakes the courier
	}
	return batchResult{stop: true, wait: forever}
}

// outcomeDelay bounds how long the outcomes of sent messages wait to be recorded
// together: one write per batch rather than per message keeps a fast server fed, and
// a killed app re-sends at most the messages of its last moments.
const outcomeDelay = 100 * time.Millisecond

// sendBatch sends the claimed messages in turn over session, handing their outcomes to
// the pass's recorder together at least every outcomeDelay. Messages left when the queue pauses or
// the courier stops go back as they were, their attempt not counted.
func (c *Courier) sendBatch(ctx context.Context, p *pass, session PostSession, batch []claimed) {
	var outcomes []*OutboxMessage
	var since time.Time
	for i, it := range batch {
		if ctx.Err() != nil {
			outcomes = append(outcomes, unsent(batch[i:])...)
			break
		}
		m, goOn := c.deliver(ctx, session, it)
		if len(outcomes) == 0 {
			since = time.Now()
		}
		outcomes = append(outcomes, m)
		if !goOn {
			outcomes = append(outcomes, unsent(batch[i+1:])...)
			break
		}
		if time.Since(since) >= outcomeDelay {
			p.record(ctx, outcomes)
			outcomes = nil
		}
	}
	p.record(ctx, outcomes)
}

// unsent returns claimed messages as they were before the claim.
func unsent(items []claimed) []*OutboxMessage {
	out := make([]*OutboxMessage, len(items))
	for i, it := range items {
		it.m.Status, it.m.Attempts = it.was, it.m.Attempts-1
		out[i] = it.m
	}
	return out
}

// pausedFor reports whether the whole queue waits at now, and for how long.
func (c *Courier) pausedFor(now time.Time) (time.Duration, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if now.Before(c.pausedUntil) {
		return c.pausedUntil.Sub(now), true
	}
	return 0, false
}

// claim puts back in the queue the messages whose sender stopped mid-send, then moves
// the next due messages to sending under this courier's claim and opens their bodies,
// all in one transaction. A message whose bodies cannot be opened (discarded, or sealed
// with another key) fails at once with the reason, so that one bad row never holds back
// the rest of the queue. read is false when nothing was due; next and waiting then say
// when something will be (NextMailDue).
func (c *Courier) claim(ctx context.Context, now time.Time) (batch []claimed, read bool, next time.Time, waiting bool, err error) {
	var failed []*OutboxMessage
	err = c.gate.system(ctx, true, func(tx *call) error {
		batch, failed = batch[:0], failed[:0]
		if _, err := tx.ReclaimExpiredMail(now); err != nil {
			return err
		}
		got, err := tx.ClaimDueMail(now, MailClaim{Owner: c.owner, Until: c.now().Add(c.opt.Lease)}, c.opt.Batch)
		if err != nil {
			return err
		}
		if read = len(got) > 0; !read {
			next, waiting, err = tx.NextMailDue()
			return err
		}
		for _, g := range got {
			m := g.Message
			if g.Err != nil {
				if ErrorCode(g.Err) != ECONFLICT && ErrorCode(g.Err) != EINTERNAL {
					return g.Err
				}
				m.Status, m.LastError = MailFailed, unopenableReason(g.Err)
				if _, err := tx.UpdateMail(m, MailSending, c.owner); err != nil {
					return err
				}
				failed = append(failed, m)
				continue
			}
			batch = append(batch, claimed{m: m, was: g.Was, text: g.Text, html: g.HTML})
		}
		return nil
	})
	if err != nil {
		return nil, false, time.Time{}, false, err
	}
	for _, m := range failed {
		c.log.WithFields(logrus.Fields{"outbox_id": m.ID, "kind": string(m.Kind), "message_id": m.MessageID, "reason": m.LastError}).
			Warn("outbox: the message's text cannot be read; it fails and the queue goes on")
	}
	return batch, read, next, waiting, nil
}

// unopenableReason is the LastError of a message whose bodies could not be opened.
func unopenableReason(err error) string {
	if ErrorCode(err) == ECONFLICT {
		return "The text of this message was discarded before it could be sent. Send a new one (Resend activation, Reset Password or Change Email)."
	}
	return "The text of this message could not be decrypted (the details are in the log). Send a new one (Resend activation, Reset Password or Change Email)."
}

// renewWhileSending renews this courier's leases every quarter lease until the
// returned function is called.
func (c *Courier) renewWhileSending(ctx context.Context) func() {
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(max(c.opt.Lease/4, time.Millisecond))
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			err := c.gate.system(ctx, true, func(tx *call) error {
				_, err := tx.RenewMailClaims(MailClaim{Owner: c.owner, Until: c.now().Add(c.opt.Lease)})
				return err
			})
			if err != nil && ctx.Err() == nil {
				c.log.WithError(err).Warn("outbox: could not renew the claim on the messages being sent")
			}
		}
	}()
	return func() {
		close(stop)
		<-done
	}
}

// recordGrace is how long a stopping courier keeps trying to record outcomes.
const recordGrace = 10 * time.Second

// record writes the outcomes of messages this courier claimed, each only if its claim
// still holds. While another StaffDesk holds the file (EBUSY) it tries again, with
// growing pauses, until it succeeds or, once the courier is stopping, recordGrace has
// passed; a message whose outcome is never recorded stays claimed until its lease
// passes and is then sent again (at least once).
func (c *Courier) record(ctx context.Context, outcomes []*OutboxMessage) {
	if len(outcomes) == 0 {
		return
	}
	rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(recordGrace, cancel) })
	defer stop()
	var lost []*OutboxMessage
	write := func(tx Tx) error {
		lost = lost[:0]
		for _, m := range outcomes {
			ok, err := tx.UpdateMail(m, MailSending, c.owner)
			if err != nil {
				return err
			} else if !ok {
				lost = append(lost, m)
			}
		}
		return nil
	}
	pause := 50 * time.Millisecond
	for {
		err := c.gate.system(rctx, true, func(tx *call) error { return write(tx) })
		if err == nil {
			break
		} else if ErrorCode(err) != EBUSY || rctx.Err() != nil {
			c.log.WithError(err).WithField("messages", len(outcomes)).
				Error("outbox: could not record the outcome of attempts; those messages go again once their claim expires")
			return
		}
		c.log.WithError(err).Warn("outbox: the database is busy (another StaffDesk is saving); recording the outcome again shortly")
		select {
		case <-rctx.Done():
		case <-time.After(pause):
		}
		pause = min(2*pause, 5*time.Second)
	}
	for _, m := range lost {
		c.log.WithFields(logrus.Fields{"outbox_id": m.ID, "message_id": m.MessageID}).
			Warn("outbox: another StaffDesk took this message over (this one's claim had expired); its outcome here is not recorded")
	}
}

// deliver makes one attempt at a claimed message and returns it with its outcome, to
// be recorded, and false when the rest of the queue should wait (the queue paused).
func (c *Courier) deliver(ctx context.Context, session PostSession, it claimed) (*OutboxMessage, bool) {
	m := it.m
	log := c.log.WithFields(logrus.Fields{"outbox_id": m.ID, "kind": string(m.Kind),
		"message_id": m.MessageID, "attempt": m.Attempts})

	actx, cancel := context.WithTimeout(ctx, c.opt.AttemptTimeout)
	start := time.Now()
	sendErr := session.Send(actx, Letter{MessageID: m.MessageID, ToName: m.ToName, ToAddress: m.ToAddress,
		Subject: m.Subject, Text: it.text, HTML: it.html, Date: c.now()})
	cancel()
	it.text, it.html = "", ""
	log = log.WithField("took", time.Since(start).Round(time.Millisecond).String())

	now := c.now()
	goOn := true
	var de *DeliveryError
	switch {
	case sendErr == nil:
		m.Status, m.SentAt, m.LastError = MailSent, now, ""
		c.mu.Lock()
		c.pausedUntil, c.streak, c.putOff, c.problem = time.Time{}, 0, 0, ""
		c.mu.Unlock()
		log.Info("outbox: sent")
	case ctx.Err() != nil:
		// The app is stopping: not the message's fault. It goes again at the next start.
		m.Status, m.NextAttemptAt = it.was, now
		m.Attempts--
		goOn = false
		log.Info("outbox: attempt interrupted; the message stays queued")
	case errors.As(sendErr, &de) && de.Trouble == TroubleRejected:
		m.Status, m.LastError = MailFailed, de.Reason
		log.WithField("reason", de.Reason).Warn("outbox: the server refused the message; it will not be retried")
	case errors.As(sendErr, &de) && de.Trouble == TroubleMessage:
		c.mu.Lock()
		c.putOff++
		putOff := c.putOff
		c.mu.Unlock()
		if putOff < c.opt.PutOffLimit {
			c.retry(m, now, de.Reason, c.backoff(m.Attempts))
			log.WithField("reason", de.Reason).Warn("outbox: the message could not go just now; retrying later")
			break
		}
		// A server that puts off message after message is limiting the rate: the whole
		// queue waits, rather than one try per waiting message.
		d := c.pause(now, de.Reason)
		c.retry(m, now, de.Reason, d)
		goOn = false
		log.WithFields(logrus.Fields{"reason": de.Reason, "put_off_in_a_row": putOff, "queue_paused_for": d.String()}).
			Warn("outbox: the mail server keeps putting messages off; the whole queue waits")
	case errors.As(sendErr, &de):
		d := c.pause(now, de.Reason)
		c.retry(m, now, de.Reason, d)
		goOn = false
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
		goOn = false
		log.WithError(sendErr).Error("outbox: sending failed")
	}

	return m, goOn
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

func newCourier(g *gate, settings *EmailSettingsService, postman Postman, bell chan struct{}, opt CourierOptions) *Courier {
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
	if opt.Lease <= 0 {
		opt.Lease = 2 * time.Minute
	}
	if opt.Batch <= 0 {
		opt.Batch = 50
	}
	if opt.PutOffLimit <= 0 {
		opt.PutOffLimit = 3
	}
	log := opt.Log
	if log == nil {
		log = logrus.StandardLogger()
	}
	return &Courier{gate: g, settings: settings, postman: postman, bell: bell, opt: opt, log: log, owner: newClaimOwner()}
}

// newClaimOwner is a courier's id in its claims: the host and process, for whoever
// reads the file, and random bits, so that two couriers never share one.
func newClaimOwner() string {
	host, _ := os.Hostname()
	var b [6]byte
	rand.Read(b[:])
	return fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))
}
