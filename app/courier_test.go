package app_test

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/staffdesk/staffdesk/app"
	mailtest "github.com/staffdesk/staffdesk/smtp/smtptest"
)

// Server down → retried with growing delays → delivered exactly once when it is back.
func TestCourier_ServerDownThenBack(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	r.srv.Close()
	r.createStaff("camilles", "Camille", "Staff")

	if wait := r.sendDue(); wait != time.Minute {
		t.Fatalf("first retry in %s, want 1m", wait)
	}
	m := r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailRetrying || m.Attempts != 1 || !strings.Contains(m.LastError, "refused") {
		t.Fatalf("after a refused connection: %s, %d attempts, %q", m.Status, m.Attempts, m.LastError)
	}
	if got := m.StatusLabel(r.clock.Now()); got != "Retrying at "+r.clock.Now().Add(time.Minute).Local().Format("15:04") {
		t.Fatalf("label %q", got)
	}
	summary, _ := r.svc.Outbox.Summary(r.ctx())
	if !strings.HasPrefix(summary, "Email is not going out: ") || !strings.HasSuffix(summary, "1 message waiting") {
		t.Fatalf("summary %q", summary)
	}
	// Not due yet: nothing is tried.
	r.clock.Advance(59 * time.Second)
	r.sendDue()
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Attempts != 1 {
		t.Fatalf("tried again before its time: %d attempts", m.Attempts)
	}
	r.clock.Advance(time.Second)
	if wait := r.sendDue(); wait != 2*time.Minute {
		t.Fatalf("second retry in %s, want 2m", wait)
	}

	r.srv.Start()
	r.clock.Advance(2 * time.Minute)
	r.sendDue()
	r.clock.Advance(time.Hour)
	r.sendDue()
	if got := len(r.srv.Messages()); got != 1 {
		t.Fatalf("delivered %d times, want once", got)
	}
	m = r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailSent || m.Attempts != 3 || m.LastError != "" {
		t.Fatalf("after delivery: %s, %d attempts, %q", m.Status, m.Attempts, m.LastError)
	}
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); summary != "" {
		t.Fatalf("summary %q once mail flows", summary)
	}
}

// 421 then 250: one delivery.
func TestCourier_421Then250(t *testing.T) {
	r := newMailRig(t, rigOptions{server: mailtest.Options{MailReplies: []mailtest.Reply{{Code: 421, Enhanced: "4.3.2", Text: "Try again later"}}}})
	r.setUp(r.settings())
	r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()
	m := r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailRetrying || !strings.Contains(m.LastError, "421 4.3.2 Try again later") {
		t.Fatalf("after 421: %s %q", m.Status, m.LastError)
	}
	r.clock.Advance(time.Minute)
	r.sendDue()
	r.clock.Advance(time.Hour)
	r.sendDue()
	if got := len(r.srv.Messages()); got != 1 {
		t.Fatalf("delivered %d times, want once", got)
	}
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Status != app.MailSent || m.Attempts != 2 {
		t.Fatalf("%s after %d attempts", m.Status, m.Attempts)
	}
}

