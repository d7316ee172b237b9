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
		due, err := tx.NextDueMail(now)
		if err != nil || due == nil || due.ID != m.ID || due.Text != "" || due.RedactedText != m.RedactedText {
			t.Fatalf("due %+v, %v", due, err)
		}
		if due, _ := tx.NextDueMail(now.Add(-time.Second)); due != nil {
			t.Fatalf("due before its time")
		}
		return nil
	})

	// Claimed, then interrupted: requeued with the same Message-ID.
	mustWrite(t, db, func(tx app.Tx) error {
		if ok, err := tx.ClaimMail(m.ID); err != nil || !ok {
			t.Fatalf("claim: %v %v", ok, err)
		}
		if ok, _ := tx.ClaimMail(m.ID); ok {
			t.Fatal("claimed twice")
		}
		n, err := tx.RequeueSending(now)
		if n != 1 {
			t.Fatalf("requeued %d", n)
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
		return tx.UpdateMail(got)
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
