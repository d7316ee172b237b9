package desktest

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/staffdesk/staffdesk/app"
	"github.com/staffdesk/staffdesk/smtp/smtptest"
)

var activationCode = regexp.MustCompile(`\b[0-9A-HJKMNP-TV-Z]{5}-[0-9A-HJKMNP-TV-Z]{5}\b`)

// Sessions live in the file: a desk in another process holding a signed-in session
// learns at its next call that it ended here, and why. Desk alpha is Camille, whose
// account this process deactivates; desk bravo is the administrator, who ends that
// desk's session from their sessions list here.
func TestTwoDesks_SessionEndsInAnotherProcess(t *testing.T) {
	p := newPractice(t, smtptest.Options{})
	db, svc := p.open()
	defer db.Close()
	c := p.ctx()

	// Camille, activated with the code from her email, with a password.
	const camillePassword = "Violet-Long-Harbour-Passphrase-3"
	dir, err := svc.Directory.Load(c)
	if err != nil {
		t.Fatal(err)
	}
	var nurse int64
	for _, r := range dir.Roles {
		if r.Name == "Nurse" {
			nurse = r.ID
		}
	}
	camille, err := svc.Staff.Create(c, &app.NewStaff{Staff: app.Staff{FirstName: "Camille", LastName: "Staff",
		ProviderID: dir.Providers[0].ID, RoleID: nurse, Email: "camilles@email.xyz", Username: "camilles", UnlockPIN: "8453"},
		Password: camillePassword, ConfirmPassword: camillePassword})
	if err != nil {
		t.Fatal(err)
	}
	var code string
	err = db.Read(c, func(tx app.Tx) error {
		list, err := tx.OutboxMessages(10)
		if err != nil {
			return err
		}
		for _, m := range list {
			if m.ToAddress == camille.Email {
				text, _, err := tx.OutboxBody(m.ID)
				code = activationCode.FindString(text)
				return err
			}
		}
		return nil
	})
	if err != nil || code == "" {
		t.Fatalf("no activation code: %v", err)
	}
	if _, err := svc.Accounts.Activate(context.Background(), "camilles", code); err != nil {
		t.Fatal(err)
	}

	marks := t.TempDir()
	readyA, readyB := filepath.Join(marks, "alpha"), filepath.Join(marks, "bravo")
	start := time.Now()
	a := p.startAs("alpha", "camilles", camillePassword, "-probe", "-ready", readyA)
	b := p.start("bravo", "-probe", "-ready", readyB)
	for _, f := range []string{readyA, readyB} {
		for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			if _, err := os.Stat(f); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("%s never signed in\n%s\n%s", f, a.stderr.String(), b.stderr.String())
			}
		}
	}

	st, err := svc.Staff.Get(c, camille.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Staff.Deactivate(c, st.ID, st.Version); err != nil {
		t.Fatal(err)
	}
	mine, err := svc.Session.Sessions(c)
	if err != nil {
		t.Fatal(err)
	}
	ended := 0
	for _, s := range mine {
		if s.Desk == "bravo" && !s.Current {
			if err := svc.Session.EndSession(c, s.ID); err != nil {
				t.Fatal(err)
			}
			ended++
		}
	}
	if ended != 1 {
		t.Fatalf("the administrator's sessions: %+v", mine)
	}

	ra, rb := a.wait(t), b.wait(t)
	t.Logf("two desks signed in and signed out from another process in %s", time.Since(start).Round(time.Millisecond))
	for _, tc := range []struct {
		r      report
		reason app.SessionEnd
	}{{ra, app.EndDeactivated}, {rb, app.EndEndedElsewhere}} {
		if tc.r.Probe != app.ESIGNEDOUT || tc.r.ProbeReason != string(tc.reason) || tc.r.ProbeMessage != tc.reason.Message() {
			t.Errorf("desk %s: %q %q %q, want signed out because %s", tc.r.Name, tc.r.Probe, tc.r.ProbeReason, tc.r.ProbeMessage, tc.reason)
		}
		if len(tc.r.Errors) > 0 {
			t.Errorf("desk %s: %q", tc.r.Name, tc.r.Errors)
		}
	}
	// The session of this process goes on.
	if _, err := svc.Session.Me(c); err != nil {
		t.Fatalf("this process's session: %v", err)
	}
	if logs := a.stderr.String() + b.stderr.String(); strings.Contains(logs, camillePassword) || strings.Contains(logs, adminPassword) {
		t.Fatal("a desk logged a password")
	}
}