// 550: Failed with the server's words, never retried, and its code discarded.
func TestCourier_550FailsWithoutRetry(t *testing.T) {
	r := newMailRig(t, rigOptions{server: mailtest.Options{RecipientReplies: map[string]mailtest.Reply{
		"camilles@email.xyz": {Code: 550, Enhanced: "5.1.1", Text: "mailbox unavailable"}}}})
	r.setUp(r.settings())
	r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	r.sendDue()
	m := r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailFailed || !strings.Contains(m.LastError, "550 5.1.1 mailbox unavailable") {
		t.Fatalf("after 550: %s %q", m.Status, m.LastError)
	}
	if !strings.HasPrefix(m.StatusLabel(r.clock.Now()), "Failed: ") {
		t.Fatalf("label %q", m.StatusLabel(r.clock.Now()))
	}
	// The other message is not held up.
	if m := r.message(app.MailActivation, "marcus@email.xyz"); m.Status != app.MailSent {
		t.Fatalf("marcus's: %s", m.Status)
	}
	r.clock.Advance(24 * time.Hour)
	r.sendDue()
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Attempts != 1 || m.Status != app.MailFailed {
		t.Fatalf("retried a 5xx: %d attempts, %s", m.Attempts, m.Status)
	}
	wantCode(t, r.svc.Outbox.RetryNow(r.ctx(), m.ID), app.ECONFLICT, "no longer be sent")
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); summary != "1 message failed" {
		t.Fatalf("summary %q", summary)
	}
	err := r.db.Read(r.ctx(), func(tx app.Tx) error { _, _, err := tx.OutboxBody(m.ID); return err })
	if app.ErrorCode(err) != app.ECONFLICT || !errors.Is(err, app.ErrMailDiscarded) || app.ErrorMessage(err) != "" {
		t.Fatalf("the store's refusal of a discarded text: %v", err) // no words: those are the service's
	}
	// Cancel clears it from the summary.
	if err := r.svc.Outbox.Cancel(r.ctx(), m.ID); err != nil {
		t.Fatal(err)
	}
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); summary != "" {
		t.Fatalf("summary %q", summary)
	}
}

// A server that never greets: the attempt ends within its timeout, and the services
// answer meanwhile.
func TestCourier_ServerNeverGreets(t *testing.T) {
	r := newMailRig(t, rigOptions{server: mailtest.Options{NeverGreet: true}, timeout: 300 * time.Millisecond})
	s := r.settings()
	s.Username, s.Password = "", ""
	r.setUp(s)
	r.createStaff("camilles", "Camille", "Staff")
	if err := r.svc.Courier.Start(r.ctx()); err != nil {
		t.Fatal(err)
	}
	defer r.svc.Courier.Stop()
	start := time.Now()
	eventually(t, 5*time.Second, "the attempt to end", func() bool {
		if _, err := r.svc.Staff.List(r.ctx()); err != nil { // the UI's calls still answer
			t.Fatal(err)
		}
		return r.message(app.MailActivation, "camilles@email.xyz").Status == app.MailRetrying
	})
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("the attempt took %s with a 300ms timeout", took)
	}
	if m := r.message(app.MailActivation, "camilles@email.xyz"); !strings.Contains(m.LastError, "did not answer") {
		t.Fatalf("reason %q", m.LastError)
	}
}

// STARTTLS required but not offered: nothing is sent, not even the password.
func TestCourier_STARTTLSRequiredButNotOffered(t *testing.T) {
	r := newMailRig(t, rigOptions{noSTARTTLS: true})
	r.setUp(r.settings())
	r.createStaff("camilles", "Camille", "Staff")
	r.sendDue()
	if n := len(r.srv.Messages()); n != 0 || r.srv.AuthAttempts() != 0 {
		t.Fatalf("sent %d messages and %d AUTH without TLS", n, r.srv.AuthAttempts())
	}
	m := r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailRetrying || !strings.Contains(m.LastError, "STARTTLS") {
		t.Fatalf("%s %q", m.Status, m.LastError)
	}
	if problem, _ := r.svc.Courier.Problem(); !strings.Contains(problem, "STARTTLS") {
		t.Fatalf("problem %q", problem)
	}
}

// A wrong password: one failed sign-in per retry for the whole queue, never one per
// message; new settings resume at once.
func TestCourier_WrongPasswordDoesNotStorm(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	s := r.settings()
	s.Password = "wrong-password"
	r.setUp(s)
	for _, u := range []string{"camilles", "marcus", "priya", "luis"} {
		r.createStaff(u, "Some", "One")
	}
	wantAuths := func(n int) {
		t.Helper()
		if got := r.srv.AuthAttempts(); got != n {
			t.Fatalf("%d AUTH attempts, want %d", got, n)
		}
	}
	r.sendDue()
	wantAuths(1)
	r.sendDue() // paused
	wantAuths(1)
	for i, d := range []time.Duration{time.Minute, 2 * time.Minute, 5 * time.Minute} {
		r.clock.Advance(d - time.Second)
		r.sendDue()
		wantAuths(i + 1)
		r.clock.Advance(time.Second)
		r.sendDue()
		wantAuths(i + 2)
	}
	if summary, _ := r.svc.Outbox.Summary(r.ctx()); !strings.Contains(summary, "user name or password") || !strings.HasSuffix(summary, "4 messages waiting") {
		t.Fatalf("summary %q", summary)
	}
	attempted := 0
	for _, m := range r.outbox() {
		attempted += m.Attempts
	}
	if attempted != 4 {
		t.Fatalf("%d attempts in all, want 4", attempted)
	}

	r.setUp(r.settings()) // the right password
	r.sendDue()
	if got := len(r.srv.Messages()); got != 4 {
		t.Fatalf("delivered %d, want 4", got)
	}
}

