package data_test

import (
	"bytes"
	"os"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
)

func TestOutbox_BodiesSealedAndDiscardedWhenFinal(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")
	now := time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)
	secret := "ACTIVATION-CODE-7K2QD-M9XWA"
	m := &app.OutboxMessage{StaffID: s.ID, Kind: app.MailActivation, ToName: "Camille Staff", ToAddress: s.Email,
		Subject: "Activate", MessageID: "<1@staffdesk.local>", Text: "text " + secret, HTML: "<p>" + secret + "</p>",
		RedactedText: "text •••••", RedactedHTML: "<p>•••••</p>", NextAttemptAt: now, CreatedAt: now}
	mustWrite(t, db, func(tx app.Tx) error { return tx.QueueMail(m) })

	for _, suffix := range []string{"", "-wal"} {
		b, _ := os.ReadFile(db.Path() + suffix)
		if bytes.Contains(b, []byte(secret)) {
			t.Fatalf("the body is in %s unsealed", "staffdesk.db"+suffix)
		}
	}
	mustRead(t, db, func(tx app.Tx) error {
		text, html, err := tx.OutboxBody(m.ID)
		if err != nil {
			return err
		}
		if text != m.Text || html != m.HTML {
			t.Fatalf("opened %q %q", text, html)
		}
		due, err := tx.DueMail(now, 10)
		if err != nil || len(due) != 1 || due[0].ID != m.ID || due[0].Text != "" || due[0].RedactedText != "" {
			t.Fatalf("due %+v, %v", due, err)
		}
		if due, _ := tx.DueMail(now.Add(-time.Second), 10); len(due) != 0 {
			t.Fatalf("due before its time")
		}
		list, err := tx.OutboxMessages(10)
		if err != nil || len(list) != 1 || list[0].RedactedText != "" || list[0].RedactedHTML != "" {
			t.Fatalf("the list loads bodies: %+v, %v", list, err)
		}
		one, err := tx.OutboxMessage(m.ID)
		if err != nil || one.RedactedText != m.RedactedText || one.RedactedHTML != m.RedactedHTML {
			t.Fatalf("one message: %+v, %v", one, err)
		}
		return nil
	})

	// Claimed, then its sender died: once the lease has passed it is requeued with the
	// same Message-ID.
	claim := app.MailClaim{Owner: "desk-a", Until: now.Add(time.Minute)}
	mustWrite(t, db, func(tx app.Tx) error {
		if got, err := tx.ClaimMail(claim, m.ID, 12345); err != nil || len(got) != 1 || got[0] != m.ID {
			t.Fatalf("claim: %v %v", got, err)
		}
		if got, _ := tx.ClaimMail(app.MailClaim{Owner: "desk-b", Until: now.Add(time.Minute)}, m.ID); len(got) != 0 {
			t.Fatal("claimed twice")
		}
		if n, err := tx.ReclaimExpiredMail(now.Add(59 * time.Second)); n != 0 || err != nil {
			t.Fatalf("reclaimed %d before the lease passed (%v)", n, err)
		}
		n, err := tx.ReclaimExpiredMail(now.Add(time.Minute))
		if n != 1 {
			t.Fatalf("reclaimed %d", n)
		}
		return err
	})
	mustWrite(t, db, func(tx app.Tx) error {
		got, err := tx.OutboxMessage(m.ID)
		if err != nil {
			return err
		}
		if got.Status != app.MailQueued || got.Attempts != 1 || got.MessageID != m.MessageID {
			t.Fatalf("after requeue: %+v", got)
		}
		got.Status, got.SentAt = app.MailSent, now
		if ok, err := tx.UpdateMail(got, app.MailQueued, ""); !ok || err != nil {
			t.Fatalf("update: %v %v", ok, err)
		}
		return nil
	})
	mustRead(t, db, func(tx app.Tx) error {
		_, _, err := tx.OutboxBody(m.ID)
		wantError(t, err, app.ECONFLICT, "")
		counts, err := tx.CountMail()
		if counts[app.MailSent] != 1 || counts.Waiting() != 0 {
			t.Fatalf("counts %v", counts)
		}
		return err
	})

	// The account's deletion keeps the message, without its account.
	mustWrite(t, db, func(tx app.Tx) error { return tx.DeleteStaff(s.ID) })
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.OutboxMessage(m.ID)
		if err == nil && got.StaffID != 0 {
			t.Fatalf("staff id %d after deletion", got.StaffID)
		}
		return err
	})
}

func TestCodes_OneLiveCodePerKind(t *testing.T) {
	db := MustOpenDB(t)
	f := newFixture(t, db)
	s := f.mustCreateStaff(t, "camilles")
	now := time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)
	code := func(digest string, kind app.CodeKind) *app.Code {
		return &app.Code{StaffID: s.ID, Kind: kind, Digest: []byte(digest), ExpiresAt: now.Add(time.Hour), CreatedAt: now}
	}
	first, second := code("d1", app.CodeActivation), code("d2", app.CodeActivation)
	reset := code("d3", app.CodePasswordReset)
	mustWrite(t, db, func(tx app.Tx) error {
		for _, c := range []*app.Code{first, reset} {
			if err := tx.CreateCode(c); err != nil {
				return err
			}
		}
		// The index admits one live code of a kind: a second is refused until the first
		// is revoked (the service's issueCode does both).
		if err := tx.CreateCode(second); err == nil {
			t.Fatal("a second live activation code was stored")
		}
		return nil
	})
	mustWrite(t, db, func(tx app.Tx) error {
		if err := tx.RevokeCodes(s.ID, now, app.CodeActivation); err != nil {
			return err
		}
		return tx.CreateCode(second)
	})
	mustRead(t, db, func(tx app.Tx) error {
		old, err := tx.CodeByDigest([]byte("d1"))
		if err != nil || old.RevokedAt.IsZero() {
			t.Fatalf("the older code is live: %+v %v", old, err)
		}
		live, err := tx.LiveCode(s.ID, app.CodeActivation)
		if err != nil || live.ID != second.ID {
			t.Fatalf("live %+v %v", live, err)
		}
		if _, err := tx.LiveCode(s.ID, app.CodePasswordReset); err != nil {
			t.Fatalf("the reset code was revoked by an activation code: %v", err)
		}
		staff, err := tx.Staff(s.ID)
		if err != nil || !staff.ActivationExpires.Equal(now.Add(time.Hour)) {
			t.Fatalf("ActivationExpires %v, %v", staff.ActivationExpires, err)
		}
		return nil
	})
	mustWrite(t, db, func(tx app.Tx) error { return tx.RevokeCodes(s.ID, now) })
	mustRead(t, db, func(tx app.Tx) error {
		_, err := tx.LiveCode(s.ID, app.CodePasswordReset)
		wantError(t, err, app.ENOTFOUND, "")
		return nil
	})
	// Wrong codes are counted per account and window.
	mustWrite(t, db, func(tx app.Tx) error {
		for i := 0; i < 3; i++ {
			if err := tx.AddCodeFailure(s.ID, now.Add(time.Duration(i)*time.Minute)); err != nil {
				return err
			}
		}
		n, oldest, err := tx.CodeFailuresSince(s.ID, now)
		if n != 2 || !oldest.Equal(now.Add(time.Minute)) {
			t.Fatalf("%d failures since, oldest %v", n, oldest)
		}
		return err
	})
}

func TestSettings(t *testing.T) {
	db := MustOpenDB(t)
	mustWrite(t, db, func(tx app.Tx) error {
		for k, v := range map[string]string{"email.host": "smtp.example.com", "email.port": "587", "emailx": "no", "other.a": "b"} {
			if err := tx.SetSetting(k, v); err != nil {
				return err
			}
		}
		return tx.SetSetting("email.port", "465")
	})
	mustWrite(t, db, func(tx app.Tx) error { return tx.SetSetting("email.host", "") })
	mustRead(t, db, func(tx app.Tx) error {
		got, err := tx.Settings("email.")
		if len(got) != 1 || got["email.port"] != "465" {
			t.Fatalf("settings %v", got)
		}
		return err
	})
}