// The app stopped with mail queued (one message mid-send) and started again: all of
// it is delivered, the interrupted one with its Message-ID.
func TestCourier_RestartDeliversEverything(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	for _, u := range []string{"camilles", "marcus", "priya"} {
		r.createStaff(u, "Some", "One")
	}
	// The app was killed while sending marcus's: its claim holds for the lease.
	interrupted := r.message(app.MailActivation, "marcus@email.xyz")
	err := r.db.Write(r.ctx(), func(tx app.Tx) error {
		_, err := tx.ClaimMail(app.MailClaim{Owner: "killed-desk", Until: r.clock.Now().Add(2 * time.Minute)}, interrupted.ID)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	r.reopen()

	if err := r.svc.Courier.Start(r.ctx()); err != nil {
		t.Fatal(err)
	}
	defer r.svc.Courier.Stop()
	eventually(t, 10*time.Second, "the 2 free messages", func() bool { return len(r.srv.Messages()) == 2 })
	time.Sleep(100 * time.Millisecond)
	if n := len(r.srv.Messages()); n != 2 {
		t.Fatalf("%d delivered while the killed app's claim held", n)
	}
	r.clock.Advance(2 * time.Minute)
	r.svc.Courier.Wake()
	// The server has a message a moment before the courier records it as Sent.
	eventually(t, 10*time.Second, "3 deliveries, recorded", func() bool {
		if len(r.srv.Messages()) != 3 {
			return false
		}
		for _, m := range r.outbox() {
			if m.Status != app.MailSent {
				return false
			}
		}
		return true
	})
	for _, m := range r.outbox() {
		if m.Status != app.MailSent {
			t.Errorf("%s: %s", m.ToAddress, m.Status)
		}
	}
	var ids []string
	for _, m := range r.srv.Messages() {
		if got := parseReceived(t, m.Data); got.to.Address == "marcus@email.xyz" {
			ids = append(ids, got.header.Get("Message-Id"))
		}
	}
	if len(ids) != 1 || ids[0] != interrupted.MessageID {
		t.Fatalf("Message-IDs %v, want [%s]", ids, interrupted.MessageID)
	}

	// Queued while running: the courier wakes at once.
	r.createStaff("luis", "Luis", "Ortega")
	eventually(t, 5*time.Second, "the new message", func() bool { return len(r.srv.Messages()) == 4 })
}

// A message that keeps failing is given up after 3 days.
func TestCourier_GivesUpAfterThreeDays(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	r.srv.Close()
	r.createStaff("camilles", "Camille", "Staff")
	for i := 0; i < 100; i++ {
		wait := r.sendDue()
		if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Status == app.MailFailed {
			if !strings.HasPrefix(m.LastError, "Gave up after 3 days: ") {
				t.Fatalf("reason %q", m.LastError)
			}
			if r.clock.Now().Sub(m.CreatedAt) < 72*time.Hour || m.Attempts > 30 {
				t.Fatalf("gave up after %s and %d attempts", r.clock.Now().Sub(m.CreatedAt), m.Attempts)
			}
			return
		}
		r.clock.Advance(wait)
	}
	t.Fatal("never gave up")
}

// No log line holds the SMTP password, a code or a message body.
func TestCourier_LogsHoldNoSecrets(t *testing.T) {
	r := newMailRig(t, rigOptions{server: mailtest.Options{RecipientReplies: map[string]mailtest.Reply{
		"marcus@email.xyz": {Code: 550, Text: "no such user"}}}})
	std, old := &strings.Builder{}, logrus.StandardLogger().Out
	logrus.StandardLogger().SetOutput(std)
	defer logrus.StandardLogger().SetOutput(old)
	s := r.settings()
	s.Password = "wrong-" + rigSMTPPassword
	r.setUp(s)
	camille := r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	if err := r.svc.Accounts.RequestPasswordReset(r.ctx(), camille.ID, camille.Version); err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, m := range r.outbox() {
		codes = append(codes, r.peekCode(m))
	}
	r.sendDue() // wrong password
	r.setUp(r.settings())
	r.sendDue()
	if len(r.srv.Messages()) != 2 {
		t.Fatalf("delivered %d", len(r.srv.Messages()))
	}
	logs := r.logs.String() + std.String()
	if !strings.Contains(logs, "outbox: sent") || !strings.Contains(logs, "user name or password") {
		t.Fatalf("the log lacks the attempts:\n%s", logs)
	}
	secrets := []string{rigSMTPPassword, "A staff account has been created", "password reset was requested", "Hello Camille"}
	for _, c := range codes {
		secrets = append(secrets, c, strings.ReplaceAll(c, "-", ""))
	}
	for _, s := range secrets {
		if strings.Contains(logs, s) {
			t.Fatalf("the log holds %q:\n%s", s, logs)
		}
	}
}

// A rate-limiting server answers "450 try later" to every recipient: after a few
// messages put off in a row the whole queue waits, with growing pauses, instead of
// costing a connection and a sign-in per waiting message per round.
func TestCourier_RateLimitingServerPausesTheQueue(t *testing.T) {
	later := make([]mailtest.Reply, 1000)
	for i := range later {
		later[i] = mailtest.Reply{Code: 450, Enhanced: "4.7.1", Text: "Too many messages, try later"}
	}
	r := newMailRig(t, rigOptions{server: mailtest.Options{RcptReplies: later}})
	r.setUp(r.settings())
	for i := 0; i < 10; i++ {
		r.createStaff(fmt.Sprintf("user%02d", i), "Some", "One")
	}
	wait := r.sendDue()
	if rc, c, a := r.srv.Rcpts(), r.srv.Connections(), r.srv.AuthAttempts(); rc != 3 || c != 1 || a != 1 {
		t.Fatalf("first round: %d RCPT over %d connections with %d AUTH, want 3, 1, 1", rc, c, a)
	}
	if wait != time.Minute {
		t.Fatalf("the queue waits %s, want 1m", wait)
	}
	if problem, _ := r.svc.Courier.Problem(); !strings.Contains(problem, "450 4.7.1 Too many messages") {
		t.Fatalf("problem %q", problem)
	}
	untried := 0
	for _, m := range r.outbox() {
		if m.Attempts == 0 && m.Status == app.MailQueued {
			untried++
		}
	}
	if untried != 7 {
		t.Fatalf("%d messages untried, want 7", untried)
	}
	// Ten minutes of a server that keeps saying "later": one try per pause.
	for elapsed := wait; elapsed <= 10*time.Minute; elapsed += wait {
		r.clock.Advance(wait)
		wait = r.sendDue() // at 1, 3 and 8 minutes
	}
	if rc, c := r.srv.Rcpts(), r.srv.Connections(); rc != 6 || c != 4 {
		t.Fatalf("after 10 minutes: %d RCPT over %d connections", rc, c)
	}
}

// One message whose text was discarded (a database poisoned by the old requeue race):
// it fails with its reason and the rest of the queue goes out.
func TestCourier_UnreadableMessageDoesNotHoldBackTheQueue(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.setUp(r.settings())
	r.createStaff("camilles", "Camille", "Staff")
	poisoned := r.message(app.MailActivation, "camilles@email.xyz")
	err := r.db.Write(r.ctx(), func(tx app.Tx) error {
		// Sent, and then put back in the queue without its text.
		m := *poisoned
		m.Status, m.SentAt = app.MailSent, r.clock.Now()
		if ok, err := tx.UpdateMail(&m, app.MailQueued, ""); !ok || err != nil {
			t.Fatalf("sent: %v %v", ok, err)
		}
		m.Status, m.SentAt = app.MailQueued, time.Time{}
		_, err := tx.UpdateMail(&m, app.MailSent, "")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []string{"marcus", "priya", "luis"} {
		r.createStaff(u, "Some", "One")
	}
	r.sendDue()
	if n := len(r.srv.Messages()); n != 3 {
		t.Fatalf("delivered %d, want the 3 readable messages", n)
	}
	m := r.message(app.MailActivation, "camilles@email.xyz")
	if m.Status != app.MailFailed || !strings.Contains(m.LastError, "discarded") {
		t.Fatalf("the unreadable message: %s %q", m.Status, m.LastError)
	}
	if problem, _ := r.svc.Courier.Problem(); problem != "" {
		t.Fatalf("the queue is paused: %q", problem)
	}
}

// A send that lasts longer than the lease: the courier renews its claim meanwhile, so
// a second desk on the same file never takes the message over and sends it again.
func TestCourier_LongSendKeepsItsClaim(t *testing.T) {
	r := newMailRig(t, rigOptions{server: mailtest.Options{DataDelays: []time.Duration{3 * time.Second}},
		lease: time.Second, realClock: true, timeout: 10 * time.Second})
	r.setUp(r.settings())
	r.createStaff("camilles", "Camille", "Staff")
	if err := r.svc.Courier.Start(r.ctx()); err != nil {
		t.Fatal(err)
	}
	defer r.svc.Courier.Stop()
	eventually(t, 5*time.Second, "desk A to begin sending", func() bool { return r.srv.DataStarted() == 1 })

	var logsB bytes.Buffer
	_, b := r.openDesk(&logsB)
	for start := time.Now(); time.Since(start) < 3*time.Second; time.Sleep(50 * time.Millisecond) {
		b.Courier.SendDue(r.ctx()) // desk B looks, and looks again after A's first lease
	}
	eventually(t, 5*time.Second, "A to record the message sent", func() bool {
		return r.message(app.MailActivation, "camilles@email.xyz").Status == app.MailSent
	})
	if n, started := len(r.srv.Messages()), r.srv.DataStarted(); n != 1 || started != 1 {
		t.Fatalf("%d delivered, %d sends begun; want 1 and 1\nB:\n%s", n, started, logsB.String())
	}
	if m := r.message(app.MailActivation, "camilles@email.xyz"); m.Attempts != 1 {
		t.Fatalf("%d attempts", m.Attempts)
	}
}

// With email not set up, a pass leaves the queue as it was: the messages it looked at
// are queued again with their attempt not counted and no claim left on them, the
// courier says why it waits, and once email is set up each goes once, at its first
// attempt.
func TestCourier_NotSetUpLeavesTheQueueAsItWas(t *testing.T) {
	r := newMailRig(t, rigOptions{})
	r.createStaff("camilles", "Camille", "Staff")
	r.createStaff("marcus", "Marcus", "Staff")
	if wait := r.sendDue(); wait >= 0 {
		t.Fatalf("waits %v with email not set up, want until woken", wait)
	}
	if problem, _ := r.svc.Courier.Problem(); problem != "email is not set up" {
		t.Fatalf("problem %q", problem)
	}
	for _, m := range r.outbox() {
		if m.Status != app.MailQueued || m.Attempts != 0 || m.LastError != "" {
			t.Fatalf("after a pass without settings: %s, %d attempts, %q", m.Status, m.Attempts, m.LastError)
		}
	}
	if got := len(r.srv.Messages()); got != 0 {
		t.Fatalf("%d sent", got)
	}

	r.setUp(r.settings())
	r.svc.Courier.Resume()
	r.sendDue()
	for _, m := range r.outbox() {
		if m.Status != app.MailSent || m.Attempts != 1 {
			t.Fatalf("once set up: %s after %d attempts", m.Status, m.Attempts)
		}
	}
	if got := len(r.srv.Messages()); got != 2 {
		t.Fatalf("delivered %d, want 2", got)
	}
}