// Two couriers on one outbox: every change is conditional on the state its writer saw,
// and a claim is taken over only once its lease has passed.
func TestOutbox_ClaimsAreConditional(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)
	m := &app.OutboxMessage{Kind: app.MailActivation, ToAddress: "camilles@email.xyz", Subject: "Activate",
		MessageID: "<2@staffdesk.local>", Text: "t", HTML: "h", NextAttemptAt: now, CreatedAt: now}
	mustWrite(t, db, func(tx app.Tx) error { return tx.QueueMail(m) })
	a := app.MailClaim{Owner: "desk-a", Until: now.Add(2 * time.Minute)}
	mustWrite(t, db, func(tx app.Tx) error {
		got, err := tx.ClaimMail(a, m.ID)
		if len(got) != 1 {
			t.Fatal("not claimed")
		}
		return err
	})
	status := func() app.MailStatus {
		var s app.MailStatus
		mustRead(t, db, func(tx app.Tx) error {
			got, err := tx.OutboxMessage(m.ID)
			s = got.Status
			return err
		})
		return s
	}
	mustRead(t, db, func(tx app.Tx) error {
		// Nothing is waiting but A's claim, whose expiry is when to look again.
		next, ok, err := tx.NextMailDue()
		if !ok || !next.Equal(a.Until) {
			t.Fatalf("next look at %v (%v), want the lease's end %v", next, ok, a.Until)
		}
		return err
	})
	mustWrite(t, db, func(tx app.Tx) error {
		// B starts: A's live claim is not B's to take.
		if n, _ := tx.ReclaimExpiredMail(now.Add(time.Minute)); n != 0 {
			t.Fatalf("B reclaimed %d live claims", n)
		}
		// A manager's change made while it sends does not land.
		queued := *m
		queued.Status = app.MailCancelled
		if ok, _ := tx.UpdateMail(&queued, app.MailQueued, ""); ok {
			t.Fatal("a change from queued landed on a message being sent")
		}
		// Another courier cannot record an outcome under A's claim.
		sent := *m
		sent.Status = app.MailQueued
		if ok, _ := tx.UpdateMail(&sent, app.MailSending, "desk-b"); ok {
			t.Fatal("desk-b recorded an outcome under desk-a's claim")
		}
		// A renews its lease: still not B's at the old expiry.
		if n, err := tx.RenewMailClaims(app.MailClaim{Owner: "desk-a", Until: now.Add(5 * time.Minute)}); n != 1 || err != nil {
			t.Fatalf("renewed %d (%v)", n, err)
		}
		if n, _ := tx.ReclaimExpiredMail(now.Add(3 * time.Minute)); n != 0 {
			t.Fatalf("reclaimed a renewed claim")
		}
		return nil
	})
	if s := status(); s != app.MailSending {
		t.Fatalf("status %s", s)
	}
	// A records sent; a late requeue (the old RequeueSending race) cannot undo it.
	mustWrite(t, db, func(tx app.Tx) error {
		sent := *m
		sent.Status, sent.SentAt, sent.Attempts = app.MailSent, now, 1
		if ok, err := tx.UpdateMail(&sent, app.MailSending, "desk-a"); !ok || err != nil {
			t.Fatalf("A's outcome: %v %v", ok, err)
		}
		if n, _ := tx.ReclaimExpiredMail(now.Add(time.Hour)); n != 0 {
			t.Fatalf("requeued a sent message")
		}
		if ok, _ := tx.UpdateMail(&sent, app.MailSending, "desk-a"); ok {
			t.Fatal("recorded twice")
		}
		return nil
	})
	if s := status(); s != app.MailSent {
		t.Fatalf("status %s after A recorded sent", s)
	}
}

// ClaimDueMail claims what is due, first due first, up to its limit, with the bodies
// opened and the status each had; a message already claimed, final, cancelled or not
// yet due is left alone, and one whose bodies were discarded comes with MailDiscarded.
func TestOutbox_ClaimDueMail(t *testing.T) {
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 7, 14, 0, 0, 0, time.UTC)
	msg := func(n int, status app.MailStatus, due time.Time) *app.OutboxMessage {
		return &app.OutboxMessage{Kind: app.MailActivation, ToAddress: "a@b.example", Subject: "s", Status: status,
			MessageID: "<" + string(rune('a'+n)) + "@x>", Text: "text " + string(rune('a'+n)), HTML: "<p>" + string(rune('a'+n)) + "</p>",
			NextAttemptAt: due, CreatedAt: now, Attempts: n % 2}
	}
	later := msg(0, app.MailQueued, now.Add(time.Minute))
	second := msg(1, app.MailRetrying, now.Add(-time.Second))
	first := msg(2, app.MailQueued, now.Add(-time.Minute))
	third := msg(3, app.MailQueued, now)
	fourth := msg(4, app.MailQueued, now)
	sent := msg(5, app.MailSent, now.Add(-time.Hour))
	taken := msg(6, app.MailQueued, now.Add(-time.Hour))
	mustWrite(t, db, func(tx app.Tx) error {
		for _, m := range []*app.OutboxMessage{later, second, first, third, fourth, sent, taken} {
			if err := tx.QueueMail(m); err != nil {
				return err
			}
		}
		if got, err := tx.ClaimMail(app.MailClaim{Owner: "desk-b", Until: now.Add(time.Minute)}, taken.ID); err != nil || len(got) != 1 {
			t.Fatalf("claim by desk-b: %v %v", got, err)
		}
		return nil
	})
	claim := app.MailClaim{Owner: "desk-a", Until: now.Add(2 * time.Minute)}
	var got []app.ClaimedMail
	mustWrite(t, db, func(tx app.Tx) (err error) {
		got, err = tx.ClaimDueMail(now, claim, 3)
		return err
	})
	if len(got) != 3 || got[0].Message.ID != first.ID || got[1].Message.ID != second.ID || got[2].Message.ID != third.ID {
		t.Fatalf("claimed %+v", got)
	}
	for i, want := range []*app.OutboxMessage{first, second, third} {
		g := got[i]
		if g.Err != nil || g.Text != want.Text || g.HTML != want.HTML || g.Was != want.Status ||
			g.Message.Status != app.MailSending || g.Message.Attempts != want.Attempts+1 || g.Message.MessageID != want.MessageID {
			t.Errorf("claimed %d: %+v %+v", i, g, g.Message)
		}
	}
	mustWrite(t, db, func(tx app.Tx) error {
		// The store says the same: sending under desk-a's claim, the attempt counted.
		for _, g := range got {
			m, err := tx.OutboxMessage(g.Message.ID)
			if err != nil || m.Status != app.MailSending || m.Attempts != g.Message.Attempts {
				t.Fatalf("stored %+v %v", m, err)
			}
		}
		if ok, err := tx.UpdateMail(&app.OutboxMessage{ID: got[0].Message.ID, Status: app.MailSent, Attempts: 1, SentAt: now}, app.MailSending, "desk-b"); ok || err != nil {
			t.Fatalf("desk-b recorded desk-a's message: %v %v", ok, err)
		}
		// fourth is the only one left due, its bodies discarded (sent, then queued
		// again): it comes with the reason.
		fourth.Status, fourth.SentAt = app.MailSent, now
		if ok, err := tx.UpdateMail(fourth, app.MailQueued, ""); !ok || err != nil {
			t.Fatalf("fourth sent: %v %v", ok, err)
		}
		fourth.Status = app.MailQueued
		if ok, err := tx.UpdateMail(fourth, app.MailSent, ""); !ok || err != nil {
			t.Fatalf("fourth queued again: %v %v", ok, err)
		}
		rest, err := tx.ClaimDueMail(now, claim, 10)
		if err != nil || len(rest) != 1 || rest[0].Message.ID != fourth.ID || app.ErrorCode(rest[0].Err) != app.ECONFLICT {
			t.Fatalf("the rest: %+v %v", rest, err)
		}
		if none, err := tx.ClaimDueMail(now, claim, 10); err != nil || len(none) != 0 {
			t.Fatalf("claimed again: %+v %v", none, err)
		}
		return nil
	})
}
